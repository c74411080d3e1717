package web

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"

	"firsthand/briefing"
)

func (a *testApp) readCount(author testUser, id string) (read, acked int) {
	a.t.Helper()
	r := decode[struct {
		Read         int `json:"read"`
		Acknowledged int `json:"acknowledged"`
	}](a.t, "readiness", a.get("/api/v1/announcements/"+id+"/readiness", author.Token), http.StatusOK)
	return r.Read, r.Acknowledged
}

// TestBriefingMailLinkSignsIn: the link in a briefing mail signs an
// employee in with one button and lands on the briefing; opening the link
// (as a mail scanner does) changes nothing, and the read is recorded only
// when the briefing page itself is opened. A manager's link leads to the
// password sign-in instead.
func TestBriefingMailLinkSignsIn(t *testing.T) {
	clock := &testClock{now: time.Now().UTC()}
	a, box := newMailAppAt(t, clock)
	author := a.user("author@example.com", "PR", briefing.RoleAuthor)
	emp := a.addUser(person{Email: "emp@example.com", Name: "Emma Employee", Department: "Sales"})
	mgr := a.user("mgr@example.com", "Sales", briefing.RoleManager)
	ann := a.create(author, draftOf("New prices", "Sales"))
	a.publish(author, ann.ID)
	link := linkIn(t, box.waitFor(t, emp.Email, 1)[0], "/b/")
	mgrLink := linkIn(t, box.waitFor(t, mgr.Email, 1)[0], "/b/")

	for i := range 2 {
		r := a.page(link, "")
		wantStatus(t, "GET the mail's link", r, http.StatusOK)
		if !bytes.Contains(r.Body, []byte("Open your briefing as Emma Employee")) || !bytes.Contains(r.Body, []byte(`action="`+link+`"`)) {
			t.Errorf("GET %d: no one-button page:\n%s", i+1, r.Body)
		}
		if c := sessionCookie(r); c != nil && c.MaxAge >= 0 {
			t.Errorf("GET %d signed in", i+1)
		}
	}
	if read, acked := a.readCount(author, ann.ID); read != 0 || acked != 0 {
		t.Fatalf("after GETs: read %d, acknowledged %d; want 0, 0", read, acked)
	}
	cross := a.send(req{method: http.MethodPost, path: link, header: map[string]string{"Sec-Fetch-Site": "cross-site"}})
	wantStatus(t, "a cross-site POST", cross, http.StatusForbidden)

	r := a.form(link, "", nil)
	wantStatus(t, "POST the button", r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/briefings/"+ann.ID {
		t.Errorf("redirect to %q, want /briefings/%s", loc, ann.ID)
	}
	c := sessionCookie(r)
	if c == nil || c.Value == "" {
		t.Fatal("the POST did not sign in")
	}
	if read, _ := a.readCount(author, ann.ID); read != 0 {
		t.Errorf("the sign-in recorded a read: read = %d", read)
	}
	// Signed in, the link goes straight to the briefing.
	if r := a.page(link, c.Value); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/briefings/"+ann.ID {
		t.Errorf("GET the link signed in: %d to %q, want 303 to the briefing", r.Status, r.Header.Get("Location"))
	}
	wantStatus(t, "the briefing page", a.page("/briefings/"+ann.ID, c.Value), http.StatusOK)
	if read, acked := a.readCount(author, ann.ID); read != 1 || acked != 0 {
		t.Errorf("after opening the page: read %d, acknowledged %d; want 1, 0", read, acked)
	}
	if !a.hasAudit("session.link", "announcement:"+ann.ID) {
		t.Error("the sign-in by link is not audited")
	}

	r = a.form(mgrLink, "", nil)
	wantStatus(t, "a manager's button", r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/?next="+url.QueryEscape("/briefings/"+ann.ID) {
		t.Errorf("a manager is sent to %q, want the sign-in with next", loc)
	}
	if c := sessionCookie(r); c != nil && c.Value != "" {
		t.Error("a manager was signed in by a link")
	}

	// An unknown token and an expired one look alike.
	unknown := a.page("/b/fl_nothing", "")
	wantStatus(t, "an unknown link", unknown, http.StatusNotFound)
	clock.Add(briefing.BriefingLinkTTL + time.Minute)
	expired := a.page(link, "")
	wantStatus(t, "an expired link", expired, http.StatusNotFound)
	if !bytes.Equal(unknown.Body, expired.Body) {
		t.Error("an expired link's page differs from an unknown one's")
	}
}

// TestBriefingMailLinkGerman: the one-button page of a briefing mail's
// link, and the page of a link that opens nothing, for a German reader.
func TestBriefingMailLinkGerman(t *testing.T) {
	a, box := newMailApp(t)
	author := a.user("author@example.com", "PR", briefing.RoleAuthor)
	emp := a.addUser(person{Email: "emma@example.com", Name: "Emma Beispiel", Department: "Sales"})
	ann := a.create(author, draftOf("Neue Preise", "Sales"))
	a.publish(author, ann.ID)
	link := linkIn(t, box.waitFor(t, emp.Email, 1)[0], "/b/")
	german := map[string]string{"Accept-Language": acceptGerman}

	r := a.send(req{method: http.MethodGet, path: link, header: german})
	wantStatus(t, "GET the link in German", r, http.StatusOK)
	pgGerman(t, "German link page", string(r.Body))
	pgContains(t, "German link page", string(r.Body), "<title>Ihr Briefing öffnen · Firsthand</title>",
		"Ihr Briefing als Emma Beispiel öffnen", "Sie sind nicht Emma Beispiel?")

	gone := a.send(req{method: http.MethodGet, path: "/b/fl_nothing", header: german})
	wantStatus(t, "an unknown link in German", gone, http.StatusNotFound)
	pgGerman(t, "German unknown link", string(gone.Body))
	pgContains(t, "German unknown link", string(gone.Body), "Dieser Link öffnet nichts mehr", "Dieser Link ist nicht mehr gültig",
		"Melden Sie sich an, dann finden Sie das Briefing in Ihrem Posteingang:", "Noch kein Passwort?")
}
