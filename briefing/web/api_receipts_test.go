package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

type receiptJSON struct {
	UserID         string  `json:"user_id"`
	Email          string  `json:"email"`
	Name           string  `json:"name"`
	Department     string  `json:"department"`
	ReadAt         *string `json:"read_at"`
	AcknowledgedAt *string `json:"acknowledged_at"`
}

type receiptsPage struct {
	Receipts []receiptJSON `json:"receipts"`
	Next     *string       `json:"next"`
}

// receiptsFixture publishes to Sales and Support and has s1 read, s2 and
// u1 acknowledge.
func receiptsFixture(t *testing.T) (*testApp, staff, string) {
	a := newTestApp(t)
	s := a.staff()
	ann := a.create(s.author, draftOf("Receipts", "Sales", "Support"))
	a.publish(s.author, ann.ID)
	wantStatus(t, "read", a.get("/api/v1/briefings/"+ann.ID, s.sales1.Token), 200)
	wantStatus(t, "ack", a.do("POST", "/api/v1/briefings/"+ann.ID+"/ack", s.sales2.Token, nil), 200)
	wantStatus(t, "ack", a.do("POST", "/api/v1/briefings/"+ann.ID+"/ack", s.support1.Token, nil), 200)
	return a, s, ann.ID
}

func emailsOf(rs []receiptJSON) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Email)
	}
	slices.Sort(out)
	return out
}

// TestReceiptsFilters: ?status= and ?department= select the receipts of
// the contract, for authors, admins and managers in their scope.
func TestReceiptsFilters(t *testing.T) {
	a, s, id := receiptsFixture(t)
	path := "/api/v1/announcements/" + id + "/receipts"
	sorted := func(e ...string) []string { slices.Sort(e); return e }
	tests := []struct {
		who   testUser
		query string
		want  []string
	}{
		{s.author, "", sorted("sales.mgr@example.com", "s1@example.com", "s2@example.com", "s3@example.com",
			"support.mgr@example.com", "u1@example.com", "u2@example.com")},
		{s.author, "status=pending", sorted("sales.mgr@example.com", "s3@example.com", "support.mgr@example.com", "u2@example.com")},
		{s.author, "status=read", sorted("s1@example.com")},
		{s.author, "status=acknowledged", sorted("s2@example.com", "u1@example.com")},
		{s.author, "department=Support", sorted("support.mgr@example.com", "u1@example.com", "u2@example.com")},
		{s.admin, "department=Support&status=acknowledged", sorted("u1@example.com")},
		{s.salesMgr, "", sorted("sales.mgr@example.com", "s1@example.com", "s2@example.com", "s3@example.com")},
		{s.salesMgr, "department=Sales&status=pending", sorted("sales.mgr@example.com", "s3@example.com")},
		{s.supportMgr, "status=acknowledged", sorted("u1@example.com")},
	}
	for _, tt := range tests {
		name := "receipts as " + tt.who.Email + " ?" + tt.query
		got := decode[receiptsPage](t, name, a.get(path+"?"+tt.query, tt.who.Token), http.StatusOK)
		if e := emailsOf(got.Receipts); !slices.Equal(e, tt.want) {
			t.Errorf("%s: got %v, want %v", name, e, tt.want)
		}
		for _, r := range got.Receipts {
			if r.UserID == "" || r.Name == "" || r.Department == "" {
				t.Errorf("%s: got receipt %+v, want user_id, name and department", name, r)
			}
			wantRead := r.Email == "s1@example.com" || r.Email == "s2@example.com" || r.Email == "u1@example.com"
			wantAck := r.Email == "s2@example.com" || r.Email == "u1@example.com"
			if (r.ReadAt != nil) != wantRead || (r.AcknowledgedAt != nil) != wantAck {
				t.Errorf("%s: %s has read_at %v acknowledged_at %v, want read %v ack %v", name, r.Email, r.ReadAt, r.AcknowledgedAt, wantRead, wantAck)
			}
		}
	}

	wantError(t, "Sales manager asks for Support", a.get(path+"?department=Support", s.salesMgr.Token), 403, "forbidden", "")
	wantError(t, "employee asks", a.get(path, s.sales1.Token), 403, "forbidden", "")
	wantError(t, "unknown status", a.get(path+"?status=lost", s.author.Token), 422, "invalid", "status")
	wantError(t, "unknown announcement", a.get("/api/v1/announcements/9999/receipts", s.author.Token), 404, "not_found", "")
}

// TestReceiptsPaging: limit/after/next walk every receipt exactly once.
func TestReceiptsPaging(t *testing.T) {
	a, s, id := receiptsFixture(t)
	var seen []string
	after := ""
	for pages := 1; ; pages++ {
		path := "/api/v1/announcements/" + id + "/receipts?limit=3"
		if after != "" {
			path += "&after=" + url.QueryEscape(after)
		}
		p := decode[receiptsPage](t, path, a.get(path, s.author.Token), http.StatusOK)
		seen = append(seen, emailsOf(p.Receipts)...)
		if p.Next == nil {
			if pages != 3 {
				t.Errorf("limit=3 over 7 receipts: got %d pages, want 3", pages)
			}
			break
		}
		if pages > 10 {
			t.Fatal("the cursor never ends")
		}
		after = *p.Next
	}
	slices.Sort(seen)
	if len(seen) != 7 || len(slices.Compact(slices.Clone(seen))) != 7 {
		t.Errorf("paged receipts: got %v, want the 7 recipients once each", seen)
	}
}

// TestReceiptsCSV: Accept: text/csv streams a header and exactly one row
// per recipient in scope, unpaged.
func TestReceiptsCSV(t *testing.T) {
	a, s, id := receiptsFixture(t)
	path := "/api/v1/announcements/" + id + "/receipts"
	tests := []struct {
		who   testUser
		query string
		rows  int
	}{
		{s.author, "", 7},
		{s.author, "?limit=2", 7}, // an export is never paged
		{s.author, "?status=acknowledged", 2},
		{s.salesMgr, "", 4},
		{s.admin, "?department=Support", 3},
	}
	for _, tt := range tests {
		name := "CSV as " + tt.who.Email + tt.query
		r := a.send(req{method: "GET", path: path + tt.query, token: tt.who.Token, header: map[string]string{"Accept": "text/csv"}})
		wantStatus(t, name, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("%s: got Content-Type %q, want text/csv", name, ct)
		}
		recs, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
		if err != nil {
			t.Fatalf("%s: not CSV: %v\n%s", name, err, r.Body)
		}
		if len(recs) == 0 || recs[0][0] != "user_id" || !slices.Contains(recs[0], "email") || !slices.Contains(recs[0], "acknowledged_at") {
			t.Fatalf("%s: got header %v, want user_id, email, …, acknowledged_at", name, recs)
		}
		if len(recs)-1 != tt.rows {
			t.Errorf("%s: got %d rows, want %d", name, len(recs)-1, tt.rows)
		}
		ids := map[string]bool{}
		for _, rec := range recs[1:] {
			if len(rec) != len(recs[0]) || ids[rec[0]] {
				t.Errorf("%s: row %v is malformed or repeated", name, rec)
			}
			ids[rec[0]] = true
		}
	}
	r := a.send(req{method: "GET", path: path + "?department=Support", token: s.salesMgr.Token, header: map[string]string{"Accept": "text/csv"}})
	wantError(t, "CSV of another department", r, 403, "forbidden", "")
	r = a.send(req{method: "GET", path: "/api/v1/announcements/9999/receipts", token: s.author.Token, header: map[string]string{"Accept": "text/csv"}})
	wantError(t, "CSV of an unknown announcement", r, 404, "not_found", "")
}
