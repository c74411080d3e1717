package briefing

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Change is one revision of a published announcement as recipients see it
// listed: which version it made, when, the author's note, and whether it
// asks everyone to acknowledge again.
type Change struct {
	Version  int       `json:"version"`
	At       time.Time `json:"at"`
	Note     string    `json:"note"`
	Material bool      `json:"material"`
}

// MaxRevisionNote is the longest note a revision may carry.
const MaxRevisionNote = 500

// MaxVersion is the highest version an announcement may reach: receipts
// hold the version they saw in two bytes.
const MaxVersion = 65535

// RevisionNote checks and trims the note of a revision: 1 to 500
// characters, because recipients read it to know what changed.
func RevisionNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if note == "" {
		return "", Invalid("note", "say what changed: recipients read the note")
	}
	if utf8.RuneCountInString(note) > MaxRevisionNote {
		return "", Invalid("note", "the note must be at most %d characters", MaxRevisionNote)
	}
	return note, nil
}

// Revision is what a correction after publish changes: nil keeps a field.
type Revision struct {
	Title    *string
	Summary  *string
	Body     *string
	Channels *[]ChannelText
	Material bool
	Note     string
}

// Apply writes r's fields onto a.
func (r *Revision) Apply(a *Announcement) {
	if r.Title != nil {
		a.Title = *r.Title
	}
	if r.Summary != nil {
		a.Summary = *r.Summary
	}
	if r.Body != nil {
		a.Body = *r.Body
	}
	if r.Channels != nil {
		a.Channels = *r.Channels
	}
}

// CurrentEpoch is the version from which reads and acknowledgements count:
// the last material revision, or 1.
func (a *Announcement) CurrentEpoch() int {
	return max(a.MaterialVersion, 1)
}

// PublicChanges are the corrections made after release, which the
// newsroom shows as "Updated" with their notes. Notes written while the
// item was still briefed to staff only stay internal.
func (a *Announcement) PublicChanges() []Change {
	if a.ReleasedAt == nil {
		return nil
	}
	var out []Change
	for _, c := range a.Changes {
		if c.At.After(*a.ReleasedAt) {
			out = append(out, c)
		}
	}
	return out
}
