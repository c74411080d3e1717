package briefing

import (
	"testing"
	"time"
)

func TestReleaseDecisionByClock(t *testing.T) {
	nb := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	withEmbargo := &Announcement{Policy: Policy{NotBefore: &nb}}
	without := &Announcement{}
	tests := []struct {
		d    ReleaseDecision
		a    *Announcement
		want string
	}{
		{ReleaseDecision{Release: true, Reason: "threshold"}, withEmbargo, ReasonEmbargo},
		{ReleaseDecision{Release: true, Reason: "threshold"}, without, "threshold"},
		{ReleaseDecision{Release: true, Reason: "deadline"}, withEmbargo, "deadline"},
		{ReleaseDecision{}, withEmbargo, ""},
	}
	for _, tt := range tests {
		if got := tt.d.ByClock(tt.a).Reason; got != tt.want {
			t.Errorf("%+v.ByClock = %q, want %q", tt.d, got, tt.want)
		}
	}
}
