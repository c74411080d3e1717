package briefing

// ReasonEmbargo is the release reason when the embargo passing opened a
// gate whose thresholds were met before: the acknowledgements did not
// release it, the clock did.
const ReasonEmbargo = "embargo"

// ByClock gives the true reason of a release that the clock found (the
// sweep, the one-time job at the embargo) rather than an acknowledgement:
// thresholds met with an embargo set means they were met earlier and the
// embargo held it until now. An acknowledgement that crosses the threshold
// releases in its own transaction, so it never reaches the clock.
func (d ReleaseDecision) ByClock(a *Announcement) ReleaseDecision {
	if d.Release && d.Reason == "threshold" && a.Policy.NotBefore != nil {
		d.Reason = ReasonEmbargo
	}
	return d
}
