package briefing

import (
	"strings"
	"testing"
	"time"
)

func TestReceiptStatus(t *testing.T) {
	now := time.Now()
	tests := []struct {
		r    Receipt
		want ReceiptStatus
	}{
		{Receipt{}, StatusPending},
		{Receipt{ReadAt: &now}, StatusRead},
		{Receipt{ReadAt: &now, AcknowledgedAt: &now}, StatusAcknowledged},
		{Receipt{AcknowledgedAt: &now}, StatusAcknowledged}, // acknowledging implies reading
	}
	for _, tt := range tests {
		if got := tt.r.Status(); got != tt.want {
			t.Errorf("Status() of read=%v ack=%v = %q, want %q", tt.r.ReadAt != nil, tt.r.AcknowledgedAt != nil, got, tt.want)
		}
	}
}

func TestValidateText(t *testing.T) {
	tests := []struct {
		text  string
		valid bool
	}{
		{"", false},
		{"Why now?", true},
		{strings.Repeat("q", MaxQuestion), true},
		{strings.Repeat("q", MaxQuestion+1), false},
	}
	for _, tt := range tests {
		err := ValidateText(tt.text)
		if (err == nil) != tt.valid {
			t.Errorf("ValidateText(%d chars) = %v, want valid=%v", len(tt.text), err, tt.valid)
		}
		if err != nil && ErrorField(err) != "text" {
			t.Errorf("field = %q, want text", ErrorField(err))
		}
	}
}
