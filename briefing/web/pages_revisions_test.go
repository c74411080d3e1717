package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"firsthand/briefing"
)

func TestPageCorrectionAsAnEmployeeSeesIt(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	first := a.published(o, "Launch day", briefing.Policy{Threshold: 0.8}, nil, "Sales")
	other := a.published(o, "Canteen", briefing.Policy{Threshold: 0.8}, nil, "Sales")
	anna := o.sales[0]
	for _, id := range []string{first.ID, other.ID} {
		if _, err := a.st.Acknowledge(id, anna.ID); err != nil {
			t.Fatal(err)
		}
	}
	dash := "/announcements/" + first.ID
	pgContains(t, "dashboard", a.get(o.author, dash).Body, `action="/announcements/`+first.ID+`/revisions"`, `id="revise_material"`)

	// A correction without a note is refused next to the field, the text kept.
	r := a.post(o.author, dash+"/revisions", url.Values{"title": {"Launch day"}, "summary": {first.Summary},
		"body": {"Body of **Launch day** <script>x</script> on 3 March"}, "material": {"on"}})
	pgWant(t, "no note", r, http.StatusUnprocessableEntity)
	pgContains(t, "no note", r.Body, `id="revise_note-err"`, "3 March")

	r = a.post(o.author, dash+"/revisions", url.Values{"title": {"Launch day"}, "summary": {first.Summary},
		"body": {"Body of **Launch day** <script>x</script> on 3 March"}, "material": {"on"}, "note": {"The date moved"}})
	pgWant(t, "material correction", r, http.StatusSeeOther)
	if !strings.Contains(r.Flash, "acknowledge it again") {
		t.Errorf("flash %q", r.Flash)
	}

	// Back at the top of Anna's inbox, with the note.
	inbox := a.get(anna, "/").Body
	open := inbox[:strings.Index(inbox, "done-h")]
	if !strings.Contains(open, "Launch day") || strings.Contains(open, "Canteen") {
		t.Errorf("the revised item is not back among those to acknowledge (and only it)")
	}
	pgContains(t, "inbox", inbox, "Changed", "The date moved")

	// The briefing page: the note, what changed, and acknowledge again.
	r = a.get(anna, "/briefings/"+first.ID)
	pgWant(t, "briefing", r, http.StatusOK)
	pgContains(t, "briefing", r.Body, `id="changed-note"`, "The date moved", `id="what-changed"`, "What changed since version 1",
		"<ins> &lt;script&gt;x&lt;/script&gt; on 3 March</ins>", `id="ack-again"`, "You acknowledged version 1",
		`action="/briefings/`+first.ID+`/ack"`)
	if strings.Contains(r.Body, "<script>x") {
		t.Errorf("the diff carries the author's markup unescaped")
	}
	pgWant(t, "acknowledge again", a.post(anna, "/briefings/"+first.ID+"/ack", url.Values{}), http.StatusSeeOther)
	r = a.get(anna, "/briefings/"+first.ID)
	if strings.Contains(r.Body, `id="ack-again"`) || !strings.Contains(r.Body, "You acknowledged this") {
		t.Errorf("after acknowledging version 2 the page still asks for it")
	}

	// A minor correction: "updated" and the note, still acknowledged.
	pgWant(t, "minor", a.post(o.author, dash+"/revisions", url.Values{"title": {"Launch day!"}, "summary": {first.Summary},
		"body": {"Body of **Launch day** <script>x</script> on 3 March"}, "note": {"Punctuation"}}), http.StatusSeeOther)
	r = a.get(anna, "/briefings/"+first.ID)
	pgContains(t, "after minor", r.Body, "Updated", "Punctuation", "You acknowledged this", "Launch day<ins>!</ins>")
}
