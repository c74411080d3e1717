package briefing

import (
	"testing"
	"time"
)

func TestNextScheduledReminder(t *testing.T) {
	pub := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h := func(n int) *int { return &n }
	at := func(d time.Duration) *time.Time { x := pub.Add(d); return &x }
	tests := []struct {
		name     string
		a        Announcement
		want     time.Duration // after the publish
		deadline bool
		ok       bool
	}{
		{"no pace, no deadline", Announcement{}, 0, false, false},
		{"every 24 h", Announcement{Policy: Policy{RemindEveryHours: h(24)}}, 24 * time.Hour, false, true},
		{"after a manual reminder to everyone", Announcement{Policy: Policy{RemindEveryHours: h(24)},
			Reminders: map[string]time.Time{"": pub.Add(5 * time.Hour)}}, 29 * time.Hour, false, true},
		{"three went", Announcement{Policy: Policy{RemindEveryHours: h(24)}, ScheduledReminders: 3}, 0, false, false},
		{"a deadline in 3 days", Announcement{Policy: Policy{Deadline: at(72 * time.Hour)}}, 48 * time.Hour, true, true},
		{"the deadline's comes first", Announcement{Policy: Policy{RemindEveryHours: h(72), Deadline: at(48 * time.Hour)}}, 24 * time.Hour, true, true},
		{"the pace comes first", Announcement{Policy: Policy{RemindEveryHours: h(6), Deadline: at(48 * time.Hour)}}, 6 * time.Hour, false, true},
		{"the deadline's went", Announcement{Policy: Policy{Deadline: at(72 * time.Hour)}, DeadlineReminded: true}, 0, false, false},
		{"a deadline within a day of the publish", Announcement{Policy: Policy{Deadline: at(20 * time.Hour)}}, 0, false, false},
		{"held back by the pace rule", Announcement{Policy: Policy{Deadline: at(72 * time.Hour)},
			Reminders: map[string]time.Time{"Sales": pub.Add(48*time.Hour - 10*time.Minute)}}, 48 * time.Hour, true, true},
		{"held back by a company-wide reminder", Announcement{Policy: Policy{Deadline: at(72 * time.Hour)},
			Reminders: map[string]time.Time{"": pub.Add(48*time.Hour - 10*time.Minute)}}, 48*time.Hour + 50*time.Minute, true, true},
	}
	for _, tt := range tests {
		tt.a.State, tt.a.PublishedAt = StateBriefing, &pub
		got, ok := NextScheduledReminder(&tt.a)
		if ok != tt.ok || (ok && (!got.At.Equal(pub.Add(tt.want)) || got.Deadline != tt.deadline)) {
			t.Errorf("%s: got %v at +%s (deadline %v), want %v at +%s (deadline %v)", tt.name, ok, got.At.Sub(pub), got.Deadline, tt.ok, tt.want, tt.deadline)
		}
	}
	released := Announcement{State: StateReleased, PublishedAt: &pub, Policy: Policy{RemindEveryHours: h(1)}}
	if _, ok := NextScheduledReminder(&released); ok {
		t.Error("a released announcement is reminded")
	}
	for _, bad := range []int{0, 169, -1} {
		a := Announcement{Title: "x", Policy: Policy{Threshold: 0.5, OnDeadline: DeadlineHold, RemindEveryHours: h(bad)}}
		if err := a.Validate(func(string) bool { return true }); ErrorField(err) != "policy.remind_every_hours" {
			t.Errorf("remind_every_hours %d: Validate = %v, want an error on policy.remind_every_hours", bad, err)
		}
	}
}
