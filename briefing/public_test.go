package briefing

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPublicStatusOf(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	future, past := now.Add(time.Hour), now.Add(-time.Hour)
	ch := []ChannelText{{ChannelID: "1"}}
	tests := []struct {
		name string
		a    Announcement
		want PublicStatus
	}{
		{"no channel, embargo ahead", Announcement{State: StateBriefing, Policy: Policy{NotBefore: &future}}, PublicInternal},
		{"no channel", Announcement{State: StateBriefing}, PublicInternal},
		{"released", Announcement{State: StateReleased, Channels: ch}, PublicReleased},
		{"released with the embargo still ahead (cannot be, but released wins)", Announcement{State: StateReleased, Channels: ch, Policy: Policy{NotBefore: &future}}, PublicReleased},
		{"embargo ahead, everyone acknowledged", Announcement{State: StateBriefing, Channels: ch, Policy: Policy{NotBefore: &future}}, PublicEmbargoed},
		{"embargo at this instant: passed", Announcement{State: StateBriefing, Channels: ch, Policy: Policy{NotBefore: &now}}, PublicPending},
		{"embargo passed", Announcement{State: StateBriefing, Channels: ch, Policy: Policy{NotBefore: &past}}, PublicPending},
		{"no embargo", Announcement{State: StateBriefing, Channels: ch}, PublicPending},
	}
	for _, tt := range tests {
		if got := PublicStatusOf(&tt.a, now); got != tt.want {
			t.Errorf("%s: PublicStatusOf = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestWithdrawnError(t *testing.T) {
	err := error(&WithdrawnError{At: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC), Reason: "the price was wrong"})
	if !errors.Is(err, ErrWithdrawn) {
		t.Error("a WithdrawnError is not ErrWithdrawn")
	}
	if msg := err.Error(); !strings.Contains(msg, "1 Dec 2026, 09:30 UTC") || !strings.Contains(msg, "because: the price was wrong") {
		t.Errorf("message = %q", msg)
	}
}
