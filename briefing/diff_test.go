package briefing

import (
	"strings"
	"testing"
)

// join gives back one side of a diff.
func join(d []DiffPart, drop DiffKind) string {
	var b strings.Builder
	for _, p := range d {
		if p.Kind != drop {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func TestWordDiff(t *testing.T) {
	for _, tt := range []struct {
		old, new string
		want     []DiffPart
	}{
		{"same text", "same text", []DiffPart{{DiffSame, "same text"}}},
		{"The launch is on 1 March.", "The launch is on 3 March.",
			[]DiffPart{{DiffSame, "The launch is on "}, {DiffDel, "1"}, {DiffIns, "3"}, {DiffSame, " March."}}},
		{"a b c", "a c", []DiffPart{{DiffSame, "a "}, {DiffDel, "b "}, {DiffSame, "c"}}},
		{"Launch day", "Launch day!", []DiffPart{{DiffSame, "Launch day"}, {DiffIns, "!"}}},
		{"", "new", []DiffPart{{DiffIns, "new"}}},
		{"old", "", []DiffPart{{DiffDel, "old"}}},
		{"line one\nline two\n", "line one\nline 2\nline three\n",
			[]DiffPart{{DiffSame, "line one\nline "}, {DiffDel, "two"}, {DiffIns, "2\nline three"}, {DiffSame, "\n"}}},
	} {
		got := WordDiff(tt.old, tt.new)
		if len(got) != len(tt.want) {
			t.Errorf("WordDiff(%q, %q) = %+v, want %+v", tt.old, tt.new, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("WordDiff(%q, %q)[%d] = %+v, want %+v", tt.old, tt.new, i, got[i], tt.want[i])
			}
		}
		if join(got, DiffIns) != tt.old || join(got, DiffDel) != tt.new {
			t.Errorf("WordDiff(%q, %q) does not give back both texts: %+v", tt.old, tt.new, got)
		}
		if Changed(got) != (tt.old != tt.new) {
			t.Errorf("Changed(WordDiff(%q, %q)) = %v", tt.old, tt.new, Changed(got))
		}
	}
}

// A body too big for the table still diffs correctly (coarsely), and a
// small change in a long text stays small.
func TestWordDiffLargeTexts(t *testing.T) {
	long := strings.Repeat("word ", 40_000)
	other := strings.Repeat("other ", 40_000)
	d := WordDiff(long, other)
	if join(d, DiffIns) != long || join(d, DiffDel) != other {
		t.Fatal("a diff over the table's bound does not give back both texts")
	}
	d = WordDiff(long+"end.", long+"finish.")
	if len(d) != 4 || d[1] != (DiffPart{DiffDel, "end"}) || d[2] != (DiffPart{DiffIns, "finish"}) {
		t.Errorf("a change at the end of a long text: got %d parts, the last %+v", len(d), d[len(d)-1])
	}
}

func BenchmarkWordDiffBody(b *testing.B) {
	old := strings.Repeat("Our new prices apply from 1 March to every plan. ", 150)
	new := strings.Replace(old, "1 March", "3 March", 5)
	for b.Loop() {
		WordDiff(old, new)
	}
}
