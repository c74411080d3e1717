package embargo

import (
	"context"
	"fmt"
	"strings"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// composeTask writes a manual channel's task mail: the ready text, the
// link, the instructions, and where to confirm the post.
func (s *Scheduler) composeTask(kind store.MailKind, a *briefing.Announcement, d *briefing.Delivery) (notice, error) {
	if d == nil {
		return notice{}, fmt.Errorf("%w: a task without its delivery", errNothingToSay)
	}
	c, err := s.st.Channel(d.ChannelID)
	if err != nil {
		return notice{}, err
	}
	cfg, err := channel.ManualSettings(c.Config)
	if err != nil {
		return notice{}, err
	}
	var n notice
	var b strings.Builder
	n.subject = "Please post on " + cfg.Platform + ": " + a.Title
	if kind == store.MailManualReminder {
		n.subject = "Reminder: still to post on " + cfg.Platform + ": " + a.Title
		fmt.Fprintf(&b, "%s has been public for a while and is not posted on %s yet.\n\n", a.Title, cfg.Platform)
	}
	fmt.Fprintf(&b, "%s is now public. Please post it on %s; %s has no posting API, so this one is done by hand.\n\n", a.Title, cfg.Platform, cfg.Platform)
	if cfg.Instructions != "" {
		fmt.Fprintf(&b, "Instructions: %s\n\n", cfg.Instructions)
	}
	fmt.Fprintf(&b, "The text:\n\n%s\n\n%s/news/%s\n\n", strings.TrimSpace(a.ChannelTextFor(c.ID)), s.opts.BaseURL, a.Slug)
	fmt.Fprintf(&b, "Once it is up, mark it as posted (with the post's address):\n%s/tasks/%s\n", s.opts.BaseURL, d.ID)
	n.text = b.String()
	return n, nil
}

// composeCheckFailed tells the authors and managers that a channel's
// preflight failed, with what it said.
func (s *Scheduler) composeCheckFailed(a *briefing.Announcement, channelID string) (notice, error) {
	checks, err := s.st.Checks(a.ID)
	if err != nil {
		return notice{}, err
	}
	for _, c := range checks {
		if c.ChannelID != channelID || c.OK {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "The check of the channel %s (%s) for %s failed: %s\n\n", c.Name, c.Kind, a.Title, c.Message)
		b.WriteString("It does not hold the release. An admin can fix the channel on the channels page; the dashboard shows the checks:\n")
		fmt.Fprintf(&b, "%s/announcements/%s\n", s.opts.BaseURL, a.ID)
		return notice{subject: "Channel check failed: " + c.Name + " for " + a.Title, text: b.String()}, nil
	}
	return notice{}, fmt.Errorf("%w: the channel's check passed since", errNothingToSay)
}

// checkChannels runs the preflight of every channel of each announcement
// that is due for one (briefing.ChecksDue: after publish, and ten minutes
// before not_before) and records the results.
func (s *Scheduler) checkChannels(ctx context.Context) {
	list, _, err := s.st.Announcements(store.AnnouncementFilter{State: briefing.StateBriefing, Limit: 10000})
	if err != nil {
		s.log.Error("listing announcements for their checks failed", "err", err)
		return
	}
	now := s.st.Now()
	for _, a := range list {
		last, err := s.st.LastCheck(a.ID)
		if err != nil || !briefing.ChecksDue(a, last, now) {
			continue
		}
		if err := CheckAnnouncement(ctx, s.st, s.channelEnv(), a, "scheduler"); err != nil {
			s.log.Error("checking channels failed", "announcement", a.ID, "err", err)
			continue
		}
		signal(s.wakeMail)
	}
}

// CheckAnnouncement runs the preflight of every channel of a and records
// it (the scheduler, and the dashboard's Check button).
func CheckAnnouncement(ctx context.Context, st *store.Store, env channel.Env, a *briefing.Announcement, actor string) error {
	var out []briefing.ChannelCheck
	for _, ct := range a.Channels {
		c, err := st.Channel(ct.ChannelID)
		if err != nil {
			return err
		}
		r := channel.Check(ctx, *c, env)
		out = append(out, briefing.ChannelCheck{ChannelID: c.ID, Name: c.Name, Kind: c.Kind, OK: r.OK, CheckedAt: st.Now(), Message: r.Message})
	}
	return st.RecordChecks(a.ID, actor, out)
}

// remindManual reminds the assignees of manual deliveries still awaiting
// them after briefing.ManualReminderAfter, once.
func (s *Scheduler) remindManual() {
	n, err := s.st.RemindAwaiting()
	if err != nil {
		s.log.Error("reminding assignees failed", "err", err)
		return
	}
	if n > 0 {
		signal(s.wakeMail)
	}
}
