package briefing

import (
	"strings"
	"unicode"
)

// DiffKind says whether a piece of a diff is kept, inserted or deleted.
type DiffKind string

// The kinds of a diff's pieces.
const (
	DiffSame DiffKind = "same"
	DiffIns  DiffKind = "ins"
	DiffDel  DiffKind = "del"
)

// DiffPart is one run of text of the same kind.
type DiffPart struct {
	Kind DiffKind
	Text string
}

// maxDiffCells bounds the LCS table (words of the changed middle of the
// old text times those of the new): beyond it the middle is shown as one
// deletion and one insertion, which is still correct, only coarser.
const maxDiffCells = 4_000_000

// WordDiff says how new differs from old, word by word (whitespace and
// punctuation are tokens of their own, so the parts joined give back each
// text). The common
// beginning and end are cut off first, so a typo fixed in a long body
// costs little; the middle is a longest-common-subsequence diff.
func WordDiff(old, new string) []DiffPart {
	a, b := tokens(old), tokens(new)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var out parts
	out.add(DiffSame, a[:pre]...)
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(ma)*len(mb) > maxDiffCells {
		out.add(DiffDel, ma...)
		out.add(DiffIns, mb...)
	} else {
		lcs(ma, mb, &out)
	}
	out.add(DiffSame, a[len(a)-suf:]...)
	return out
}

// Changed reports whether a diff has any insertion or deletion.
func Changed(d []DiffPart) bool {
	for _, p := range d {
		if p.Kind != DiffSame {
			return true
		}
	}
	return false
}

type parts []DiffPart

// add appends words of a kind, joining them to the last part if it is of
// the same kind.
func (p *parts) add(kind DiffKind, words ...string) {
	if len(words) == 0 {
		return
	}
	s := strings.Join(words, "")
	if n := len(*p); n > 0 && (*p)[n-1].Kind == kind {
		(*p)[n-1].Text += s
		return
	}
	*p = append(*p, DiffPart{Kind: kind, Text: s})
}

// lcs writes the diff of a and b by the classic dynamic programme over
// suffixes, then walks it from the front.
func lcs(a, b []string, out *parts) {
	n, m := len(a), len(b)
	t := make([]int32, (n+1)*(m+1))
	at := func(i, j int) *int32 { return &t[i*(m+1)+j] }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				*at(i, j) = *at(i+1, j+1) + 1
			} else {
				*at(i, j) = max(*at(i+1, j), *at(i, j+1))
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out.add(DiffSame, a[i])
			i, j = i+1, j+1
		case *at(i+1, j) >= *at(i, j+1):
			out.add(DiffDel, a[i])
			i++
		default:
			out.add(DiffIns, b[j])
			j++
		}
	}
	out.add(DiffDel, a[i:]...)
	out.add(DiffIns, b[j:]...)
}

// tokens splits s into runs of letters and digits, runs of whitespace,
// and single other characters (punctuation, Markdown marks), so that a
// changed comma is one small change and not a changed word.
func tokens(s string) []string {
	var out []string
	start, prev := 0, tokenNone
	for i, r := range s {
		k := tokenKind(r)
		if i > start && (k != prev || k == tokenOther) {
			out = append(out, s[start:i])
			start = i
		}
		prev = k
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

const (
	tokenNone = iota
	tokenWord
	tokenSpace
	tokenOther
)

func tokenKind(r rune) int {
	switch {
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		return tokenWord
	case unicode.IsSpace(r):
		return tokenSpace
	}
	return tokenOther
}
