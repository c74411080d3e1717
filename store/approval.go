package store

import (
	"cmp"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// approvalRequired reads the approval_required setting in tx.
func approvalRequired(tx *bolt.Tx) (bool, error) {
	set, err := getSettings(tx)
	return set.ApprovalRequired, err
}

// ApprovalRequired reports whether a reviewer must approve every
// announcement before it is published.
func (s *Store) ApprovalRequired() (bool, error) {
	var on bool
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		on, err = approvalRequired(tx)
		return err
	})
	return on, err
}

// actorUserID is the user id in an audit actor ("user:12"), or "".
func actorUserID(actor string) string {
	id, ok := strings.CutPrefix(actor, "user:")
	if !ok {
		return ""
	}
	return id
}

// Submit sends a draft to the reviewers (briefing.CanSubmit): it is in
// review, and every active reviewer is told in the same transaction (a
// mail job; their review queue lists it).
func (s *Store) Submit(id string, by *briefing.User) (*briefing.Announcement, error) {
	return s.review(id, "announcement.submit", func(tx *bolt.Tx, a *briefing.Announcement) error {
		if err := briefing.CanSubmit(by, a); err != nil {
			return err
		}
		a.State, a.Review = briefing.StateReview, nil
		reviewers, err := reviewersBut(tx, by.ID)
		if err != nil || len(reviewers) == 0 {
			return err
		}
		return enqueueMail(tx, mailJob{Kind: MailReview, AnnouncementID: a.ID, UserIDs: reviewers}, s.now())
	}, by)
}

// Approve approves an announcement in review (briefing.CanApprove), with an
// optional note for its authors.
func (s *Store) Approve(id string, by *briefing.User, note string) (*briefing.Announcement, error) {
	return s.review(id, "announcement.approve", func(tx *bolt.Tx, a *briefing.Announcement) error {
		if err := briefing.CanApprove(by, a); err != nil {
			return err
		}
		note, err := briefing.ApprovalNote(note)
		if err != nil {
			return err
		}
		a.State = briefing.StateApproved
		a.Review = &briefing.Review{Decision: briefing.DecisionApproved, By: by.ID, At: s.now(), Note: note}
		return nil
	}, by)
}

// Reject sends an announcement in review back to draft with a reason its
// authors see (briefing.CanReject, briefing.RejectReason).
func (s *Store) Reject(id string, by *briefing.User, reason string) (*briefing.Announcement, error) {
	return s.review(id, "announcement.reject", func(tx *bolt.Tx, a *briefing.Announcement) error {
		if err := briefing.CanReject(by, a); err != nil {
			return err
		}
		checked, err := briefing.RejectReason(reason)
		if err != nil {
			return err
		}
		a.State = briefing.StateDraft
		a.Review = &briefing.Review{Decision: briefing.DecisionRejected, By: by.ID, At: s.now(), Note: checked}
		return nil
	}, by)
}

// review takes one step of the approval in a transaction: step applies
// the rule and changes a; the step is audited with the decision's text.
func (s *Store) review(id, action string, step func(tx *bolt.Tx, a *briefing.Announcement) error, by *briefing.User) (*briefing.Announcement, error) {
	n, err := parseID("announcement", id)
	if err != nil {
		return nil, err
	}
	var a *briefing.Announcement
	err = s.db.Update(func(tx *bolt.Tx) error {
		if a, err = getAnnouncement(tx, u64(n)); err != nil {
			return err
		}
		if err := step(tx, a); err != nil {
			return err
		}
		now := s.now()
		a.UpdatedAt = now
		if err := putAnnouncement(tx, a); err != nil {
			return err
		}
		d := ""
		if a.Review != nil {
			d = a.Review.Note
		}
		return audit(tx, now, "user:"+by.ID, action, "announcement:"+a.ID, d)
	})
	if err == nil {
		s.signal(s.OnPublish) // the mail worker wakes for the reviewers' mail
	}
	return a, err
}

// reviewersBut lists the active reviewers (admins included) other than
// the person submitting, in id order as a mail job walks them.
func reviewersBut(tx *bolt.Tx, except string) ([]string, error) {
	var out []string
	err := tx.Bucket(bUsers).ForEach(func(k, v []byte) error {
		u, err := decodeUser(v)
		if err != nil {
			return err
		}
		if u.Active && u.ID != except && u.Has(briefing.RoleReviewer) {
			out = append(out, u.ID)
		}
		return nil
	})
	slices.SortFunc(out, func(x, y string) int { return cmp.Compare(mustID(x), mustID(y)) })
	return out, err
}

// InReview lists the announcements waiting for a reviewer, oldest first.
func (s *Store) InReview() ([]*briefing.Announcement, error) {
	list, _, err := s.Announcements(AnnouncementFilter{State: briefing.StateReview})
	slices.Reverse(list)
	return list, err
}
