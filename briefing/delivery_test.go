package briefing

import (
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	for _, jitter := range []float64{0, 0.5, 1} {
		if d := RetryDelay(1, 0, jitter); d <= 0 || d > 5*time.Second {
			t.Errorf("jitter %v: first retry after %v, want within 5s", jitter, d)
		}
		if d := RetryDelay(2, 0, jitter); d <= 0 || d > 30*time.Second {
			t.Errorf("jitter %v: second retry after %v, want within 30s", jitter, d)
		}
		// MaxAttempts attempts have MaxAttempts-1 waits between them.
		var span time.Duration
		prev := time.Duration(0)
		for n := 1; n < MaxAttempts; n++ {
			d := RetryDelay(n, 0, jitter)
			if d < prev {
				t.Errorf("jitter %v: wait %d (%v) is shorter than wait %d (%v)", jitter, n, d, n-1, prev)
			}
			prev = d
			span += d
		}
		if MaxAttempts < 6 {
			t.Errorf("MaxAttempts = %d, want at least 6", MaxAttempts)
		}
		if span < 30*time.Minute {
			t.Errorf("jitter %v: %d attempts span %v, want at least 30 minutes", jitter, MaxAttempts, span)
		}
	}
	if a, b := RetryDelay(5, 0, 0), RetryDelay(5, 0, 1); b <= a || b > a+a/5 {
		t.Errorf("jitter: RetryDelay(5) = %v without, %v with full jitter; want up to 20%% more", a, b)
	}
}

func TestRetryDelayRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		n          int
		retryAfter time.Duration
		want       time.Duration
	}{
		{"longer Retry-After wins", 1, 90 * time.Second, 90 * time.Second},
		{"shorter Retry-After is ignored", 4, time.Second, 2 * time.Minute},
		{"Retry-After is capped", 2, 48 * time.Hour, 6 * time.Hour},
		{"no Retry-After", 3, 0, time.Minute},
	}
	for _, tt := range tests {
		if got := RetryDelay(tt.n, tt.retryAfter, 0); got != tt.want {
			t.Errorf("%s: RetryDelay(%d, %v) = %v, want %v", tt.name, tt.n, tt.retryAfter, got, tt.want)
		}
	}
}

func TestRetryDelayOutOfRange(t *testing.T) {
	// Callers count attempts; a zero or a runaway count must neither panic
	// nor produce a negative or absurd wait.
	for _, n := range []int{-1, 0, 40, 100, 1 << 20} {
		d := RetryDelay(n, 0, 1)
		if d <= 0 || d > 6*time.Hour {
			t.Errorf("RetryDelay(%d) = %v, want within (0, 6h]", n, d)
		}
	}
	if got := RetryDelay(3, 0, -5); got != time.Minute {
		t.Errorf("negative jitter: RetryDelay(3) = %v, want 1m", got)
	}
}
