package briefing

import "time"

// ChannelCheck is the outcome of one channel's preflight for an
// announcement, as readiness shows it. A failed check does not hold the
// gate: it tells people in time.
type ChannelCheck struct {
	ChannelID string      `json:"channel_id"`
	Name      string      `json:"name"`
	Kind      ChannelKind `json:"kind"`
	OK        bool        `json:"ok"`
	CheckedAt time.Time   `json:"checked_at"`
	Message   string      `json:"message"`
}

// CheckLead is how long before not_before the scheduler checks the
// channels again: time enough to fix one.
const CheckLead = 10 * time.Minute

// ChecksDue says whether an announcement's channels are to be checked now:
// once after publish (never checked yet), and again from CheckLead before
// not_before if the last check was earlier than that.
func ChecksDue(a *Announcement, lastCheck time.Time, now time.Time) bool {
	if a.State != StateBriefing || a.Internal() {
		return false
	}
	if lastCheck.IsZero() {
		return true
	}
	if nb := a.Policy.NotBefore; nb != nil {
		lead := nb.Add(-CheckLead)
		return !now.Before(lead) && now.Before(*nb) && lastCheck.Before(lead)
	}
	return false
}
