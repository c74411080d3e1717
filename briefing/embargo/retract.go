package embargo

import (
	"context"
	"errors"
	"fmt"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// retract makes one attempt at a retraction delivery: the channel's
// platform takes down the post d.PostID (or, for a webhook, is told of the
// withdrawal), with the same retries as a post.
func (s *Scheduler) retract(d *briefing.Delivery, a *briefing.Announcement) (store.Attempt, bool) {
	fail := func(err error) (store.Attempt, bool) {
		return classify(err, d.Attempts, s.opts.RetryDelay), true
	}
	if a.State != briefing.StateWithdrawn || a.WithdrawnAt == nil {
		return store.Attempt{Err: fmt.Errorf("the announcement is %s, not withdrawn: nothing to retract", a.State), GiveUp: true}, true
	}
	c, err := s.st.Channel(d.ChannelID)
	if err != nil {
		return fail(fmt.Errorf("loading the channel: %w", err))
	}
	sender, err := channel.New(*c, s.channelEnv())
	if err != nil {
		return fail(err)
	}
	r, ok := sender.(channel.Retracter)
	if !ok {
		return store.Attempt{Err: errors.New(string(c.Kind) + " cannot take a post down: remove it by hand"), GiveUp: true}, true
	}
	ctx, cancel := context.WithTimeout(s.sendCtx, channel.AttemptBudget(c.Kind))
	defer cancel()
	err = r.Retract(ctx, channel.Message{
		DeliveryID: d.ID, ReceiverID: d.ReceiverID, AnnouncementID: a.ID, Title: a.Title, Reason: d.Reason, WithdrawnAt: *a.WithdrawnAt,
		URL: s.opts.BaseURL + "/news/" + a.Slug,
	}, d.PostID)
	if err != nil && s.sendCtx.Err() != nil {
		return store.Attempt{}, false
	}
	at := classify(err, d.Attempts, s.opts.RetryDelay)
	at.PostID, at.PostURL = d.PostID, d.PostURL
	return at, true
}
