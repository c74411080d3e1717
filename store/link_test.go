package store

import (
	"testing"
	"time"

	"firsthand/briefing"
)

// TestLinksVoidExpireAndSpend: a new link of a single-use kind voids the
// person's older one, briefing links do not void each other, a link works
// until its expiry only, spending it ends the person's sessions, and the
// pruner removes what expired.
func TestLinksVoidExpireAndSpend(t *testing.T) {
	s, clk := openStore(t)
	u := mkUser(t, s, "p@example.com", "Sales")
	first, err := s.IssueLinks(briefing.LinkWelcome, "", []string{u.ID})
	mustNoErr(t, err)
	second, err := s.IssueLinks(briefing.LinkWelcome, "", []string{u.ID})
	mustNoErr(t, err)
	if _, _, err := s.Link(first[u.ID], briefing.LinkWelcome); err == nil {
		t.Error("the first invitation still works after a second one")
	}
	if _, got, err := s.Link(second[u.ID], briefing.LinkWelcome); err != nil || got.ID != u.ID {
		t.Fatalf("Link(second) = %v, %v; want %s", got, err, u.ID)
	}
	if _, _, err := s.Link(second[u.ID], briefing.LinkReset); err == nil {
		t.Error("an invitation works as a reset link")
	}

	b1, err := s.IssueLinks(briefing.LinkBriefing, "7", []string{u.ID})
	mustNoErr(t, err)
	b2, err := s.IssueLinks(briefing.LinkBriefing, "7", []string{u.ID})
	mustNoErr(t, err)
	for _, tok := range []string{b1[u.ID], b2[u.ID]} {
		if l, _, err := s.Link(tok, briefing.LinkBriefing); err != nil || l.AnnouncementID != "7" {
			t.Errorf("briefing link = %+v, %v; want one for announcement 7", l, err)
		}
	}

	session, err := s.CreateSession(u.ID, 24*time.Hour)
	mustNoErr(t, err)
	other := mkUser(t, s, "q@example.com", "Sales")
	otherSession, err := s.CreateSession(other.ID, 24*time.Hour)
	mustNoErr(t, err)
	if _, err := s.SetPasswordByLink(second[u.ID], briefing.LinkWelcome, []byte("hash")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionUser(session); err == nil {
		t.Error("the person's session survived the password set")
	}
	if _, err := s.SessionUser(otherSession); err != nil {
		t.Errorf("someone else's session ended: %v", err)
	}
	if _, err := s.SetPasswordByLink(second[u.ID], briefing.LinkWelcome, []byte("again")); err == nil {
		t.Error("a spent invitation set a password again")
	}

	clk.Add(briefing.BriefingLinkTTL + time.Second)
	wantKind(t, func() error { _, _, err := s.Link(b1[u.ID], briefing.LinkBriefing); return err }(), briefing.ErrNotFound)
	n, err := s.PruneLinks()
	mustNoErr(t, err)
	// The voided invitation went when it was voided; the spent one and
	// the two briefing links remain until they expire.
	if n != 3 {
		t.Errorf("PruneLinks removed %d, want 3 (the spent invitation and two briefing links)", n)
	}
}
