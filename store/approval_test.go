package store

import (
	"encoding/json"
	"errors"
	"testing"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// The approval setting is one of the settings: ApprovalRequired reads what
// the settings say, and turning it on keeps every other setting.
func TestApprovalRequiredIsASetting(t *testing.T) {
	s, _ := openStore(t)
	if on, err := s.ApprovalRequired(); err != nil || on {
		t.Fatalf("a new store: ApprovalRequired = %v, %v; want false", on, err)
	}
	_, err := s.UpdateSettings("user:1", func(set *briefing.Settings) error {
		set.Privacy, set.MinGroup = briefing.PrivacyAggregate, 7
		return nil
	})
	mustNoErr(t, err)
	_, err = s.UpdateSettings("user:1", func(set *briefing.Settings) error {
		set.ApprovalRequired = true
		return nil
	})
	mustNoErr(t, err)
	if on, err := s.ApprovalRequired(); err != nil || !on {
		t.Fatalf("after turning it on: ApprovalRequired = %v, %v; want true", on, err)
	}
	set, err := s.Settings()
	mustNoErr(t, err)
	if set.Privacy != briefing.PrivacyAggregate || set.MinGroup != 7 {
		t.Errorf("the other settings changed: %+v", set)
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
