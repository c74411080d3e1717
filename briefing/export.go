package briefing

import "time"

// PersonalData is everything Firsthand stores about one person (GDPR
// Art. 15): what GET /api/v1/me/export answers. Secrets are never part of
// it: no password hash, no token or session hash.
type PersonalData struct {
	ExportedAt time.Time          `json:"exported_at"`
	Profile    User               `json:"profile"`
	Receipts   []PersonalReceipt  `json:"receipts"`
	Questions  []PersonalQuestion `json:"questions"`
	Sessions   []PersonalSession  `json:"sessions"`
	// Audit is every event where the person is the actor or the target,
	// newest first.
	Audit []Event `json:"audit"`
}

// PersonalReceipt is the person's receipt of one announcement.
type PersonalReceipt struct {
	AnnouncementID string        `json:"announcement_id"`
	Title          string        `json:"title"`
	Status         ReceiptStatus `json:"status"`
	ReadAt         *time.Time    `json:"read_at"`
	AcknowledgedAt *time.Time    `json:"acknowledged_at"`
	// TimesErased: retention erased when; whether is kept.
	TimesErased bool `json:"times_erased,omitempty"`
}

// PersonalQuestion is a question the person asked, with its answer.
type PersonalQuestion struct {
	ID             string     `json:"id"`
	AnnouncementID string     `json:"announcement_id"`
	Text           string     `json:"text"`
	AskedAt        time.Time  `json:"asked_at"`
	Answer         string     `json:"answer"`
	AnsweredAt     *time.Time `json:"answered_at"`
}

// PersonalSession is one active browser sign-in, without its secret.
type PersonalSession struct {
	CreatedAt *time.Time `json:"created_at"` // unknown for sessions older than the export
	ExpiresAt time.Time  `json:"expires_at"`
}
