package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
)

func TestQuestions(t *testing.T) {
	s, clk := openStore(t)
	asker := mkUser(t, s, "asker@example.com", "Sales")
	outsider := mkUser(t, s, "outsider@example.com", "Support")
	a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{Departments: []string{"Sales"}}})

	_, err := s.Ask(a.ID, outsider.ID, "Why?")
	wantKind(t, err, briefing.ErrNotFound)
	_, err = s.Ask("999", asker.ID, "Why?")
	wantKind(t, err, briefing.ErrNotFound)
	for _, text := range []string{"", "   ", strings.Repeat("q", briefing.MaxQuestion+1)} {
		if _, err := s.Ask(a.ID, asker.ID, text); !errors.Is(err, briefing.ErrInvalid) {
			t.Errorf("Ask(%d chars) = %v, want invalid", len(text), err)
		}
	}

	clk.Add(time.Minute)
	q1, err := s.Ask(a.ID, asker.ID, "  Why now?  ")
	mustNoErr(t, err)
	if q1.Text != "Why now?" || q1.AskerName != asker.Name || !q1.AskedAt.Equal(clk.Now()) || q1.AnsweredAt != nil {
		t.Errorf("question = %+v", q1)
	}
	q2, err := s.Ask(a.ID, asker.ID, "And the price?")
	mustNoErr(t, err)
	if _, r, _ := s.Readiness(a.ID); r.UnansweredQuestions != 2 {
		t.Errorf("unanswered = %d, want 2", r.UnansweredQuestions)
	}

	clk.Add(time.Hour)
	ans, err := s.Answer(q1.ID, "user:author", "Because the market moved.")
	mustNoErr(t, err)
	if ans.Answer != "Because the market moved." || ans.AnsweredAt == nil || !ans.AnsweredAt.Equal(clk.Now()) || ans.AnsweredBy != "user:author" {
		t.Errorf("answered = %+v", ans)
	}
	if _, r, _ := s.Readiness(a.ID); r.UnansweredQuestions != 1 {
		t.Errorf("unanswered = %d, want 1", r.UnansweredQuestions)
	}

	list, err := s.Questions(a.ID)
	mustNoErr(t, err)
	if len(list) != 2 || list[0].ID != q1.ID || list[1].ID != q2.ID {
		t.Fatalf("Questions = %+v, want q1, q2 oldest first", list)
	}
	if list[0].Answer == "" || list[0].UserID != asker.ID || list[0].AnnouncementID != a.ID || list[1].AnsweredAt != nil {
		t.Errorf("Questions = %+v %+v", list[0], list[1])
	}

	// Another announcement's questions stay apart.
	b := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
	_, err = s.Ask(b.ID, outsider.ID, "Other?")
	mustNoErr(t, err)
	if list, _ := s.Questions(a.ID); len(list) != 2 {
		t.Errorf("%d questions on a, want 2", len(list))
	}

	_, err = s.Answer("999", "user:author", "x")
	wantKind(t, err, briefing.ErrNotFound)
	_, err = s.Answer(q2.ID, "user:author", "")
	wantKind(t, err, briefing.ErrInvalid)
	_, err = s.Questions("x")
	wantKind(t, err, briefing.ErrNotFound)
}
