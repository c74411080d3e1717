package web

import (
	"strings"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/i18n"
)

// deliveryRow is a delivery on the dashboard with what to do next.
type deliveryRow struct {
	*briefing.Delivery
	StateName string // the state in the reader's language
	Next      string // what happens next, or what a person should do
	CanRetry  bool
	CanMark   bool // "Mark as posted"
	NotPosted bool // the retry states "not posted" (unconfirmed)
}

// deliveryStateIDs are the catalogue's names of the delivery states.
var deliveryStateIDs = map[briefing.DeliveryState]string{
	briefing.DeliveryPending:     "delivery.pending",
	briefing.DeliverySent:        "delivery.sent",
	briefing.DeliveryFailed:      "delivery.failed",
	briefing.DeliveryUnconfirmed: "delivery.unconfirmed",
	briefing.DeliveryAwaiting:    "delivery.awaiting",
}

// deliveryState names a delivery state in the reader's language; a state
// the catalogue does not know is shown as it is stored.
func deliveryState(l *i18n.Locale, st briefing.DeliveryState) string {
	if id, ok := deliveryStateIDs[st]; ok {
		return l.T(id)
	}
	return string(st)
}

// deliveryRows says for each delivery what to do next, in the reader's
// language. channels gives a delivery's channel (its assignees, whether it
// is disabled).
func deliveryRows(a *briefing.Announcement, ds []*briefing.Delivery, channels map[string]*briefing.Channel, now time.Time, l *i18n.Locale) []deliveryRow {
	out := make([]deliveryRow, 0, len(ds))
	for _, d := range ds {
		r := deliveryRow{Delivery: d, StateName: deliveryState(l, d.State)}
		ch := channels[d.ChannelID]
		switch d.State {
		case briefing.DeliveryPending:
			switch {
			case ch != nil && ch.Disabled:
				r.Next = l.T("dash.delivery_disabled")
			case d.NextAttemptAt.After(now):
				r.Next = l.T("dash.delivery_next_attempt", "Time", l.Time(d.NextAttemptAt))
			default:
				r.Next = l.T("dash.delivery_sending")
			}
		case briefing.DeliveryFailed:
			r.Next = l.T("dash.delivery_failed")
			if ch != nil && ch.Disabled {
				r.Next = l.T("dash.delivery_failed_disabled")
			}
		case briefing.DeliveryUnconfirmed:
			r.Next = l.T("dash.delivery_unconfirmed")
			r.NotPosted = true
		case briefing.DeliveryAwaiting:
			who := l.T("dash.delivery_assignees")
			if ch != nil {
				if cfg, err := channel.ManualSettings(ch.Config); err == nil && len(cfg.Assignees) > 0 {
					who = strings.Join(cfg.Assignees, ", ")
				}
			}
			r.Next = l.T("dash.delivery_awaiting", "Who", who)
		case briefing.DeliverySent:
			if d.Kind == briefing.KindNewsroom {
				r.Next = l.T("dash.delivery_newsroom")
			}
		}
		// The buttons follow the rule the store applies.
		r.CanRetry = briefing.CanRetry(a, d, true) == nil
		r.CanMark = briefing.CanConfirm(d) == nil
		out = append(out, r)
	}
	return out
}
