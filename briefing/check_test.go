package briefing

import (
	"testing"
	"time"
)

func TestChecksDue(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 55, 0, 0, time.UTC)
	nb := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	briefed := func(notBefore *time.Time, channels int) *Announcement {
		a := &Announcement{State: StateBriefing, Policy: Policy{NotBefore: notBefore}}
		for range channels {
			a.Channels = append(a.Channels, ChannelText{ChannelID: "1"})
		}
		return a
	}
	for _, tt := range []struct {
		name string
		a    *Announcement
		last time.Time
		want bool
	}{
		{"never checked: at publish", briefed(nil, 1), time.Time{}, true},
		{"checked, no embargo", briefed(nil, 1), now.Add(-time.Hour), false},
		{"ten minutes before the embargo, last check earlier", briefed(&nb, 1), now.Add(-time.Hour), true},
		{"ten minutes before, checked since", briefed(&nb, 1), now.Add(-time.Minute), false},
		{"internal only", briefed(nil, 0), time.Time{}, false},
		{"a draft", &Announcement{State: StateDraft, Channels: []ChannelText{{ChannelID: "1"}}}, time.Time{}, false},
	} {
		if got := ChecksDue(tt.a, tt.last, now); got != tt.want {
			t.Errorf("%s: ChecksDue = %v, want %v", tt.name, got, tt.want)
		}
	}
}
