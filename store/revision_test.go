package store

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"firsthand/briefing"
)

func strp(s string) *string { return &s }

func revise(tb testing.TB, s *Store, id string, r briefing.Revision) briefing.Change {
	tb.Helper()
	if r.Note == "" {
		r.Note = "what changed"
	}
	ch, err := s.Revise(id, testAuthor, r)
	if err != nil {
		tb.Fatalf("Revise: %v", err)
	}
	return ch
}

func readiness(tb testing.TB, s *Store, id string) (*briefing.Announcement, briefing.Readiness) {
	tb.Helper()
	a, r, err := s.Readiness(id)
	mustNoErr(tb, err)
	return a, r
}

// The gate test: after a material revision, two acknowledgements
// of version 1 and one of version 2 do not open a threshold of three;
// three of version 2 do, through the acknowledgement's own gate.
func TestMaterialRevisionGate(t *testing.T) {
	s, _ := openStore(t)
	c := mkChannel(t, s, "Press")
	us := mkUsers(t, s, 5, inDept("Sales"))
	a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{Departments: []string{"Sales"}},
		Policy: briefing.Policy{Threshold: 0.6}, Channels: channels(c)}) // 3 of 5
	ack(t, s, a.ID, us[0])
	ack(t, s, a.ID, us[1])
	ch := revise(t, s, a.ID, briefing.Revision{Body: strp("The date **moved**."), Material: true, Note: "The date moved"})
	if ch.Version != 2 || !ch.Material {
		t.Fatalf("revision: got %+v, want version 2, material", ch)
	}
	_, r := readiness(t, s, a.ID)
	if r.Acknowledged != 0 || r.Read != 0 || r.Recipients != 5 {
		t.Fatalf("after the material revision: readiness %d read, %d acknowledged of %d; want 0, 0 of 5", r.Read, r.Acknowledged, r.Recipients)
	}
	if res := ack(t, s, a.ID, us[2]); res.Released || res.Version != 2 {
		t.Fatalf("one acknowledgement of version 2 and two of version 1: got %+v, want not released, version 2", res)
	}
	got, r := readiness(t, s, a.ID)
	if got.State != briefing.StateBriefing || r.Acknowledged != 1 {
		t.Fatalf("two of v1 and one of v2: state %s with %d acknowledged, want briefing with 1", got.State, r.Acknowledged)
	}
	ack(t, s, a.ID, us[0])
	if res := ack(t, s, a.ID, us[1]); !res.Released || res.Version != 2 {
		t.Fatalf("three acknowledgements of version 2: got %+v, want released", res)
	}
	if got, _ := readiness(t, s, a.ID); got.State != briefing.StateReleased {
		t.Errorf("state %s, want released", got.State)
	}
}

// A minor revision keeps every acknowledgement; the receipts say which
// version each person acknowledged, and acknowledged_at is null after a
// material revision until they acknowledge again.
func TestRevisionReceiptsAndInbox(t *testing.T) {
	s, clk := openStore(t)
	us := mkUsers(t, s, 3, inDept("Sales"))
	a := mkPublished(t, s, briefing.Announcement{Title: "First", Audience: briefing.Audience{Departments: []string{"Sales"}}})
	clk.Add(time.Minute)
	b := mkPublished(t, s, briefing.Announcement{Title: "Second", Audience: briefing.Audience{Departments: []string{"Sales"}}})
	ack(t, s, a.ID, us[0])
	ack(t, s, b.ID, us[1])
	clk.Add(time.Minute)
	revise(t, s, a.ID, briefing.Revision{Title: strp("First, typo fixed"), Note: "typo"})
	if _, r := readiness(t, s, a.ID); r.Acknowledged != 1 {
		t.Fatalf("after a minor revision: %d acknowledged, want 1 (kept)", r.Acknowledged)
	}
	if res := ack(t, s, a.ID, us[0]); res.Version != 1 {
		t.Errorf("a repeat acknowledgement after a minor revision: version %d, want the first one's 1", res.Version)
	}
	if res := ack(t, s, a.ID, us[2]); res.Version != 2 {
		t.Errorf("an acknowledgement after a minor revision: version %d, want 2", res.Version)
	}
	clk.Add(time.Minute)
	revise(t, s, a.ID, briefing.Revision{Summary: strp("Changed"), Material: true, Note: "the price changed"})
	byUser := map[string]briefing.Receipt{}
	_, err := s.Receipts(a.ID, ReceiptFilter{}, func(r briefing.Receipt) error { byUser[r.UserID] = r; return nil })
	mustNoErr(t, err)
	for _, tt := range []struct {
		u       *briefing.User
		version int
	}{{us[0], 1}, {us[1], 0}, {us[2], 2}} {
		r := byUser[tt.u.ID]
		if r.AcknowledgedAt != nil || r.AcknowledgedVersion != tt.version {
			t.Errorf("receipt of %s after the material revision: acknowledged_at %v, version %d; want null and %d",
				tt.u.Email, r.AcknowledgedAt, r.AcknowledgedVersion, tt.version)
		}
	}
	// Back at the top of the inbox of someone who had acknowledged both.
	ack(t, s, a.ID, us[1])
	inbox, err := s.Inbox(us[0].ID)
	mustNoErr(t, err)
	if len(inbox) != 2 || inbox[0].ID != a.ID || inbox[0].AcknowledgedAt != nil || inbox[0].Version != 3 {
		t.Fatalf("inbox after the material revision: %+v, want the revised one first, unacknowledged, version 3", inbox)
	}
	if c := inbox[0].LastChange(); c == nil || c.Note != "the price changed" || !c.Material {
		t.Errorf("inbox item's last change: %+v, want the note", c)
	}
	res := ack(t, s, a.ID, us[0])
	if res.Version != 3 {
		t.Errorf("acknowledging again: version %d, want 3", res.Version)
	}
	old, cur, err := s.VersionTexts(a.ID, 1, 3)
	mustNoErr(t, err)
	if old.Title != "First" || cur.Title != "First, typo fixed" || cur.Summary != "Changed" {
		t.Errorf("version texts: %+v → %+v", old, cur)
	}
}

func TestRevisionRefusals(t *testing.T) {
	s, _ := openStore(t)
	c := mkChannel(t, s, "Press")
	mkUsers(t, s, 2, inDept("Sales"))
	draft := mkDraft(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
	rel := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}, Channels: channels(c)})
	_, err := s.Release(rel.ID, testManager, "ready")
	mustNoErr(t, err)
	for _, tt := range []struct {
		name string
		id   string
		r    briefing.Revision
		want error
	}{
		{"a draft", draft.ID, briefing.Revision{Note: "n"}, briefing.ErrConflict},
		{"material once released", rel.ID, briefing.Revision{Material: true, Note: "n"}, briefing.ErrConflict},
		{"channels once released", rel.ID, briefing.Revision{Channels: &[]briefing.ChannelText{}, Note: "n"}, briefing.ErrConflict},
		{"no note", rel.ID, briefing.Revision{Title: strp("x")}, briefing.ErrInvalid},
		{"an empty title", rel.ID, briefing.Revision{Title: strp(" "), Note: "n"}, briefing.ErrInvalid},
	} {
		if _, err := s.Revise(tt.id, testAuthor, tt.r); err == nil || !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	ch := revise(t, s, rel.ID, briefing.Revision{Body: strp("Fixed."), Note: "a typo"})
	got, err := s.ReleasedBySlug(rel.Slug)
	mustNoErr(t, err)
	if got.Body != "Fixed." || got.Version != ch.Version || len(got.Changes) != 1 {
		t.Errorf("the released item after a minor correction: body %q, version %d, changes %+v", got.Body, got.Version, got.Changes)
	}
}

// BenchmarkMaterialRevision is a material revision of an announcement to
// 100,000 recipients in 20 departments: O(departments), whatever the
// number of people (docs/performance.md).
func BenchmarkMaterialRevision(b *testing.B) {
	s, _ := openStore(b)
	mkUsers(b, s, 100_000, func(i int) string { return fmt.Sprintf("Dept %02d", i%20) })
	a := mkPublished(b, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Revise(a.ID, testAuthor, briefing.Revision{Body: strp(fmt.Sprintf("Version %d", i)), Material: true, Note: "changed"}); err != nil {
			b.Fatal(err)
		}
	}
}
