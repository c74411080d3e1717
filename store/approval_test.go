package store

import (
	"encoding/json"
	"errors"
	"testing"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// The approval setting lives in the settings record; turning it on keeps
// every other setting in that record.
func TestApprovalRequiredKeepsTheOtherSettings(t *testing.T) {
	s, _ := openStore(t)
	if on, err := s.ApprovalRequired(); err != nil || on {
		t.Fatalf("a new store: ApprovalRequired = %v, %v; want false", on, err)
	}
	mustNoErr(t, s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bMeta).Put(keySettings, []byte(`{"privacy":"aggregate","min_group":7}`))
	}))
	mustNoErr(t, s.SetApprovalRequired("user:1", true))
	if on, err := s.ApprovalRequired(); err != nil || !on {
		t.Fatalf("after SetApprovalRequired(true): %v, %v", on, err)
	}
	var rec map[string]any
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error { return json.Unmarshal(tx.Bucket(bMeta).Get(keySettings), &rec) }))
	if rec["privacy"] != "aggregate" || rec["min_group"] != float64(7) {
		t.Errorf("the settings record lost its other fields: %v", rec)
	}
}

// A submission tells every active reviewer but the submitter; an edit of
// an approved item takes it back to draft and records the editor.
func TestSubmitApproveAndEditVoids(t *testing.T) {
	s, _ := openStore(t)
	author := &briefing.User{Email: "a@example.com", Name: "A", Roles: []briefing.Role{briefing.RoleAuthor, briefing.RoleReviewer}, Active: true}
	rev := &briefing.User{Email: "r@example.com", Name: "R", Roles: []briefing.Role{briefing.RoleReviewer}, Active: true}
	gone := &briefing.User{Email: "g@example.com", Name: "G", Roles: []briefing.Role{briefing.RoleReviewer}, Active: true}
	for _, u := range []*briefing.User{author, rev, gone} {
		mustNoErr(t, s.CreateUser(u, "test"))
	}
	_, err := s.UpdateUser(gone.ID, "test", func(u *briefing.User) error { u.Active = false; return nil })
	mustNoErr(t, err)
	a := &briefing.Announcement{Title: "T", AuthorID: author.ID, Audience: briefing.Audience{All: true}}
	mustNoErr(t, s.CreateAnnouncement(a, "user:"+author.ID))
	if _, err := s.Submit(a.ID, author); err != nil {
		t.Fatal(err)
	}
	var got []string
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bMailJobs).ForEach(func(_, v []byte) error {
			var j mailJob
			if err := json.Unmarshal(v, &j); err != nil {
				return err
			}
			if j.Kind == MailReview {
				got = append(got, j.UserIDs...)
			}
			return nil
		})
	}))
	if len(got) != 1 || got[0] != rev.ID {
		t.Errorf("review mail to %v, want only the other active reviewer %s", got, rev.ID)
	}
	if _, err := s.Approve(a.ID, author, ""); !errors.Is(err, briefing.ErrForbidden) {
		t.Errorf("approve own: got %v, want forbidden", err)
	}
	if _, err := s.Approve(a.ID, rev, "ok"); err != nil {
		t.Fatal(err)
	}
	edited, err := s.UpdateDraft(a.ID, "user:"+rev.ID, func(d *briefing.Announcement) error { d.Summary = "new"; return nil })
	mustNoErr(t, err)
	if edited.State != briefing.StateDraft || edited.Review != nil || edited.LastEditedBy != rev.ID {
		t.Errorf("after editing an approved item: state %s, review %+v, last edited by %q; want draft, none, %s",
			edited.State, edited.Review, edited.LastEditedBy, rev.ID)
	}
}
