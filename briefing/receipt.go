package briefing

import "time"

// Receipt records one recipient's progress with one announcement. Read is
// not acknowledged, and both are kept apart from delivered.
type Receipt struct {
	AnnouncementID string     `json:"-"`
	UserID         string     `json:"user_id"`
	Email          string     `json:"email"`
	Name           string     `json:"name"`
	Department     string     `json:"department"`
	ReadAt         *time.Time `json:"read_at"`
	// AcknowledgedAt is the acknowledgement that counts now: nil after a
	// material revision until the person acknowledges again.
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
	// Progress is the status as stored; it outlives the times, which
	// retention erases (TimesErased).
	Progress    ReceiptStatus `json:"status"`
	TimesErased bool          `json:"times_erased,omitempty"`
	// AcknowledgedVersion is the version they last acknowledged (0: none).
	AcknowledgedVersion int `json:"acknowledged_version"`
}

// ReceiptStatus filters receipts.
type ReceiptStatus string

// The receipt statuses: pending = not read, read = read but not
// acknowledged, acknowledged.
const (
	StatusPending      ReceiptStatus = "pending"
	StatusRead         ReceiptStatus = "read"
	StatusAcknowledged ReceiptStatus = "acknowledged"
)

// Status says where the receipt stands.
func (r *Receipt) Status() ReceiptStatus {
	if r.Progress != "" {
		return r.Progress
	}
	switch {
	case r.AcknowledgedAt != nil:
		return StatusAcknowledged
	case r.ReadAt != nil:
		return StatusRead
	}
	return StatusPending
}

// Briefing is an announcement as one recipient sees it in their inbox.
type Briefing struct {
	ID             string     `json:"id"`
	Title          string     `json:"title"`
	Summary        string     `json:"summary"`
	HTML           string     `json:"html,omitempty"`
	State          State      `json:"state"`
	Deadline       *time.Time `json:"deadline"`
	PublishedAt    *time.Time `json:"published_at"`
	ReleasedAt     *time.Time `json:"released_at"`
	ReadAt         *time.Time `json:"read_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
	// Public is what staff may say outside (PublicStatusOf); NotBefore is
	// set while it is embargoed: staff may talk about it from then.
	Public            PublicStatus `json:"public"`
	NotBefore         *time.Time   `json:"not_before,omitempty"`
	TalkingPointsHTML string       `json:"talking_points_html"`
	// Acknowledged holds also when retention erased the time (TimesErased).
	Acknowledged bool `json:"acknowledged"`
	TimesErased  bool `json:"times_erased,omitempty"`
	// Version is the current version; AcknowledgedVersion the one the
	// person last acknowledged; Changes the revisions since publish.
	Version             int      `json:"version"`
	AcknowledgedVersion int      `json:"acknowledged_version"`
	Changes             []Change `json:"changes"`
}

// LastMaterialChange is the last revision that asks everyone to
// acknowledge again, or nil.
func (b Briefing) LastMaterialChange() *Change {
	for i := len(b.Changes) - 1; i >= 0; i-- {
		if b.Changes[i].Material {
			return &b.Changes[i]
		}
	}
	return nil
}

// LastChange is the latest revision, or nil.
func (b Briefing) LastChange() *Change {
	if len(b.Changes) == 0 {
		return nil
	}
	return &b.Changes[len(b.Changes)-1]
}

// Activity is when the briefing last asked for its recipients' attention:
// publish, or the last material revision, which puts it back at the top
// of the inbox.
func (b Briefing) Activity() time.Time {
	if c := b.LastMaterialChange(); c != nil {
		return c.At
	}
	if b.PublishedAt == nil {
		return time.Time{}
	}
	return *b.PublishedAt
}

// Question is a recipient's question on a briefing before launch. Questions
// are never deleted: criticism is answered, not censored.
type Question struct {
	ID             string     `json:"id"`
	AnnouncementID string     `json:"-"`
	UserID         string     `json:"-"`
	AskerName      string     `json:"asker,omitempty"`
	Text           string     `json:"text"`
	AskedAt        time.Time  `json:"asked_at"`
	Answer         string     `json:"answer"`
	AnsweredAt     *time.Time `json:"answered_at"`
	AnsweredBy     string     `json:"-"`
}

// MaxQuestion is the longest question or answer.
const MaxQuestion = 4000

// ValidateText checks the text of a question or an answer.
func ValidateText(s string) error {
	if s == "" {
		return Invalid("text", "the text is empty")
	}
	if len(s) > MaxQuestion {
		return Invalid("text", "the text must be at most %d characters", MaxQuestion)
	}
	return nil
}

// Event is one line of the append-only audit log.
type Event struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target"`
	Detail string    `json:"detail"`
}
