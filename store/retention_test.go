package store

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

func setRetention(t *testing.T, s *Store, days int) {
	t.Helper()
	_, err := s.UpdateSettings("user:admin", func(set *briefing.Settings) error { set.ReceiptRetentionDays = days; return nil })
	mustNoErr(t, err)
}

// rawTimes reads every receipt of an announcement as stored.
func rawTimes(t *testing.T, s *Store, annID string) []receipt {
	t.Helper()
	var out []receipt
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
		prefix := u64(mustID(annID))
		c := tx.Bucket(bReceipts).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			out = append(out, decodeReceipt(v))
		}
		return nil
	}))
	return out
}

func TestPurgeReceiptsErasesTimesKeepsCounts(t *testing.T) {
	s, clk := openStore(t)
	users := mkUsers(t, s, 6, inDept("Sales"))
	author := mkUser(t, s, "author@example.com", "PR", briefing.RoleAuthor)
	a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{Departments: []string{"Sales"}}})
	kept := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{Departments: []string{"Sales"}}})
	for _, u := range users[:3] {
		ack(t, s, a.ID, u)
		ack(t, s, kept.ID, u)
	}
	_, err := s.ReadBriefing(a.ID, users[3].ID)
	mustNoErr(t, err)
	setRetention(t, s, 30)
	clk.Add(time.Hour)
	_, err = s.Withdraw(a.ID, "user:author", "done")
	mustNoErr(t, err)
	_, before, err := s.Readiness(a.ID)
	mustNoErr(t, err)

	clk.Add(30*24*time.Hour - time.Minute)
	got, err := s.PurgeReceipts()
	mustNoErr(t, err)
	if len(got) != 0 {
		t.Fatalf("a minute early: purged %v", got)
	}
	clk.Add(time.Minute)
	got, err = s.PurgeReceipts()
	mustNoErr(t, err)
	if len(got) != 1 || got[0] != a.ID {
		t.Fatalf("purged %v, want [%s]", got, a.ID)
	}
	// The raw records hold no time any more: every step is 0 or erased.
	acked, read := 0, 0
	for _, r := range rawTimes(t, s, a.ID) {
		for _, v := range []int64{r.readAt, r.ackAt} {
			if v != 0 && v != erasedMicros {
				t.Errorf("a receipt still holds the time %d", v)
			}
		}
		if r.ackAt != 0 {
			acked++
		}
		if r.readAt != 0 {
			read++
		}
	}
	if acked != 3 || read != 4 {
		t.Errorf("after the purge %d acknowledged and %d read, want 3 and 4 kept", acked, read)
	}
	// The other announcement keeps its times: it was never released.
	for _, r := range rawTimes(t, s, kept.ID)[:3] {
		if r.ackAt == 0 || erased(r.ackAt) {
			t.Errorf("an announcement still in briefing lost its times: %+v", r)
		}
	}
	_, after, err := s.Readiness(a.ID)
	mustNoErr(t, err)
	after.UnansweredQuestions, before.UnansweredQuestions = 0, 0
	bj, _ := json.Marshal(before)
	aj, _ := json.Marshal(after)
	if !bytes.Equal(bj, aj) {
		t.Errorf("readiness changed:\nbefore %s\nafter  %s", bj, aj)
	}
	statuses := map[briefing.ReceiptStatus]int{}
	_, err = s.Receipts(a.ID, ReceiptFilter{Viewer: author}, func(r briefing.Receipt) error {
		if r.ReadAt != nil || r.AcknowledgedAt != nil {
			t.Errorf("receipt %s still shows a time: %v %v", r.UserID, r.ReadAt, r.AcknowledgedAt)
		}
		statuses[r.Status()]++
		return nil
	})
	mustNoErr(t, err)
	if statuses[briefing.StatusAcknowledged] != 3 || statuses[briefing.StatusRead] != 1 || statuses[briefing.StatusPending] != 2 {
		t.Errorf("statuses after the purge: %v", statuses)
	}
	if curve, _ := s.AckCurve(a.ID, 100); len(curve) != 0 {
		t.Errorf("the curve still has %d points of single acknowledgements", len(curve))
	}
	events, _, err := s.AuditEvents(AuditFilter{Action: "receipts.purge"})
	mustNoErr(t, err)
	if len(events) != 1 || events[0].Actor != "scheduler" || events[0].Target != "announcement:"+a.ID ||
		events[0].Detail != `{"receipts":4,"retention_days":30}` {
		t.Errorf("purge events = %+v", events)
	}
	// The acknowledgement events held the same times: gone for a, kept
	// for the announcement still in briefing.
	acks, _, err := s.AuditEvents(AuditFilter{Action: actionAcknowledge})
	mustNoErr(t, err)
	for _, e := range acks {
		if e.Target == "announcement:"+a.ID {
			t.Errorf("an acknowledgement event survived the purge: %+v", e)
		}
	}
	if len(acks) != 3 {
		t.Errorf("%d acknowledgement events left, want the 3 of the other announcement", len(acks))
	}
	// Once erased, done: the next run finds nothing.
	got, err = s.PurgeReceipts()
	mustNoErr(t, err)
	if len(got) != 0 {
		t.Errorf("a second run purged %v", got)
	}
}

func TestAfterThePurgeNoNewTimesAreKept(t *testing.T) {
	s, clk := openStore(t)
	users := mkUsers(t, s, 3, inDept("Sales"))
	ch := mkChannel(t, s, "Partners")
	admin := mkUser(t, s, "admin@example.com", "IT", briefing.RoleAdmin)
	a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{Departments: []string{"Sales"}}, Channels: channels(ch)})
	ack(t, s, a.ID, users[0])
	_, err := s.Release(a.ID, admin, "launch")
	mustNoErr(t, err)
	setRetention(t, s, 1)
	clk.Add(25 * time.Hour)
	purged, err := s.PurgeReceipts()
	mustNoErr(t, err)
	if len(purged) != 1 {
		t.Fatalf("purged %v", purged)
	}
	// A late reader and a repeat acknowledgement after the purge.
	b, err := s.ReadBriefing(a.ID, users[1].ID)
	mustNoErr(t, err)
	res := ack(t, s, a.ID, users[2])
	again := ack(t, s, a.ID, users[0])
	if b.ReadAt != nil || !res.AcknowledgedAt.IsZero() || !again.AcknowledgedAt.IsZero() {
		t.Errorf("after the purge: read_at %v, new ack %v, repeat ack %v; want no times", b.ReadAt, res.AcknowledgedAt, again.AcknowledgedAt)
	}
	for _, r := range rawTimes(t, s, a.ID) {
		if r.readAt != erasedMicros || r.ackAt > erasedMicros {
			t.Errorf("a time was recorded after the purge: %+v", r)
		}
	}
	_, r, err := s.Readiness(a.ID)
	mustNoErr(t, err)
	if r.Read != 3 || r.Acknowledged != 2 {
		t.Errorf("readiness after late steps: read %d, acknowledged %d; want 3 and 2", r.Read, r.Acknowledged)
	}
	inbox, err := s.Inbox(users[0].ID)
	mustNoErr(t, err)
	if len(inbox) != 1 || !inbox[0].Acknowledged || !inbox[0].TimesErased || inbox[0].AcknowledgedAt != nil {
		t.Errorf("the inbox after the purge: %+v, want acknowledged without a time", inbox)
	}
}
