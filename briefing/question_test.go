package briefing

import (
	"testing"
	"time"
)

func TestQuestionMailAt(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := t0.Add(d); return &x }
	tests := []struct {
		name string
		last *time.Time
		now  time.Time
		want time.Time
	}{
		{"the first question: at once", nil, t0, t0},
		{"two minutes after a mail: at the end of its window", at(0), t0.Add(2 * time.Minute), t0.Add(10 * time.Minute)},
		{"while a digest waits: in it", at(10 * time.Minute), t0.Add(4 * time.Minute), t0.Add(10 * time.Minute)},
		{"just after the digest went: the next window", at(10 * time.Minute), t0.Add(11 * time.Minute), t0.Add(20 * time.Minute)},
		{"a quiet window later: at once", at(0), t0.Add(10 * time.Minute), t0.Add(10 * time.Minute)},
		{"an hour later: at once", at(0), t0.Add(time.Hour), t0.Add(time.Hour)},
	}
	for _, tt := range tests {
		if got := QuestionMailAt(tt.last, tt.now); !got.Equal(tt.want) {
			t.Errorf("%s: QuestionMailAt = %s, want %s", tt.name, got.Format("15:04"), tt.want.Format("15:04"))
		}
	}
}
