package briefing

import "bytes"

// Ending says which of a person's credentials a change to them ends, and
// whether they leave the briefings they were addressed.
type Ending struct {
	// Tokens: every API token of the person is revoked.
	Tokens bool
	// Sessions: the person's browser sessions end; with KeepCurrent, all
	// but the one the change was made in (a person who changes their own
	// password stays signed in where they did it).
	Sessions, KeepCurrent bool
	// Departs: the person leaves the denominator of every announcement
	// still in briefing (they were deactivated).
	Departs bool
}

// Any reports whether the change ends anything.
func (e Ending) Any() bool { return e.Tokens || e.Sessions || e.Departs }

// EndingOf applies the leaving rule to a change from before to after.
// Deactivation ends every token and session for good: they are deleted, so
// a reactivation starts with none. A new password ends the person's other
// sessions, because whoever knew the old one may be signed in with it;
// tokens are not tied to the password and stay.
func EndingOf(before, after *User) Ending {
	if before.Active && !after.Active {
		return Ending{Tokens: true, Sessions: true, Departs: true}
	}
	if after.Active && len(after.PasswordHash) > 0 && !bytes.Equal(before.PasswordHash, after.PasswordHash) {
		return Ending{Sessions: true, KeepCurrent: true}
	}
	return Ending{}
}

// LeavesOnDeparture reports whether a recipient deactivated now leaves a's
// recipient list: only while it is in briefing, where the gate still
// counts. A released or withdrawn announcement keeps the figures it had as
// its history.
func LeavesOnDeparture(a *Announcement) bool { return a.State == StateBriefing }

// Depart takes one departing recipient out of c: out of the denominator,
// and out of the read and acknowledged counts if they had read or
// acknowledged, so every ratio is of those who stayed. An acknowledgement
// of someone who left says nothing about whether the staff who remain are
// ready, so it stops counting with them.
func (c Counts) Depart(read, acked bool) Counts {
	c.Recipients--
	c.Departed++
	if read {
		c.Read--
	}
	if acked {
		c.Acknowledged--
	}
	return c
}
