package briefing

import "time"

// Decision is a reviewer's verdict on an announcement in review.
type Decision string

// The decisions.
const (
	DecisionApproved Decision = "approved"
	DecisionRejected Decision = "rejected"
)

// Review is the last reviewer's decision on an announcement: who, when,
// and the note (an approval) or the reason (a rejection) its authors read.
type Review struct {
	Decision Decision  `json:"decision"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Note     string    `json:"note,omitempty"`
}
