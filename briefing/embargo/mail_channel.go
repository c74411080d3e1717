package embargo

import (
	"fmt"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// channelNotice tells the admins that a channel lost its account: its
// refresh was refused, so nothing goes out on it until one of them
// connects it again. A channel connected again meanwhile needs no mail.
func (s *Scheduler) channelNotice(b *body, j store.MailJob) (notice, error) {
	ch, err := s.st.Channel(j.ChannelID)
	if err != nil {
		return notice{}, err
	}
	if channel.Connected(*ch) {
		return notice{}, fmt.Errorf("%w: %s is connected again", errNothingToSay, ch.Name)
	}
	return disconnectedNotice(b, ch, s.opts.BaseURL), nil
}

// disconnectedNotice is the mail about a channel that lost its account.
func disconnectedNotice(b *body, ch *briefing.Channel, baseURL string) notice {
	b.para(b.T("mail.disconnected_body", "Channel", ch.Name, "Kind", ch.Kind, "Reason", briefing.TokensOf(ch.Config).Failed))
	b.para(b.T("mail.disconnected_ask"), baseURL+"/admin/channels#ch-"+ch.ID)
	return b.notice(b.T("mail.disconnected_subject", "Channel", ch.Name))
}
