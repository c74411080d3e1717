package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"firsthand/briefing"
)

var receiverIDForm = regexp.MustCompile(`^msg_[a-z2-7]{26}$`)

// releaseN releases n announcements, each to every channel in cs, and
// returns their deliveries.
func releaseN(t *testing.T, s *Store, tag string, n int, cs ...*briefing.Channel) []*briefing.Delivery {
	t.Helper()
	var out []*briefing.Delivery
	for i := range n {
		u := mkUser(t, s, fmt.Sprintf("reader-%s-%d@example.com", tag, i), "Sales")
		a := mkPublished(t, s, briefing.Announcement{
			Audience: briefing.Audience{Users: []string{u.Email}}, Policy: briefing.Policy{Threshold: 1}, Channels: channels(cs...),
		})
		if !ack(t, s, a.ID, u).Released {
			t.Fatal("not released")
		}
		ds, err := s.Deliveries(a.ID)
		mustNoErr(t, err)
		out = append(out, ds...)
	}
	return out
}

func TestDeliveriesHaveUniqueReceiverIDs(t *testing.T) {
	s, clk := openStore(t)
	c1, c2 := mkChannel(t, s, "Press"), mkChannel(t, s, "Partners")
	ds := releaseN(t, s, "a", 10, c1, c2)
	if len(ds) != 20 {
		t.Fatalf("%d deliveries, want 20", len(ds))
	}
	seen := map[string]string{}
	for _, d := range ds {
		if !receiverIDForm.MatchString(d.ReceiverID) {
			t.Errorf("delivery %s has receiver id %q, want msg_ and 26 lowercase base32 characters", d.ID, d.ReceiverID)
		}
		if other, dup := seen[d.ReceiverID]; dup {
			t.Errorf("deliveries %s and %s share the receiver id %s", other, d.ID, d.ReceiverID)
		}
		seen[d.ReceiverID] = d.ID
	}

	// Failed attempts, giving up and a retry by hand keep it.
	d := ds[0]
	clk.Add(time.Second)
	_, err := s.RecordAttempt(d.ID, Attempt{Err: errors.New("503"), NextDelay: time.Second})
	mustNoErr(t, err)
	_, err = s.RecordAttempt(d.ID, Attempt{Err: errors.New("503"), GiveUp: true})
	mustNoErr(t, err)
	_, err = s.RetryDelivery(d.AnnouncementID, d.ID, "admin", false)
	mustNoErr(t, err)
	got, err := s.RecordAttempt(d.ID, Attempt{})
	mustNoErr(t, err)
	if got.ReceiverID != d.ReceiverID || got.State != briefing.DeliverySent {
		t.Errorf("after two failures, a retry and a send: %+v, want receiver id %s kept", got, d.ReceiverID)
	}
	if stored, _ := s.Delivery(d.ID); stored.ReceiverID != d.ReceiverID {
		t.Errorf("stored receiver id %s, want %s", stored.ReceiverID, d.ReceiverID)
	}
}

// TestRestoredBackupNeverReusesReceiverIDs: after a restore, the sequence
// numbers of deliveries made since the backup come round again; the ids
// receivers see must not.
func TestRestoredBackupNeverReusesReceiverIDs(t *testing.T) {
	s, _ := openStore(t)
	c := mkChannel(t, s, "Press")
	before := releaseN(t, s, "before", 3, c)

	backup := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(backup)
	mustNoErr(t, err)
	_, err = s.WriteBackup(f)
	mustNoErr(t, err)
	mustNoErr(t, f.Close())
	lost := releaseN(t, s, "lost", 3, c) // sent, then lost with the disk

	copyKey(t, s.Path(), backup)
	restored, _ := openAt(t, backup)
	after := releaseN(t, restored, "after", 3, c)

	seen := map[string]string{}
	for _, group := range []struct {
		name string
		ds   []*briefing.Delivery
	}{{"before the backup", before}, {"lost in the restore", lost}, {"after the restore", after}} {
		for _, d := range group.ds {
			if prev, dup := seen[d.ReceiverID]; dup {
				t.Errorf("delivery %s %s reuses receiver id %s of delivery %s", d.ID, group.name, d.ReceiverID, prev)
			}
			seen[d.ReceiverID] = group.name + " " + d.ID
		}
	}
	// The premise: the sequence numbers did come round again.
	if after[0].ID != lost[0].ID {
		t.Errorf("delivery ids after the restore start at %s, lost ones at %s: the test does not repeat ids", after[0].ID, lost[0].ID)
	}
}
