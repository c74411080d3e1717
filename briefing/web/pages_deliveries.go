package web

import (
	"strings"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

// deliveryRow is a delivery on the dashboard with what to do next.
type deliveryRow struct {
	*briefing.Delivery
	Next      string // what happens next, or what a person should do
	CanRetry  bool
	CanMark   bool // "Mark as posted"
	NotPosted bool // the retry states "not posted" (unconfirmed)
}

// deliveryRows says for each delivery what to do next. channels gives a
// delivery's channel (its assignees, whether it is disabled).
func deliveryRows(a *briefing.Announcement, ds []*briefing.Delivery, channels map[string]*briefing.Channel, now time.Time, when func(time.Time) string) []deliveryRow {
	out := make([]deliveryRow, 0, len(ds))
	for _, d := range ds {
		r := deliveryRow{Delivery: d}
		ch := channels[d.ChannelID]
		switch d.State {
		case briefing.DeliveryPending:
			switch {
			case ch != nil && ch.Disabled:
				r.Next = "The channel is disabled: an admin must enable it again on the channels page."
			case d.NextAttemptAt.After(now):
				r.Next = "Tried again at " + when(d.NextAttemptAt) + "."
			default:
				r.Next = "Being sent now."
			}
		case briefing.DeliveryFailed:
			r.Next = "Given up after the attempts. Fix the cause, then send again."
			if ch != nil && ch.Disabled {
				r.Next = "The channel is disabled: an admin must enable it again, then send again."
			}
		case briefing.DeliveryUnconfirmed:
			r.Next = "No answer came back: check the account. Posted? Mark as posted. Not posted? Send again."
			r.NotPosted = true
		case briefing.DeliveryAwaiting:
			who := "its assignees"
			if ch != nil {
				if cfg, err := channel.ManualSettings(ch.Config); err == nil && len(cfg.Assignees) > 0 {
					who = strings.Join(cfg.Assignees, ", ")
				}
			}
			r.Next = "Still to post by hand: " + who + "."
		case briefing.DeliverySent:
			if d.Kind == briefing.KindNewsroom {
				r.Next = "On the newsroom and in the feed."
			}
		}
		// The buttons follow the rule the store applies.
		r.CanRetry = briefing.CanRetry(a, d, true) == nil
		r.CanMark = briefing.CanConfirm(d) == nil
		out = append(out, r)
	}
	return out
}
