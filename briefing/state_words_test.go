package briefing

import (
	"strings"
	"testing"
)

func TestStatePhrase(t *testing.T) {
	for s, want := range map[State]string{StateDraft: "a draft", StateBriefing: "in briefing", StateReleased: "released", StateWithdrawn: "withdrawn"} {
		if got := s.Phrase().String(); got != want {
			t.Errorf("%s.Phrase() = %q, want %q", s, got, want)
		}
	}
	err := CanEdit(&Announcement{State: StateBriefing})
	if msg := ErrorMessage(err); !strings.Contains(msg, "is in briefing") || strings.Contains(msg, "is briefing") {
		t.Errorf("CanEdit says %q", msg)
	}
}
