package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
)

type briefingJSON struct {
	ID             string  `json:"id"`
	Title          string  `json:"title"`
	Summary        string  `json:"summary"`
	HTML           string  `json:"html"`
	PublishedAt    *string `json:"published_at"`
	ReadAt         *string `json:"read_at"`
	AcknowledgedAt *string `json:"acknowledged_at"`
}

type inboxJSON struct {
	Briefings []briefingJSON `json:"briefings"`
}

func inboxIDs(t *testing.T, a *testApp, u testUser) []string {
	t.Helper()
	in := decode[inboxJSON](t, "inbox of "+u.Email, a.get("/api/v1/briefings", u.Token), http.StatusOK)
	var ids []string
	for _, b := range in.Briefings {
		ids = append(ids, b.ID)
	}
	return ids
}

// TestBriefingAudience: someone outside the audience, or created after
// publish, gets 404 for everything about the briefing and never sees it in
// the inbox; a recipient does.
func TestBriefingAudience(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	ann := a.create(s.author, draftOf("Sales only", "Sales"))
	draft := a.create(s.author, draftOf("Still a draft", "Sales"))
	a.publish(s.author, ann.ID)
	late := a.user("late@example.com", "Sales")

	for _, u := range []testUser{s.support1, s.outside, late, s.author, s.supportMgr} {
		base := "/api/v1/briefings/" + ann.ID
		wantError(t, "GET briefing as "+u.Email, a.get(base, u.Token), 404, "not_found", "")
		wantError(t, "ack as "+u.Email, a.do("POST", base+"/ack", u.Token, nil), 404, "not_found", "")
		wantError(t, "ask as "+u.Email, a.do("POST", base+"/questions", u.Token, map[string]string{"text": "Why?"}), 404, "not_found", "")
		if ids := inboxIDs(t, a, u); len(ids) != 0 {
			t.Errorf("inbox of %s: got %v, want empty", u.Email, ids)
		}
	}
	for _, u := range []testUser{s.support1, late} {
		wantError(t, "GET questions as "+u.Email, a.get("/api/v1/briefings/"+ann.ID+"/questions", u.Token), 404, "not_found", "")
	}
	// The same answer as for an id that never existed or a draft.
	for _, id := range []string{draft.ID, "123456", "-1", "1e3"} {
		wantError(t, "GET briefing "+id, a.get("/api/v1/briefings/"+id, s.sales1.Token), 404, "not_found", "")
	}
	for _, u := range []testUser{s.sales1, s.salesMgr} { // a manager in Sales is a recipient too
		if ids := inboxIDs(t, a, u); len(ids) != 1 || ids[0] != ann.ID {
			t.Errorf("inbox of %s: got %v, want [%s]", u.Email, ids, ann.ID)
		}
	}
	r := decode[readinessJSON](t, "readiness", a.get("/api/v1/announcements/"+ann.ID+"/readiness", s.author.Token), 200)
	if r.Recipients != 4 {
		t.Errorf("recipients after a late hire: got %d, want the 4 frozen at publish", r.Recipients)
	}
}

// TestReadAndAcknowledge: read_at is set on the first read and never
// changes; a repeated ack returns the first time; ack implies read; the
// inbox lists unacknowledged first.
func TestReadAndAcknowledge(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	first := a.create(s.author, draftOf("First", "Sales"))
	a.publish(s.author, first.ID)
	second := a.create(s.author, draftOf("Second", "Sales"))
	a.publish(s.author, second.ID)
	path := "/api/v1/briefings/" + first.ID

	inbox := decode[inboxJSON](t, "inbox", a.get("/api/v1/briefings", s.sales1.Token), http.StatusOK)
	if len(inbox.Briefings) != 2 || inbox.Briefings[0].ReadAt != nil || inbox.Briefings[0].Title == "" || inbox.Briefings[0].Summary == "" {
		t.Fatalf("inbox before reading: got %+v, want 2 unread with title and summary", inbox.Briefings)
	}

	b1 := decode[briefingJSON](t, "first read", a.get(path, s.sales1.Token), http.StatusOK)
	if b1.ReadAt == nil || b1.AcknowledgedAt != nil || b1.Title != "First" || !strings.Contains(b1.HTML, "<h1") || b1.PublishedAt == nil {
		t.Fatalf("first read: got %+v, want read_at set, not acknowledged, the title and the HTML", b1)
	}
	b2 := decode[briefingJSON](t, "second read", a.get(path, s.sales1.Token), http.StatusOK)
	if b2.ReadAt == nil || *b2.ReadAt != *b1.ReadAt {
		t.Errorf("second read: got read_at %v, want the first %s", b2.ReadAt, *b1.ReadAt)
	}

	type ack struct {
		AcknowledgedAt string `json:"acknowledged_at"`
	}
	k1 := decode[ack](t, "ack", a.do("POST", path+"/ack", s.sales1.Token, nil), http.StatusOK)
	if !isRFC3339UTC(k1.AcknowledgedAt) {
		t.Errorf("ack: got acknowledged_at %q, want an RFC 3339 UTC time", k1.AcknowledgedAt)
	}
	k2 := decode[ack](t, "repeat ack", a.do("POST", path+"/ack", s.sales1.Token, nil), http.StatusOK)
	if k2.AcknowledgedAt != k1.AcknowledgedAt {
		t.Errorf("repeat ack: got %q, want the first %q", k2.AcknowledgedAt, k1.AcknowledgedAt)
	}
	b3 := decode[briefingJSON](t, "read after ack", a.get(path, s.sales1.Token), http.StatusOK)
	if b3.AcknowledgedAt == nil || *b3.AcknowledgedAt != k1.AcknowledgedAt || *b3.ReadAt != *b1.ReadAt {
		t.Errorf("read after ack: got read %v ack %v, want %s and %s", b3.ReadAt, b3.AcknowledgedAt, *b1.ReadAt, k1.AcknowledgedAt)
	}

	// An ack without a read implies the read.
	decode[ack](t, "ack unread", a.do("POST", path+"/ack", s.sales2.Token, nil), http.StatusOK)
	b4 := decode[briefingJSON](t, "after an unread ack", a.get(path, s.sales2.Token), http.StatusOK)
	if b4.ReadAt == nil || b4.AcknowledgedAt == nil {
		t.Errorf("ack without a read: got read_at %v acknowledged_at %v, want both", b4.ReadAt, b4.AcknowledgedAt)
	}
	r := decode[readinessJSON](t, "readiness", a.get("/api/v1/announcements/"+first.ID+"/readiness", s.author.Token), http.StatusOK)
	if r.Read != 2 || r.Acknowledged != 2 {
		t.Errorf("readiness after repeated reads and acks: got read %d ack %d, want 2 and 2", r.Read, r.Acknowledged)
	}

	// Unacknowledged first: the second briefing before the first.
	if ids := inboxIDs(t, a, s.sales1); len(ids) != 2 || ids[0] != second.ID || ids[1] != first.ID {
		t.Errorf("inbox order: got %v, want the unacknowledged %s first, then %s", ids, second.ID, first.ID)
	}
}

// TestBriefingHTMLIsSanitised: whatever the author wrote, the briefing
// carries no script, no event handler, no javascript: link.
func TestBriefingHTMLIsSanitised(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	d := draftOf("Hostile", "Sales")
	d["body"] = "Hello <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))\n\n<a href=\"JaVaScRiPt:alert(4)\">x</a>"
	ann := a.create(s.author, d)
	a.publish(s.author, ann.ID)
	b := decode[briefingJSON](t, "read", a.get("/api/v1/briefings/"+ann.ID, s.sales1.Token), http.StatusOK)
	html := strings.ToLower(b.HTML)
	for _, bad := range []string{"<script", "onerror", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("briefing html contains %q: %s", bad, b.HTML)
		}
	}
	if !strings.Contains(html, "hello") {
		t.Errorf("briefing html lost the text: %s", b.HTML)
	}
}

type questionJSON struct {
	ID         string  `json:"id"`
	Text       string  `json:"text"`
	AskedAt    string  `json:"asked_at"`
	Answer     string  `json:"answer"`
	AnsweredAt *string `json:"answered_at"`
	Asker      string  `json:"asker"`
}

// TestQuestions: a recipient asks; an author answers; every recipient sees
// the question and the answer, the asker's name only authors and managers.
func TestQuestions(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	s1 := a.addUser(person{Email: "curious@example.com", Name: "Curious Cat", Department: "Sales"})
	ann := a.create(s.author, draftOf("Questions", "Sales"))
	a.publish(s.author, ann.ID)
	path := "/api/v1/briefings/" + ann.ID + "/questions"

	q := decode[questionJSON](t, "ask", a.do("POST", path, s1.Token, map[string]string{"text": "  Does this affect existing contracts?  "}), http.StatusCreated)
	if q.ID == "" || q.Text != "Does this affect existing contracts?" || !isRFC3339UTC(q.AskedAt) {
		t.Errorf("ask: got %+v, want an id, the trimmed text and asked_at", q)
	}
	wantError(t, "empty question", a.do("POST", path, s1.Token, map[string]string{"text": "   "}), 422, "invalid", "text")
	wantError(t, "question too long", a.do("POST", path, s1.Token, map[string]string{"text": strings.Repeat("?", 4001)}), 422, "invalid", "text")

	answer := "/api/v1/questions/" + q.ID + "/answer"
	wantError(t, "answer by an employee", a.do("POST", answer, s.sales2.Token, map[string]string{"text": "No."}), 403, "forbidden", "")
	wantError(t, "answer by a manager", a.do("POST", answer, s.salesMgr.Token, map[string]string{"text": "No."}), 403, "forbidden", "")
	wantError(t, "answer an unknown question", a.do("POST", "/api/v1/questions/999/answer", s.author.Token, map[string]string{"text": "No."}), 404, "not_found", "")
	wantError(t, "empty answer", a.do("POST", answer, s.author.Token, map[string]string{"text": ""}), 422, "invalid", "text")
	wantStatus(t, "answer", a.do("POST", answer, s.author.Token, map[string]string{"text": "No, only new ones."}), http.StatusOK)

	wantError(t, "questions of an unknown briefing as author", a.get("/api/v1/briefings/987654/questions", s.author.Token), 404, "not_found", "")
	wantError(t, "questions of a garbage id as manager", a.get("/api/v1/briefings/zz/questions", s.salesMgr.Token), 404, "not_found", "")

	type list struct {
		Questions []questionJSON `json:"questions"`
	}
	for _, tc := range []struct {
		who       testUser
		seesAsker bool
	}{
		{s1, false}, {s.sales2, false}, {s.author, true}, {s.salesMgr, true}, {s.supportMgr, true}, {s.admin, true},
	} {
		r := a.get(path, tc.who.Token)
		got := decode[list](t, "questions as "+tc.who.Email, r, http.StatusOK)
		if len(got.Questions) != 1 || got.Questions[0].Answer != "No, only new ones." || got.Questions[0].AnsweredAt == nil {
			t.Errorf("questions as %s: got %+v, want the one question with its answer", tc.who.Email, got.Questions)
			continue
		}
		if shows := strings.Contains(string(r.Body), "Curious Cat"); shows != tc.seesAsker {
			t.Errorf("questions as %s: got the asker's name shown %v, want %v (%s)", tc.who.Email, shows, tc.seesAsker, r.Body)
		}
	}
}

// TestBriefingPublicStatus: GET /api/v1/briefings/{id} says what staff may
// say outside, in the contract's precedence, and carries the talking
// points rendered and sanitised.
func TestBriefingPublicStatus(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	ch := a.webhook(s.admin, "wire")
	future := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Second)
	mk := func(title string, channels bool, notBefore *time.Time) string {
		d := draftOf(title, "Sales")
		if channels {
			d["channels"] = []map[string]any{{"channel_id": ch}}
		}
		if notBefore != nil {
			d["policy"] = map[string]any{"threshold": 0.5, "not_before": notBefore.Format(time.RFC3339)}
		}
		d["talking_points"] = "**Say** it is cheaper. <script>alert(1)</script>"
		ann := a.create(s.author, d)
		a.publish(s.author, ann.ID)
		return ann.ID
	}
	internal := mk("Internal", false, &future)
	embargoed := mk("Embargoed", true, &future)
	pending := mk("Pending", true, nil)
	released := mk("Released", true, nil)
	wantStatus(t, "release", a.do(http.MethodPost, "/api/v1/announcements/"+released+"/release", s.salesMgr.Token,
		map[string]string{"reason": "launch"}), http.StatusOK)

	type public struct {
		Public            string  `json:"public"`
		NotBefore         *string `json:"not_before"`
		ReleasedAt        *string `json:"released_at"`
		TalkingPointsHTML string  `json:"talking_points_html"`
	}
	for _, tt := range []struct {
		id, want              string
		notBefore, releasedAt bool
	}{
		{internal, "internal", false, false},
		{embargoed, "embargoed", true, false},
		{pending, "pending", false, false},
		{released, "released", false, true},
	} {
		got := decode[public](t, "briefing "+tt.want, a.get("/api/v1/briefings/"+tt.id, s.sales1.Token), http.StatusOK)
		if got.Public != tt.want || (got.NotBefore != nil) != tt.notBefore || (got.ReleasedAt != nil) != tt.releasedAt {
			t.Errorf("%s: got %+v", tt.want, got)
		}
		if tt.notBefore && *got.NotBefore != future.Format(time.RFC3339) {
			t.Errorf("not_before = %s, want %s", *got.NotBefore, future.Format(time.RFC3339))
		}
		if !strings.Contains(got.TalkingPointsHTML, "<strong>Say</strong>") || strings.Contains(got.TalkingPointsHTML, "<script") {
			t.Errorf("%s: talking_points_html = %q, want it rendered and sanitised", tt.want, got.TalkingPointsHTML)
		}
	}
	long := draftOf("Long", "Sales")
	long["talking_points"] = strings.Repeat("x", briefing.MaxTalkingPoints+1)
	wantError(t, "talking points too long", a.do(http.MethodPost, "/api/v1/announcements", s.author.Token, long), 422, "invalid", "talking_points")
}
