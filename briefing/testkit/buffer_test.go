package testkit

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestLockedBufferFromManyGoroutines(t *testing.T) {
	var b LockedBuffer
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() { fmt.Fprintf(&b, "line %d\n", i) })
	}
	wg.Wait()
	if n := strings.Count(b.String(), "\n"); n != 50 {
		t.Errorf("%d lines, want 50", n)
	}
}
