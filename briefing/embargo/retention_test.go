package embargo

import (
	"sync/atomic"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/store"
)

// TestRetentionJobErasesOnTheStoresClock: the scheduled job purges once
// the store's clock passes the retention period, and not before.
func TestRetentionJobErasesOnTheStoresClock(t *testing.T) {
	st := newStore(t)
	var offset atomic.Int64
	st.Now = func() time.Time { return time.Now().UTC().Add(time.Duration(offset.Load())) }
	u := addUser(t, st, "anna@example.com", "Sales")
	a := &briefing.Announcement{Title: "Retention", Body: "B", Audience: briefing.Audience{Departments: []string{"Sales"}}}
	if err := st.CreateAnnouncement(a, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Publish(a.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Acknowledge(a.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Withdraw(a.ID, "test", "done"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateSettings("test", func(s *briefing.Settings) error { s.ReceiptRetentionDays = 7; return nil }); err != nil {
		t.Fatal(err)
	}
	start(t, st, Options{PurgeEvery: 20 * time.Millisecond})
	erasedAt := func() *time.Time {
		got, err := st.Announcement(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.ReceiptsErasedAt
	}
	time.Sleep(150 * time.Millisecond)
	if erasedAt() != nil {
		t.Fatal("erased before the retention period passed")
	}
	offset.Store(int64(7*24*time.Hour + time.Minute))
	deadline := time.Now().Add(5 * time.Second)
	for erasedAt() == nil {
		if time.Now().After(deadline) {
			t.Fatal("the retention job did not erase within 5 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	events, _, err := st.AuditEvents(store.AuditFilter{Action: "receipts.purge"})
	if err != nil || len(events) != 1 || events[0].Actor != "scheduler" || events[0].Detail != `{"receipts":1,"retention_days":7}` {
		t.Errorf("purge events = %+v (%v)", events, err)
	}
}
