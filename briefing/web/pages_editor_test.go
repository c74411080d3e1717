package web

import (
	"html"
	"io"
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

// pgOrgZone sets the organisation's time zone: the zone of every page
// for people who have not chosen their own.
func pgOrgZone(t *testing.T, a *pgApp, zone string) {
	t.Helper()
	if _, err := a.st.UpdateSettings("test", func(s *briefing.Settings) error {
		s.TimeZone = zone
		return nil
	}); err != nil {
		t.Fatalf("UpdateSettings(time_zone %s): %v", zone, err)
	}
}

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

	// Save: the embargo is read in the author's zone, here the
	// organisation's.
	pgOrgZone(t, a, "Europe/Berlin")
	f = pgDraftForm()
	f.Set("channel", ch.ID)
	f.Set("text_"+ch.ID, "Short and public.")
	f.Set("not_before", "2030-06-01T09:00")
	f.Set("dept_threshold", "40")
	r = a.post(o.author, "/announcements/new", f)
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

	// Editing shows it back in the same zone, names the zone and shows
	// the instant in UTC.
	r = a.get(o.author, "/announcements/"+id+"/edit")
	pgWant(t, "edit", r, http.StatusOK)
	pgContains(t, "edit", r.Body, `value="2030-06-01T09:00"`, "Embargo (Europe/Berlin, CEST)", "= 1 Jun 2030, 07:00 UTC",
		`value="40"`, "Short and public.</textarea>")

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

// pgGermanReader is what a browser set to German sends.
var pgGermanReader = map[string]string{"Accept-Language": "de-DE,de;q=0.9"}

// pgSend is a request with a form (nil for none) and extra headers, for
// what get and post cannot say (the browser's language).
func pgSend(a *pgApp, u pgUser, method, path string, form url.Values, header map[string]string) pgResp {
	a.t.Helper()
	var body io.Reader
	h := http.Header{}
	if form != nil {
		body = strings.NewReader(form.Encode())
		h.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		h.Set(k, v)
	}
	return a.do(&u, method, path, body, h)
}

// pgSavedDraft is the draft a save redirected to.
func pgSavedDraft(t *testing.T, a *pgApp, r pgResp) *briefing.Announcement {
	t.Helper()
	id := strings.TrimSuffix(strings.TrimPrefix(strings.Split(r.Location, "?")[0], "/announcements/"), "/edit")
	ann, err := a.st.Announcement(id)
	if err != nil {
		t.Fatalf("saved draft %q (from %q): %v", id, r.Location, err)
	}
	return ann
}

// TestPageEditorTimesInTheAuthorsZone: the embargo and the deadline are
// typed in the author's zone (their own, else the organisation's) and
// stored in UTC; the API keeps RFC 3339 in UTC.
func TestPageEditorTimesInTheAuthorsZone(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	pgOrgZone(t, a, "Europe/Berlin")
	for _, tc := range []struct {
		name, notBefore, deadline   string
		wantNotBefore, wantDeadline time.Time
		shown                       []string
	}{
		{"winter", "2026-12-01T19:33", "2026-12-08T17:00",
			time.Date(2026, 12, 1, 18, 33, 0, 0, time.UTC), time.Date(2026, 12, 8, 16, 0, 0, 0, time.UTC),
			[]string{"Embargo (Europe/Berlin, CET)", "= 1 Dec 2026, 18:33 UTC", "Deadline (Europe/Berlin, CET)", "= 8 Dec 2026, 16:00 UTC"}},
		{"summer", "2027-07-01T09:00", "", time.Date(2027, 7, 1, 7, 0, 0, 0, time.UTC), time.Time{},
			[]string{"Embargo (Europe/Berlin, CEST)", "= 1 Jul 2027, 07:00 UTC"}},
		{"the hour after the gap", "2027-03-28T03:00", "", time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC), time.Time{},
			[]string{"= 28 Mar 2027, 01:00 UTC"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := pgDraftForm()
			f.Set("not_before", tc.notBefore)
			f.Set("deadline", tc.deadline)
			r := a.post(o.author, "/announcements/new", f)
			pgWant(t, "save", r, http.StatusSeeOther)
			ann := pgSavedDraft(t, a, r)
			if ann.Policy.NotBefore == nil || !ann.Policy.NotBefore.Equal(tc.wantNotBefore) {
				t.Errorf("embargo: got %v, want %v", ann.Policy.NotBefore, tc.wantNotBefore)
			}
			if tc.deadline == "" && ann.Policy.Deadline != nil || tc.deadline != "" && (ann.Policy.Deadline == nil || !ann.Policy.Deadline.Equal(tc.wantDeadline)) {
				t.Errorf("deadline: got %v, want %v", ann.Policy.Deadline, tc.wantDeadline)
			}
			r = a.get(o.author, "/announcements/"+ann.ID+"/edit")
			pgWant(t, "edit", r, http.StatusOK)
			pgContains(t, "edit", r.Body, append(tc.shown, `value="`+tc.notBefore+`"`)...)
			api := a.get(o.author, "/api/v1/announcements/"+ann.ID)
			pgWant(t, "API", api, http.StatusOK)
			pgContains(t, "API", api.Body, `"not_before":"`+tc.wantNotBefore.Format(time.RFC3339)+`"`)
		})
	}

	// A person's own zone wins over the organisation's.
	if _, err := a.st.SetPreferences(o.author.ID, new("Asia/Tokyo"), nil); err != nil {
		t.Fatal(err)
	}
	f := pgDraftForm()
	f.Set("not_before", "2026-12-01T19:33")
	r := a.post(o.author, "/announcements/new", f)
	pgWant(t, "save in Tokyo", r, http.StatusSeeOther)
	if ann := pgSavedDraft(t, a, r); ann.Policy.NotBefore == nil || !ann.Policy.NotBefore.Equal(time.Date(2026, 12, 1, 10, 33, 0, 0, time.UTC)) {
		t.Errorf("embargo typed in Tokyo: got %v, want 10:33 UTC", ann.Policy.NotBefore)
	}
	pgContains(t, "editor in Tokyo", a.get(o.author, "/announcements/new").Body, "Embargo (Asia/Tokyo, JST)")

}

// TestPageEditorRefusesATimeTheClocksSkip: on the night the clocks go
// forward, 02:30 does not exist in Berlin: the editor says so, keeps
// everything typed and stores nothing.
func TestPageEditorRefusesATimeTheClocksSkip(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	pgOrgZone(t, a, "Europe/Berlin")
	for _, field := range []string{"not_before", "deadline"} {
		f := pgDraftForm()
		f.Set("summary", `Typed <by> "me"`)
		f.Set(field, "2027-03-28T02:30")
		r := a.post(o.author, "/announcements/new", f)
		pgWant(t, field+" in the gap", r, http.StatusUnprocessableEntity)
		pgContains(t, field+" in the gap", r.Body, `id="`+field+`-err"`, `href="#`+field+`"`,
			"2027-03-28 02:30 does not exist in Europe/Berlin: the clocks go from 02:00 to 03:00 that night; choose 03:00 or later",
			`name="`+field+`" type="datetime-local" value="2027-03-28T02:30"`, `Typed &lt;by&gt; &#34;me&#34;</textarea>`, `value="Sales" checked`)
		if list, _, err := a.st.Announcements(store.AnnouncementFilter{}); err != nil || len(list) != 0 {
			t.Errorf("a draft was stored despite the gap: %d, %v", len(list), err)
		}
	}
}

// TestPageEditorAsksWhichOfTwoTimes: on the night the clocks go back,
// 02:30 happens twice in Berlin: the editor asks which, and saves the one
// chosen; editing again keeps the choice without asking.
func TestPageEditorAsksWhichOfTwoTimes(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	pgOrgZone(t, a, "Europe/Berlin")
	first, second := time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)

	f := pgDraftForm()
	f.Set("not_before", "2026-10-25T02:30")
	r := a.post(o.author, "/announcements/new", f)
	pgWant(t, "twice", r, http.StatusUnprocessableEntity)
	pgContains(t, "twice", html.UnescapeString(r.Body), `id="not_before-err"`, "2026-10-25 02:30 happens twice in Europe/Berlin",
		`id="not_before_choice"`,
		`name="not_before_choice" value="2026-10-25T00:30:00Z">`, "02:30 CEST (UTC+2, the first time)",
		`name="not_before_choice" value="2026-10-25T01:30:00Z">`, "02:30 CET (UTC+1, the second time)",
		`value="2026-10-25T02:30"`)
	if list, _, _ := a.st.Announcements(store.AnnouncementFilter{}); len(list) != 0 {
		t.Errorf("a draft was stored before the author chose")
	}

	// A choice that is neither instant asks again.
	f.Set("not_before_choice", "2026-10-25T03:30:00Z")
	pgWant(t, "a stray choice", a.post(o.author, "/announcements/new", f), http.StatusUnprocessableEntity)

	f.Set("not_before_choice", second.Format(time.RFC3339))
	r = a.post(o.author, "/announcements/new", f)
	pgWant(t, "the second time chosen", r, http.StatusSeeOther)
	ann := pgSavedDraft(t, a, r)
	if ann.Policy.NotBefore == nil || !ann.Policy.NotBefore.Equal(second) {
		t.Fatalf("embargo: got %v, want %v (02:30 CET)", ann.Policy.NotBefore, second)
	}

	// The editor shows the choice made; saving again keeps it.
	r = a.get(o.author, "/announcements/"+ann.ID+"/edit")
	pgWant(t, "edit", r, http.StatusOK)
	pgContains(t, "edit", r.Body, `value="2026-10-25T02:30"`, `value="2026-10-25T01:30:00Z" checked>`, "Embargo (Europe/Berlin, CET)")
	if strings.Contains(r.Body, `id="not_before-err"`) {
		t.Errorf("the editor asks again about a time already chosen")
	}
	f.Del("not_before_choice")
	f.Set("not_before_choice", second.Format(time.RFC3339)) // as the checked radio sends it
	r = a.post(o.author, "/announcements/"+ann.ID+"/edit", f)
	pgWant(t, "save again", r, http.StatusSeeOther)

	// And the other instant is one click away.
	f.Set("not_before_choice", first.Format(time.RFC3339))
	r = a.post(o.author, "/announcements/"+ann.ID+"/edit", f)
	pgWant(t, "the first time chosen", r, http.StatusSeeOther)
	if got, _ := a.st.Announcement(ann.ID); got.Policy.NotBefore == nil || !got.Policy.NotBefore.Equal(first) {
		t.Errorf("embargo: got %v, want %v (02:30 CEST)", got.Policy.NotBefore, first)
	}

	// The deadline asks the same way.
	f = pgDraftForm()
	f.Set("deadline", "2026-10-25T02:30")
	r = a.post(o.author, "/announcements/new", f)
	pgWant(t, "deadline twice", r, http.StatusUnprocessableEntity)
	pgContains(t, "deadline twice", r.Body, `id="deadline-err"`, `name="deadline_choice" value="2026-10-25T00:30:00Z">`)
}

// TestPageEditorInGerman: a German author sees the whole editor in
// German, the zone in the labels as a German reader knows it.
func TestPageEditorInGerman(t *testing.T) {
	a := newPgApp(t)
	pgOrgZone(t, a, "Europe/Berlin")
	author := a.member("paula@example.com", "Kommunikation", briefing.RoleAuthor)
	for _, e := range []string{"anna", "bernd"} {
		a.member(e+"@example.com", "Vertrieb")
	}
	ch := &briefing.Channel{Name: "Fediversum", Kind: channel.KindMastodon, Purpose: "Unser öffentliches Konto",
		Config: channel.ConfigJSON(channel.MastodonConfig{Instance: "https://mastodon.example", AccessToken: "geheimes-token"})}
	if err := a.st.CreateChannel(ch, "test"); err != nil {
		t.Fatal(err)
	}
	r := pgSend(a, author, http.MethodGet, "/announcements/new", nil, pgGermanReader)
	pgWant(t, "new", r, http.StatusOK)
	pgGerman(t, "the new editor", r.Body)
	pgContains(t, "the new editor", r.Body, "<title>Neue Meldung", "Sperrfrist (Europe/Berlin, ", "Frist (Europe/Berlin, ",
		"Entwurf speichern", "Bis zu 500 Zeichen", "Newsroom und Feed")

	form := url.Values{"title": {"Neue Preise"}, "summary": {"Drei Tarife statt fünf."}, "body": {"Niemand zahlt mehr."},
		"department": {"Vertrieb"}, "threshold": {"50"}, "on_deadline": {"hold"}, "action": {"save"},
		"channel": {ch.ID}, "text_" + ch.ID: {"Kurz und öffentlich."},
		"not_before": {"2026-12-01T19:33"}, "deadline": {"2026-10-25T02:30"}}
	r = pgSend(a, author, http.MethodPost, "/announcements/new", form, pgGermanReader)
	pgWant(t, "twice", r, http.StatusUnprocessableEntity)
	pgGerman(t, "the editor asking which", r.Body)
	pgContains(t, "the editor asking which", html.UnescapeString(r.Body), "2026-10-25 02:30 gibt es in Europe/Berlin zweimal",
		"02:30 MESZ (UTC+2, das erste Mal)", "02:30 MEZ (UTC+1, das zweite Mal)", "Sperrfrist (Europe/Berlin, MEZ)",
		"= 1. Dez. 2026, 18:33 UTC")

	form.Set("deadline", "2027-03-28T02:30")
	r = pgSend(a, author, http.MethodPost, "/announcements/new", form, pgGermanReader)
	pgWant(t, "gap", r, http.StatusUnprocessableEntity)
	pgGerman(t, "the editor refusing a gap", r.Body)
	pgContains(t, "the editor refusing a gap", r.Body,
		"2027-03-28 02:30 gibt es in Europe/Berlin nicht: In dieser Nacht werden die Uhren von 02:00 auf 03:00 vorgestellt. Bitte wählen Sie 03:00 oder später")

	form.Set("deadline", "2027-03-28T03:30")
	r = pgSend(a, author, http.MethodPost, "/announcements/new", form, pgGermanReader)
	pgWant(t, "save", r, http.StatusSeeOther)
	if r.Flash != "Entwurf gespeichert." {
		t.Errorf("flash: got %q", r.Flash)
	}
	r = pgSend(a, author, http.MethodGet, r.Location, nil, pgGermanReader)
	pgWant(t, "edit", r, http.StatusOK)
	pgGerman(t, "the saved draft", r.Body)
	pgContains(t, "the saved draft", r.Body, "<title>Bearbeiten: Neue Preise", "Entwurf bearbeiten", "Frist (Europe/Berlin, MESZ)",
		"= 28. März 2027, 01:30 UTC", "Zuletzt gespeichert:")
}
