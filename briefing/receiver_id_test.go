package briefing

import (
	"regexp"
	"testing"
)

func TestNewReceiverID(t *testing.T) {
	form := regexp.MustCompile(`^msg_[a-z2-7]{26}$`) // 128 bits in base32 without padding
	seen := map[string]bool{}
	for range 10000 {
		id := NewReceiverID()
		if !form.MatchString(id) {
			t.Fatalf("NewReceiverID() = %q, want msg_ and 26 lowercase base32 characters", id)
		}
		if seen[id] {
			t.Fatalf("NewReceiverID() repeated %q", id)
		}
		seen[id] = true
	}
}
