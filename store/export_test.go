package store

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

func TestExportHoldsWhatIsStoredAboutOnePerson(t *testing.T) {
	s, clk := openStore(t)
	anna := mkUser(t, s, "anna@example.com", "Sales")
	ben := mkUser(t, s, "ben@example.com", "Sales")
	admin := mkUser(t, s, "admin@example.com", "IT", briefing.RoleAdmin)
	a := mkPublished(t, s, briefing.Announcement{Title: "Pricing", Audience: briefing.Audience{Departments: []string{"Sales"}}})
	b := mkPublished(t, s, briefing.Announcement{Title: "Vienna", Audience: briefing.Audience{Departments: []string{"Sales"}}})
	ack(t, s, a.ID, anna)
	ack(t, s, a.ID, ben)
	q, err := s.Ask(b.ID, anna.ID, "Which prices?")
	mustNoErr(t, err)
	_, err = s.Ask(b.ID, ben.ID, "Ben's question")
	mustNoErr(t, err)
	_, err = s.UpdateUser(anna.ID, "user:"+admin.ID, func(u *briefing.User) error { u.Location = "Berlin"; return nil })
	mustNoErr(t, err)
	_, err = s.CreateSession(anna.ID, time.Hour)
	mustNoErr(t, err)
	_, err = s.CreateSession(ben.ID, time.Hour)
	mustNoErr(t, err)
	_, err = s.CreateSession(anna.ID, time.Minute)
	mustNoErr(t, err)
	clk.Add(2 * time.Minute) // the short session has expired

	got, err := s.Export(anna.ID)
	mustNoErr(t, err)
	if got.Profile.Email != "anna@example.com" || got.Profile.Location != "Berlin" || got.Profile.PasswordHash != nil {
		t.Errorf("profile = %+v", got.Profile)
	}
	if len(got.Receipts) != 2 || got.Receipts[0].AnnouncementID != a.ID || got.Receipts[0].Title != "Pricing" ||
		got.Receipts[0].AcknowledgedAt == nil || got.Receipts[0].Status != briefing.StatusAcknowledged ||
		got.Receipts[1].ReadAt != nil || got.Receipts[1].Status != briefing.StatusPending {
		t.Errorf("receipts = %+v", got.Receipts)
	}
	if len(got.Questions) != 1 || got.Questions[0].ID != q.ID || got.Questions[0].Text != "Which prices?" {
		t.Errorf("questions = %+v, want only Anna's", got.Questions)
	}
	if len(got.Sessions) != 1 || got.Sessions[0].CreatedAt == nil || !got.Sessions[0].ExpiresAt.Equal(got.Sessions[0].CreatedAt.Add(time.Hour)) {
		t.Errorf("sessions = %+v, want the one unexpired with its times", got.Sessions)
	}
	actions := map[string]int{}
	for _, e := range got.Audit {
		if e.Actor != "user:"+anna.ID && e.Target != "user:"+anna.ID {
			t.Errorf("an event that is not Anna's: %+v", e)
		}
		actions[e.Action]++
	}
	if actions["briefing.acknowledge"] != 1 || actions["question.ask"] != 1 || actions["user.update"] != 1 || actions["user.create"] != 1 {
		t.Errorf("audit actions = %v", actions)
	}
	raw, _ := json.Marshal(got)
	for _, secret := range []string{"password", "hash", "fs_", "fh_"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the export holds %q: %s", secret, raw)
		}
	}
}

func TestMigrationIndexesTheAuditLogByUser(t *testing.T) {
	s, _ := openStore(t)
	u := mkUser(t, s, "anna@example.com", "Sales")
	mustNoErr(t, s.Audit("user:"+u.ID, "session.fail", "user:"+u.ID, ""))
	mustNoErr(t, s.Audit("user:9", "user.update", "user:"+u.ID, "{}"))
	// What schema 7 had: no index.
	mustNoErr(t, s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bAuditByUser); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(keySchema, u64(7))
	}))
	s = reopen(t, s)
	got, err := s.Export(u.ID)
	mustNoErr(t, err)
	if len(got.Audit) != 3 || got.Audit[0].Action != "user.update" || got.Audit[2].Action != "user.create" {
		t.Errorf("after the migration: %+v, want the three events of Anna, newest first", got.Audit)
	}
}
