package web

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"firsthand/store"
)

type briefingAnswer struct {
	ID                  string  `json:"id"`
	Version             int     `json:"version"`
	AcknowledgedVersion int     `json:"acknowledged_version"`
	AcknowledgedAt      *string `json:"acknowledged_at"`
	HTML                string  `json:"html"`
	Changes             []struct {
		Version  int    `json:"version"`
		At       string `json:"at"`
		Note     string `json:"note"`
		Material bool   `json:"material"`
	} `json:"changes"`
}

type ackAnswer struct {
	AcknowledgedAt string `json:"acknowledged_at"`
	Version        int    `json:"version"`
}

func TestAPIRevisionsMaterialAndMinor(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	ann := a.create(s.author, draftOf("Launch", "Sales"))
	a.publish(s.author, ann.ID)
	path := "/api/v1/announcements/" + ann.ID + "/revisions"
	first := decode[ackAnswer](t, "ack v1", a.do(http.MethodPost, "/api/v1/briefings/"+ann.ID+"/ack", s.sales1.Token, nil), http.StatusOK)
	if first.Version != 1 || first.AcknowledgedAt == "" {
		t.Fatalf("ack of version 1: got %+v", first)
	}

	// Refusals: role, note, material, the body's shape.
	wantError(t, "employee revises", a.do(http.MethodPost, path, s.sales1.Token, map[string]any{"material": false, "note": "x"}), http.StatusForbidden, "forbidden", "")
	wantError(t, "manager revises", a.do(http.MethodPost, path, s.salesMgr.Token, map[string]any{"material": false, "note": "x"}), http.StatusForbidden, "forbidden", "")
	wantError(t, "no note", a.do(http.MethodPost, path, s.author.Token, map[string]any{"material": false, "body": "x"}), http.StatusUnprocessableEntity, "invalid", "note")
	wantError(t, "blank note", a.do(http.MethodPost, path, s.author.Token, map[string]any{"material": false, "note": "   "}), http.StatusUnprocessableEntity, "invalid", "note")
	wantError(t, "note of 501", a.do(http.MethodPost, path, s.author.Token, map[string]any{"material": false, "note": strings.Repeat("n", 501)}), http.StatusUnprocessableEntity, "invalid", "note")
	wantError(t, "no material", a.do(http.MethodPost, path, s.author.Token, map[string]any{"note": "x"}), http.StatusUnprocessableEntity, "invalid", "material")
	wantError(t, "an empty title", a.do(http.MethodPost, path, s.author.Token, map[string]any{"material": false, "note": "x", "title": ""}), http.StatusUnprocessableEntity, "invalid", "title")
	wantError(t, "a channel that does not exist", a.do(http.MethodPost, path, s.author.Token, map[string]any{"material": false, "note": "x", "channels": []map[string]string{{"channel_id": "999"}}}), http.StatusUnprocessableEntity, "invalid", "channels")
	wantError(t, "not json", a.do(http.MethodPost, path, s.author.Token, "{"), http.StatusBadRequest, "invalid_json", "")
	draft := a.create(s.author, draftOf("Draft", "Sales"))
	wantError(t, "a draft", a.do(http.MethodPost, "/api/v1/announcements/"+draft.ID+"/revisions", s.author.Token, map[string]any{"material": false, "note": "x"}), http.StatusConflict, "conflict", "")
	wantError(t, "no such announcement", a.do(http.MethodPost, "/api/v1/announcements/9999/revisions", s.author.Token, map[string]any{"material": false, "note": "x"}), http.StatusNotFound, "not_found", "")

	// A minor revision: version 2, the acknowledgement keeps counting.
	minor := decode[struct {
		Version  int    `json:"version"`
		Material bool   `json:"material"`
		At       string `json:"at"`
	}](t, "minor", a.do(http.MethodPost, path, s.author.Token, map[string]any{"material": false, "note": "A typo", "body": "# Launch\n\nThe detail."}), http.StatusCreated)
	if minor.Version != 2 || minor.Material || minor.At == "" {
		t.Fatalf("minor revision: got %+v, want version 2, not material, a time", minor)
	}
	b := decode[briefingAnswer](t, "briefing after minor", a.get("/api/v1/briefings/"+ann.ID, s.sales1.Token), http.StatusOK)
	if b.Version != 2 || b.AcknowledgedVersion != 1 || b.AcknowledgedAt == nil || len(b.Changes) != 1 || b.Changes[0].Note != "A typo" {
		t.Fatalf("after a minor revision: got %+v, want version 2, still acknowledged (version 1), the note", b)
	}

	// A material one: everyone acknowledges again.
	mat := decode[struct {
		Version  int  `json:"version"`
		Material bool `json:"material"`
	}](t, "material", a.do(http.MethodPost, path, s.author.Token, map[string]any{"material": true, "note": "The date moved", "summary": "Now on 3 March"}), http.StatusCreated)
	if mat.Version != 3 || !mat.Material {
		t.Fatalf("material revision: got %+v", mat)
	}
	b = decode[briefingAnswer](t, "briefing after material", a.get("/api/v1/briefings/"+ann.ID, s.sales1.Token), http.StatusOK)
	if b.Version != 3 || b.AcknowledgedVersion != 1 || b.AcknowledgedAt != nil || len(b.Changes) != 2 || !b.Changes[1].Material {
		t.Fatalf("after a material revision: got %+v, want version 3, acknowledged_at null, acknowledged_version 1", b)
	}
	r := decode[struct {
		Acknowledged int `json:"acknowledged"`
	}](t, "readiness", a.get("/api/v1/announcements/"+ann.ID+"/readiness", s.author.Token), http.StatusOK)
	if r.Acknowledged != 0 {
		t.Errorf("readiness after the material revision: %d acknowledged, want 0", r.Acknowledged)
	}
	again := decode[ackAnswer](t, "ack v3", a.do(http.MethodPost, "/api/v1/briefings/"+ann.ID+"/ack", s.sales1.Token, nil), http.StatusOK)
	if again.Version != 3 || again.AcknowledgedAt == first.AcknowledgedAt {
		t.Errorf("acknowledging again: got %+v, want version 3 and a new time", again)
	}
	rs := decode[struct {
		Receipts []struct {
			UserID              string  `json:"user_id"`
			AcknowledgedAt      *string `json:"acknowledged_at"`
			AcknowledgedVersion int     `json:"acknowledged_version"`
		} `json:"receipts"`
	}](t, "receipts", a.get("/api/v1/announcements/"+ann.ID+"/receipts", s.author.Token), http.StatusOK)
	for _, rc := range rs.Receipts {
		if rc.UserID == s.sales1.ID && (rc.AcknowledgedVersion != 3 || rc.AcknowledgedAt == nil) {
			t.Errorf("receipt of the re-acknowledger: %+v, want version 3", rc)
		}
		if rc.UserID == s.sales2.ID && (rc.AcknowledgedVersion != 0 || rc.AcknowledgedAt != nil) {
			t.Errorf("receipt of someone who never acknowledged: %+v", rc)
		}
	}
	// Recipients are told by mail.
	jobs, err := a.st.DueMailJobs()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, j := range jobs {
		found = found || (j.Kind == store.MailRevised && j.AnnouncementID == ann.ID)
	}
	if !found {
		t.Errorf("no revised mail job after the material revision: %+v", jobs)
	}
}

func TestAPIRevisionsOfReleased(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	ch := a.webhook(s.admin, "Partners")
	d := draftOf("Public", "Sales")
	d["channels"] = []map[string]string{{"channel_id": ch}}
	ann := a.create(s.author, d)
	a.publish(s.author, ann.ID)
	wantStatus(t, "release", a.do(http.MethodPost, "/api/v1/announcements/"+ann.ID+"/release", s.salesMgr.Token, map[string]string{"reason": "go"}), http.StatusOK)
	path := "/api/v1/announcements/" + ann.ID + "/revisions"
	wantError(t, "material once released", a.do(http.MethodPost, path, s.author.Token, map[string]any{"material": true, "note": "x"}), http.StatusConflict, "conflict", "")
	wantError(t, "channels once released", a.do(http.MethodPost, path, s.author.Token, map[string]any{"material": false, "note": "x", "channels": []map[string]string{}}), http.StatusConflict, "conflict", "")
	wantStatus(t, "minor once released", a.do(http.MethodPost, path, s.author.Token, map[string]any{"material": false, "note": "Corrected the &lt;price&gt;", "body": "The **right** price."}), http.StatusCreated)
	res, err := http.Get(a.ts.URL + "/news/" + ann.Slug)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(body)
	for _, want := range []string{"Updated", "Corrected the &amp;lt;price&amp;gt;", "The <strong>right</strong> price."} {
		if !strings.Contains(page, want) {
			t.Errorf("the newsroom page lacks %q", want)
		}
	}
	wd := decode[stateAnswer](t, "withdraw", a.do(http.MethodPost, "/api/v1/announcements/"+ann.ID+"/withdraw", s.author.Token, map[string]string{"reason": "gone"}), http.StatusOK)
	if wd.State != "withdrawn" {
		t.Fatal(wd.State)
	}
	wantError(t, "withdrawn", a.do(http.MethodPost, path, s.author.Token, map[string]any{"material": false, "note": "x"}), http.StatusConflict, "conflict", "")
}
