package web

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
)

type mergedReadiness struct {
	Recipients   int `json:"recipients"`
	Acknowledged int `json:"acknowledged"`
	Departments  []struct {
		Department   string `json:"department"`
		Recipients   int    `json:"recipients"`
		Acknowledged int    `json:"acknowledged"`
		Merged       int    `json:"merged"`
	} `json:"departments"`
}

// session gives a test user a browser session for the pages.
func (a *testApp) session(u testUser) string {
	a.t.Helper()
	secret, err := a.st.CreateSession(u.ID, time.Hour)
	if err != nil {
		a.t.Fatal(err)
	}
	return secret
}

// TestWorksCouncilMode: an announcement published in aggregate mode shows
// nobody's receipts to any role in any view (API, CSV, the page's CSV, the
// dashboard), merges small departments in readiness and on the page,
// reminds exactly the open ones with a count only, and stays so after the
// settings go back to personal.
func TestWorksCouncilMode(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	// Everyone: Board 1, PR 1, Sales 4, Support 3, Finance 1. In groups of
	// 4 only Sales is shown; the rest are Other departments (6).
	decode[settingsJSON](t, "aggregate", a.do("PATCH", "/api/v1/settings", s.admin.Token,
		map[string]any{"privacy": "aggregate", "min_group": 4}), 200)
	d := draftOf("Works council")
	d["audience"] = map[string]any{"all": true}
	ann := a.create(s.author, d)
	a.publish(s.author, ann.ID)
	wantStatus(t, "ack", a.do("POST", "/api/v1/briefings/"+ann.ID+"/ack", s.sales1.Token, nil), 200)
	wantStatus(t, "ack", a.do("POST", "/api/v1/briefings/"+ann.ID+"/ack", s.support1.Token, nil), 200)
	wantStatus(t, "read", a.get("/api/v1/briefings/"+ann.ID, s.sales2.Token), 200)
	people := []string{"s1@example.com", "s2@example.com", "s3@example.com", "u1@example.com", "u2@example.com", "o1@example.com"}

	checkPersonLevelRefused := func(when string) {
		t.Helper()
		path := "/api/v1/announcements/" + ann.ID + "/receipts"
		for _, u := range []testUser{s.admin, s.author, s.salesMgr, s.supportMgr, s.sales1} {
			who := when + ": " + u.Email
			for _, q := range []string{"", "?status=pending", "?department=Sales"} {
				r := a.get(path+q, u.Token)
				wantError(t, who+" receipts"+q, r, 403, "forbidden", "")
				otherDept := q == "?department=Sales" && u.ID == s.supportMgr.ID // refused for its scope first
				if u.Has(briefing.RoleManager) && !otherDept && !strings.Contains(string(r.Body), "works-council mode") {
					t.Errorf("%s: the refusal does not say why: %s", who, r.Body)
				}
			}
			r := a.send(req{method: "GET", path: path, token: u.Token, header: map[string]string{"Accept": "text/csv"}})
			wantError(t, who+" receipts CSV", r, 403, "forbidden", "")
			r = a.send(req{method: "GET", path: "/announcements/" + ann.ID + "/receipts.csv", cookie: a.session(u)})
			if r.Status != 403 || strings.Contains(string(r.Body), "s1@example.com") {
				t.Errorf("%s: the page's CSV answered %d", who, r.Status)
			}
		}
		for _, u := range []testUser{s.admin, s.author, s.salesMgr, s.supportMgr} {
			who := when + ": dashboard as " + u.Email
			for _, q := range []string{"", "?status=acknowledged", "?status=pending", "?department=Support"} {
				r := a.send(req{method: "GET", path: "/announcements/" + ann.ID + q, cookie: a.session(u)})
				if q == "?department=Support" && u.ID == s.salesMgr.ID {
					wantStatus(t, who+q, r, 403)
					continue
				}
				wantStatus(t, who+q, r, 200)
				body := string(r.Body)
				for _, p := range people {
					if strings.Contains(body, p) {
						t.Errorf("%s%s: the page names %s", who, q, p)
					}
				}
				for _, want := range []string{"Published in works-council mode", `data-dept="Sales"`, `data-dept="Other departments"`, "(4 departments)"} {
					if !strings.Contains(body, want) {
						t.Errorf("%s%s: the page lacks %q", who, q, want)
					}
				}
				for _, not := range []string{`data-dept="Support"`, "Download CSV", "receipts.csv", "Not acknowledged <span"} {
					if strings.Contains(body, not) {
						t.Errorf("%s%s: the page shows %q", who, q, not)
					}
				}
			}
		}
		for _, u := range []testUser{s.admin, s.author, s.salesMgr} {
			got := decode[mergedReadiness](t, when+": readiness", a.get("/api/v1/announcements/"+ann.ID+"/readiness", u.Token), 200)
			var lines []string
			for _, d := range got.Departments {
				lines = append(lines, d.Department)
				if d.Recipients < 4 {
					t.Errorf("%s: readiness line %+v is below the group of 4", when, d)
				}
			}
			if !slices.Equal(lines, []string{"Sales", "Other departments"}) || got.Departments[1].Recipients != 6 ||
				got.Departments[1].Acknowledged != 1 || got.Departments[1].Merged != 4 || got.Recipients != 10 || got.Acknowledged != 2 {
				t.Errorf("%s: readiness = %+v", when, got)
			}
		}
	}
	checkPersonLevelRefused("aggregate")

	// The Support manager's department is merged: no count of its own.
	r := a.send(req{method: "GET", path: "/announcements/" + ann.ID, cookie: a.session(s.supportMgr)})
	if !strings.Contains(string(r.Body), "Support has fewer than 4 recipients") || strings.Contains(string(r.Body), `action="/announcements/`+ann.ID+`/remind"`) {
		t.Errorf("the Support manager's dashboard offers a reminder of a merged department")
	}
	wantError(t, "remind Support", a.do("POST", "/api/v1/announcements/"+ann.ID+"/remind", s.supportMgr.Token, nil), 403, "forbidden", "")
	r = a.send(req{method: "GET", path: "/announcements/" + ann.ID, cookie: a.session(s.salesMgr)})
	if !strings.Contains(string(r.Body), "Remind the 3 people who have not acknowledged in Sales") {
		t.Errorf("the Sales manager's dashboard lacks the reminder of the 3 open ones")
	}
	for _, tt := range []struct {
		who  testUser
		want int
	}{{s.salesMgr, 3}, {s.author, 8}} {
		r := a.do("POST", "/api/v1/announcements/"+ann.ID+"/remind", tt.who.Token, nil)
		var body map[string]any
		if err := json.Unmarshal(decodeRaw(t, r), &body); err != nil || len(body) != 1 || body["reminded"] != float64(tt.want) {
			t.Errorf("remind as %s: %s, want only {\"reminded\": %d}", tt.who.Email, r.Body, tt.want)
		}
	}

	// Back to personal: nothing published before is exposed.
	decode[settingsJSON](t, "personal", a.do("PATCH", "/api/v1/settings", s.admin.Token, map[string]any{"privacy": "personal", "min_group": 2}), 200)
	checkPersonLevelRefused("after switching back")
	fresh := a.create(s.author, draftOf("Personal again", "Sales"))
	a.publish(s.author, fresh.ID)
	got := decode[receiptsPage](t, "receipts of a new personal one", a.get("/api/v1/announcements/"+fresh.ID+"/receipts", s.author.Token), 200)
	if len(got.Receipts) != 4 {
		t.Errorf("a new personal announcement: %d receipts, want 4", len(got.Receipts))
	}
}

func decodeRaw(t *testing.T, r *response) []byte {
	t.Helper()
	wantStatus(t, "answer", r, 200)
	return r.Body
}
