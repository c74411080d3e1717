package briefing

import (
	"testing"
	"time"
)

func TestRetentionDue(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	pub := t0.Add(-time.Hour)
	day := 24 * time.Hour
	tests := []struct {
		name string
		a    Announcement
		days int
		now  time.Time
		want bool
	}{
		{"released, 30 days passed", Announcement{State: StateReleased, PublishedAt: &pub, ReleasedAt: &t0}, 30, t0.Add(30 * day), true},
		{"released, a second short", Announcement{State: StateReleased, PublishedAt: &pub, ReleasedAt: &t0}, 30, t0.Add(30*day - time.Second), false},
		{"withdrawn after release counts from the withdrawal", Announcement{State: StateWithdrawn, PublishedAt: &pub, ReleasedAt: &pub,
			WithdrawnAt: &t0}, 1, t0.Add(day - time.Minute), false},
		{"withdrawn, due", Announcement{State: StateWithdrawn, PublishedAt: &pub, WithdrawnAt: &t0}, 1, t0.Add(day), true},
		{"retention off", Announcement{State: StateReleased, PublishedAt: &pub, ReleasedAt: &t0}, 0, t0.Add(1000 * day), false},
		{"still in briefing", Announcement{State: StateBriefing, PublishedAt: &pub}, 1, t0.Add(1000 * day), false},
		{"withdrawn before publish: no receipts", Announcement{State: StateWithdrawn, WithdrawnAt: &t0}, 1, t0.Add(2 * day), false},
		{"erased already", Announcement{State: StateReleased, PublishedAt: &pub, ReleasedAt: &t0, ReceiptsErasedAt: &t0}, 1, t0.Add(2 * day), false},
	}
	for _, tt := range tests {
		if got := RetentionDue(&tt.a, tt.days, tt.now); got != tt.want {
			t.Errorf("%s: RetentionDue = %v, want %v", tt.name, got, tt.want)
		}
	}
}
