package briefing

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestBoundText: control characters and broken UTF-8 go, the rest is cut
// to the byte limit without splitting a character.
func TestBoundText(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"ada@example.com", MaxEmailLength, "ada@example.com"},
		{"ada\r\n@exa\x00mple.com\x1b[0m", MaxEmailLength, "ada@example.com[0m"},
		{"bad\xffutf8", 20, "badutf8"},
		{"äöü", 5, "äö"}, // ü would need bytes 5 and 6
		{"\u0085next\u009bline", 20, "nextline"},
		{strings.Repeat("x", 100_000), MaxEmailLength, strings.Repeat("x", MaxEmailLength)},
	}
	for _, tt := range tests {
		got := BoundText(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("BoundText(%.20q, %d): got %.40q, want %.40q", tt.in, tt.max, got, tt.want)
		}
		if len(got) > tt.max || !utf8.ValidString(got) {
			t.Errorf("BoundText(%.20q, %d): got %d bytes, valid UTF-8 %v", tt.in, tt.max, len(got), utf8.ValidString(got))
		}
	}
}
