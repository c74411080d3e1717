package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestExportAPI(t *testing.T) {
	a, s, id := receiptsFixture(t)
	wantStatus(t, "ask", a.do("POST", "/api/v1/briefings/"+id+"/questions", s.sales2.Token, map[string]string{"text": "What do I tell Acme?"}), 201)
	cookie := a.session(s.sales2)
	for _, r := range []*response{
		a.get("/api/v1/me/export", s.sales2.Token),
		a.send(req{method: "GET", path: "/api/v1/me/export", cookie: cookie}),
	} {
		wantStatus(t, "export", r, http.StatusOK)
		if cd := r.Header.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="firsthand-export-\d{4}-\d{2}-\d{2}\.json"$`).MatchString(cd) {
			t.Errorf("Content-Disposition = %q", cd)
		}
		var got struct {
			Profile struct {
				ID    string   `json:"id"`
				Email string   `json:"email"`
				Roles []string `json:"roles"`
			} `json:"profile"`
			Receipts []struct {
				AnnouncementID string  `json:"announcement_id"`
				Title          string  `json:"title"`
				ReadAt         *string `json:"read_at"`
				AcknowledgedAt *string `json:"acknowledged_at"`
			} `json:"receipts"`
			Questions []struct {
				Text string `json:"text"`
			} `json:"questions"`
			Sessions []struct {
				CreatedAt *string `json:"created_at"`
				ExpiresAt string  `json:"expires_at"`
			} `json:"sessions"`
			Audit []struct {
				Action string `json:"action"`
				Actor  string `json:"actor"`
			} `json:"audit"`
		}
		if err := json.Unmarshal(r.Body, &got); err != nil {
			t.Fatalf("export is not JSON: %v\n%s", err, r.Body)
		}
		if got.Profile.ID != s.sales2.ID || got.Profile.Email != "s2@example.com" || len(got.Profile.Roles) != 1 {
			t.Errorf("profile = %+v", got.Profile)
		}
		if len(got.Receipts) != 1 || got.Receipts[0].AnnouncementID != id || got.Receipts[0].Title != "Receipts" ||
			got.Receipts[0].ReadAt == nil || got.Receipts[0].AcknowledgedAt == nil {
			t.Errorf("receipts = %+v", got.Receipts)
		}
		if len(got.Questions) != 1 || got.Questions[0].Text != "What do I tell Acme?" {
			t.Errorf("questions = %+v", got.Questions)
		}
		if len(got.Sessions) != 1 || got.Sessions[0].CreatedAt == nil {
			t.Errorf("sessions = %+v, want the one session", got.Sessions)
		}
		acted := map[string]bool{}
		for _, e := range got.Audit {
			acted[e.Action] = true
		}
		if !acted["briefing.acknowledge"] || !acted["question.ask"] {
			t.Errorf("audit = %+v", got.Audit)
		}
		for _, secret := range []string{cookie, s.sales2.Token, "password"} {
			if strings.Contains(string(r.Body), secret) {
				t.Errorf("the export holds a secret %q", secret)
			}
		}
		if strings.Contains(string(r.Body), "s1@example.com") {
			t.Error("the export holds someone else's address")
		}
	}
	wantError(t, "export signed out", a.get("/api/v1/me/export", ""), 401, "unauthenticated", "")
}

func TestPageYourSettings(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	for _, u := range []pgUser{o.sales[0], o.author, o.admin} {
		r := a.get(u, "/settings")
		pgWant(t, "your settings as "+u.Email, r, http.StatusOK)
		pgContains(t, "your settings", r.Body, "<h1>Your settings</h1>", `href="/api/v1/me/export" download>Download my data</a>`,
			`href="/settings" aria-current="page">Your settings</a>`)
	}
	pgContains(t, "inbox", a.get(o.sales[0], "/").Body, `<a href="/settings" >Your settings</a>`)
	r := a.send(nil, http.MethodGet, "/settings", nil, "", "")
	pgWant(t, "signed out", r, http.StatusSeeOther)
}
