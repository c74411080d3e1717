package web

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRetentionInTheAPIAndPages: after the purge the receipts API and CSV
// carry no times (but the status), the dashboard says why the curve is
// gone.
func TestRetentionInTheAPIAndPages(t *testing.T) {
	a, s, id := receiptsFixture(t)
	decode[settingsJSON](t, "retention", a.do("PATCH", "/api/v1/settings", s.admin.Token, map[string]any{"receipt_retention_days": 1}), 200)
	wantStatus(t, "withdraw", a.do("POST", "/api/v1/announcements/"+id+"/withdraw", s.author.Token, map[string]string{"reason": "over"}), 200)
	now := time.Now().UTC()
	a.st.Now = func() time.Time { return now.Add(25 * time.Hour) }
	if purged, err := a.st.PurgeReceipts(); err != nil || len(purged) != 1 {
		t.Fatalf("PurgeReceipts = %v, %v", purged, err)
	}
	got := decode[struct {
		Receipts []struct {
			Email          string  `json:"email"`
			ReadAt         *string `json:"read_at"`
			AcknowledgedAt *string `json:"acknowledged_at"`
			Status         string  `json:"status"`
			TimesErased    bool    `json:"times_erased"`
		} `json:"receipts"`
	}](t, "receipts", a.get("/api/v1/announcements/"+id+"/receipts", s.author.Token), http.StatusOK)
	want := map[string]string{"s1@example.com": "read", "s2@example.com": "acknowledged", "u1@example.com": "acknowledged", "s3@example.com": "pending"}
	for _, r := range got.Receipts {
		if r.ReadAt != nil || r.AcknowledgedAt != nil {
			t.Errorf("%s: a time survived the purge: %v %v", r.Email, r.ReadAt, r.AcknowledgedAt)
		}
		if w, ok := want[r.Email]; ok && (r.Status != w || r.TimesErased != (w != "pending")) {
			t.Errorf("%s: status %q erased %v, want %q", r.Email, r.Status, r.TimesErased, w)
		}
	}
	csv := a.send(req{method: "GET", path: "/api/v1/announcements/" + id + "/receipts", token: s.author.Token, header: map[string]string{"Accept": "text/csv"}})
	wantStatus(t, "CSV", csv, 200)
	if strings.Contains(string(csv.Body), now.Format("2006-01-02")) || !strings.Contains(string(csv.Body), ",acknowledged,,") {
		t.Errorf("the CSV after the purge:\n%s", csv.Body)
	}
	r := a.send(req{method: "GET", path: "/announcements/" + id, cookie: a.session(s.author)})
	wantStatus(t, "dashboard", r, 200)
	if !strings.Contains(string(r.Body), "(receipt retention): the counts stay, the curve is gone.") {
		t.Errorf("the dashboard does not say the times were erased")
	}
}
