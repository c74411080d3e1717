package web

import (
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// pgDraftForm is a valid editor form; tests change one field at a time.
func pgDraftForm() url.Values {
	return url.Values{
		"title": {"New pricing"}, "summary": {"Three plans instead of five."},
		"body": {"## What changes\n\n**Nobody** pays more."}, "department": {"Sales"},
		"threshold": {"50"}, "on_deadline": {"hold"}, "action": {"save"},
	}
}

func TestPageEditorKeepsTypedValuesAndNamesTheField(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	cases := []struct {
		name   string
		change func(url.Values)
		field  string // the control the error sits next to
		msg    string
	}{
		{"threshold out of range", func(f url.Values) { f.Set("threshold", "150") }, "threshold", "more than 0 and at most 100"},
		{"no title", func(f url.Values) { f.Set("title", "  ") }, "title", "A title is required"},
		{"embargo unreadable", func(f url.Values) { f.Set("not_before", "next tuesday") }, "not_before", "Enter a date and a time"},
		{"deadline before embargo", func(f url.Values) {
			f.Set("not_before", "2030-06-02T09:00")
			f.Set("deadline", "2030-06-01T09:00")
		}, "deadline", "must not be before"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := pgDraftForm()
			f.Set("summary", `Typed <by> "me"`)
			f.Set("people", "someone@example.com")
			tc.change(f)
			r := a.post(o.author, "/announcements/new", f)
			pgWant(t, "save", r, http.StatusUnprocessableEntity)
			pgContains(t, "re-rendered editor", r.Body,
				`id="`+tc.field+`-err"`, tc.msg, // the message next to the field…
				`href="#`+tc.field+`"`, // …and in the summary, linking to it
				`Typed &lt;by&gt; &#34;me&#34;</textarea>`,
				`value="Sales" checked`,
				`someone@example.com</textarea>`,
				"**Nobody** pays more.</textarea>")
			if !strings.Contains(r.Body, `id="`+tc.field+`"`) {
				t.Errorf("there is no control with id %q for the error to point at", tc.field)
			}
			list, _, err := a.st.Announcements(store.AnnouncementFilter{})
			if err != nil || len(list) != 0 {
				t.Errorf("a draft was stored despite the error: %d, %v", len(list), err)
			}
		})
	}
}

func TestPageEditorSavesPreviewsAndPublishes(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ch := &briefing.Channel{Name: "Fediverse", Kind: channel.KindMastodon, Purpose: "Our public account",
		Config: channel.ConfigJSON(channel.MastodonConfig{Instance: "https://mastodon.example", AccessToken: "secret-token"})}
	if err := a.st.CreateChannel(ch, "test"); err != nil {
		t.Fatal(err)
	}

	// The editor offers the directory's departments with their people.
	r := a.get(o.author, "/announcements/new")
	pgWant(t, "new", r, http.StatusOK)
	pgContains(t, "new", r.Body, `value="Sales"`, `value="Support"`, "Fediverse", "Our public account", "Up to 500 characters", `value="80"`)

	// Preview renders the Markdown as publish will, and sanitises it.
	f := pgDraftForm()
	f.Set("body", "**bold** <script>alert(1)</script>")
	f.Set("action", "preview")
	r = a.post(o.author, "/announcements/new", f)
	pgWant(t, "preview", r, http.StatusOK)
	pgContains(t, "preview", r.Body, `id="preview"`, "<strong>bold</strong>", "<strong>4</strong> people", "Sales 4")
	if strings.Contains(r.Body, "<script>alert") {
		t.Errorf("the preview carries the script")
	}

	// A channel text over the kind's limit is named next to its box.
	f = pgDraftForm()
	f.Set("channel", ch.ID)
	f.Set("text_"+ch.ID, strings.Repeat("é", 501))
	r = a.post(o.author, "/announcements/new", f)
	pgWant(t, "long text", r, http.StatusUnprocessableEntity)
	pgContains(t, "long text", r.Body, `id="text_`+ch.ID+`-err"`, "counts 526 characters", "link included", "at most 500")

	// Save: the embargo is read in the viewer's zone.
	f = pgDraftForm()
	f.Set("channel", ch.ID)
	f.Set("text_"+ch.ID, "Short and public.")
	f.Set("not_before", "2030-06-01T09:00")
	f.Set("dept_threshold", "40")
	r = a.send(&o.author, http.MethodPost, "/announcements/new", strings.NewReader(f.Encode()), "application/x-www-form-urlencoded", "Europe/Berlin")
	pgWant(t, "save", r, http.StatusSeeOther)
	id := strings.TrimSuffix(strings.TrimPrefix(strings.Split(r.Location, "?")[0], "/announcements/"), "/edit")
	ann, err := a.st.Announcement(id)
	if err != nil {
		t.Fatalf("saved draft %q: %v", id, err)
	}
	if want := time.Date(2030, 6, 1, 7, 0, 0, 0, time.UTC); ann.Policy.NotBefore == nil || !ann.Policy.NotBefore.Equal(want) {
		t.Errorf("embargo: got %v, want %v (09:00 in Berlin)", ann.Policy.NotBefore, want)
	}
	if ann.Policy.Threshold != 0.5 || ann.Policy.DepartmentThreshold == nil || *ann.Policy.DepartmentThreshold != 0.4 {
		t.Errorf("policy: got %+v", ann.Policy)
	}
	if len(ann.Channels) != 1 || ann.Channels[0].Text != "Short and public." {
		t.Errorf("channels: got %+v", ann.Channels)
	}

	// Editing shows it back in the same zone, and names the zone.
	r = a.send(&o.author, http.MethodGet, "/announcements/"+id+"/edit", nil, "", "Europe/Berlin")
	pgWant(t, "edit", r, http.StatusOK)
	pgContains(t, "edit", r.Body, `value="2030-06-01T09:00"`, "Europe/Berlin", `value="40"`, "Short and public.</textarea>")

	// Publish asks first, saying who will receive it.
	f.Set("action", "publish")
	r = a.post(o.author, "/announcements/"+id+"/edit", f)
	pgWant(t, "review", r, http.StatusSeeOther)
	if r.Location != "/announcements/"+id+"/publish" {
		t.Fatalf("review: got Location %q", r.Location)
	}
	r = a.get(o.author, r.Location)
	pgWant(t, "confirm", r, http.StatusOK)
	pgContains(t, "confirm", r.Body, "<strong>4 people</strong>", "Sales", "Publish to 4 people", "Fediverse", `method="post"`)
	if ann, _ := a.st.Announcement(id); ann.State != briefing.StateDraft {
		t.Fatalf("the confirmation page published: %s", ann.State)
	}
	r = a.post(o.author, "/announcements/"+id+"/publish", url.Values{})
	pgWant(t, "publish", r, http.StatusSeeOther)
	if ann, _ := a.st.Announcement(id); ann.State != briefing.StateBriefing || ann.Recipients != 4 {
		t.Errorf("after publish: state %s, %d recipients", ann.State, ann.Recipients)
	}
	// A published announcement is no longer editable.
	r = a.get(o.author, "/announcements/"+id+"/edit")
	pgWant(t, "edit after publish", r, http.StatusSeeOther)
	r = a.post(o.author, "/announcements/"+id+"/publish", url.Values{})
	pgWant(t, "publish twice", r, http.StatusConflict)
}

func TestPagePublishRefusesAnEmptyAudience(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	f := pgDraftForm()
	f.Del("department")
	f.Set("people", "nobody@example.com")
	r := a.post(o.author, "/announcements/new", f)
	pgWant(t, "save", r, http.StatusSeeOther)
	id := strings.Split(strings.TrimPrefix(r.Location, "/announcements/"), "/")[0]
	r = a.get(o.author, "/announcements/"+id+"/publish")
	pgWant(t, "confirm", r, http.StatusOK)
	pgContains(t, "confirm", r.Body, "reaches nobody", "nobody@example.com")
	if strings.Contains(r.Body, "Publish to") {
		t.Errorf("the page offers to publish to nobody")
	}
	r = a.post(o.author, "/announcements/"+id+"/publish", url.Values{})
	pgWant(t, "publish", r, http.StatusUnprocessableEntity)
}

// TestPageEditorThresholdAsTyped: a threshold below 1 % is stored as the
// share typed, as the API stores it, never as the default 80 % (a share
// rounded to 0 used to mean "the default"); 0 is refused on the page as
// the API refuses it (422, policy.threshold).
func TestPageEditorThresholdAsTyped(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	for _, tt := range []struct {
		typed, shown string
		want         float64
	}{
		{"0.5", "0.5", 0.005},
		{"0.004", "0.004", 0.00004},
		{"66,5 %", "66.5", 0.665},
		{"100", "100", 1},
	} {
		f := pgDraftForm()
		f.Set("threshold", tt.typed)
		r := a.post(o.author, "/announcements/new", f)
		pgWant(t, "save "+tt.typed, r, http.StatusSeeOther)
		id := strings.TrimSuffix(strings.TrimPrefix(r.Location, "/announcements/"), "/edit")
		got, err := a.st.Announcement(id)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.Policy.Threshold-tt.want) > 1e-12 {
			t.Errorf("threshold typed %q: stored %v, want %v", tt.typed, got.Policy.Threshold, tt.want)
		}
		pgContains(t, "editor after "+tt.typed, a.get(o.author, r.Location).Body, `id="threshold" name="threshold"`, `inputmode="decimal" value="`+tt.shown+`"`)
	}
	for _, typed := range []string{"0", "-1", "0%"} {
		f := pgDraftForm()
		f.Set("threshold", typed)
		r := a.post(o.author, "/announcements/new", f)
		pgWant(t, "save "+typed, r, http.StatusUnprocessableEntity)
		pgContains(t, "save "+typed, r.Body, `id="threshold-err"`)
	}
	// The API takes the same share and refuses the same 0.
	api := a.send(&o.author, http.MethodPost, "/api/v1/announcements", strings.NewReader(
		`{"title": "Tiny", "audience": {"departments": ["Sales"]}, "policy": {"threshold": 0.00004}}`), "application/json", "")
	pgWant(t, "API create", api, http.StatusCreated)
	pgContains(t, "API create", api.Body, `"threshold":0.00004`)
	api = a.send(&o.author, http.MethodPost, "/api/v1/announcements", strings.NewReader(
		`{"title": "Zero", "policy": {"threshold": 0}}`), "application/json", "")
	pgWant(t, "API create with 0", api, http.StatusUnprocessableEntity)
	pgContains(t, "API create with 0", api.Body, `"field":"policy.threshold"`)
}
