package embargo

import (
	"fmt"
	"strings"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// channelNotice tells the admins that a channel lost its account: its
// refresh was refused, so nothing goes out on it until one of them
// connects it again. A channel connected again meanwhile needs no mail.
func (s *Scheduler) channelNotice(j store.MailJob) (notice, error) {
	ch, err := s.st.Channel(j.ChannelID)
	if err != nil {
		return notice{}, err
	}
	t := briefing.TokensOf(ch.Config)
	if channel.Connected(*ch) {
		return notice{}, fmt.Errorf("%w: %s is connected again", errNothingToSay, ch.Name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The channel %s (%s) is no longer connected to its account: %s.\n\n", ch.Name, ch.Kind, t.Failed)
	b.WriteString("Nothing is posted on it until an admin connects the account again (\"Connect account\"):\n")
	fmt.Fprintf(&b, "%s/admin/channels#ch-%s\n", s.opts.BaseURL, ch.ID)
	return notice{subject: "Not connected: " + ch.Name + " needs its account connected again", text: b.String()}, nil
}
