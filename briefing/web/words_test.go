package web

import "testing"

func TestPeopleWords(t *testing.T) {
	for n, want := range map[int]string{0: "0 people", 1: "1 person", 2: "2 people", 1200: "1,200 people"} {
		if got := people(n); got != want {
			t.Errorf("people(%d) = %q, want %q", n, got, want)
		}
	}
	if hasHave(1) != "has" || hasHave(3) != "have" {
		t.Error("hasHave does not agree")
	}
}
