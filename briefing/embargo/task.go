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
func (s *Scheduler) composeTask(b *body, kind store.MailKind, a *briefing.Announcement, d *briefing.Delivery) (notice, error) {
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
	return taskNotice(b, kind, a, d, c.ID, cfg, s.opts.BaseURL), nil
}

// taskNotice is the task mail to post a on the manual channel channelID.
func taskNotice(b *body, kind store.MailKind, a *briefing.Announcement, d *briefing.Delivery, channelID string, cfg *channel.ManualConfig, baseURL string) notice {
	subject := b.T("mail.task_subject", "Platform", cfg.Platform, "Title", a.Title)
	said := b.T("mail.task_body", "Title", a.Title)
	if kind == store.MailManualReminder {
		subject = b.T("mail.task_reminder_subject", "Platform", cfg.Platform, "Title", a.Title)
		said = b.T("mail.task_reminder_body", "Title", a.Title, "Platform", cfg.Platform)
		if a.ReleasedAt != nil {
			said = b.T("mail.task_reminder_body_at", "Title", a.Title, "Time", b.at(*a.ReleasedAt), "Platform", cfg.Platform)
		}
	}
	b.para(said + " " + b.T("mail.task_how", "Platform", cfg.Platform))
	if cfg.Instructions != "" {
		b.para(b.T("mail.task_instructions", "Text", cfg.Instructions))
	}
	b.para(b.T("mail.task_text"))
	b.para(strings.TrimSpace(a.ChannelTextFor(channelID)))
	b.para(baseURL + "/news/" + a.Slug)
	b.para(b.T("mail.task_ask"), baseURL+"/tasks/"+d.ID)
	return b.notice(subject)
}

// composeCheckFailed tells the authors and managers that a channel's
// preflight failed, with what it said.
func (s *Scheduler) composeCheckFailed(b *body, a *briefing.Announcement, channelID string) (notice, error) {
	checks, err := s.st.Checks(a.ID)
	if err != nil {
		return notice{}, err
	}
	for _, c := range checks {
		if c.ChannelID == channelID && !c.OK {
			return checkFailedNotice(b, a, c, s.opts.BaseURL), nil
		}
	}
	return notice{}, fmt.Errorf("%w: the channel's check passed since", errNothingToSay)
}

// checkFailedNotice is the mail about a failed check c of a's channel.
func checkFailedNotice(b *body, a *briefing.Announcement, c briefing.ChannelCheck, baseURL string) notice {
	b.para(b.T("mail.check_failed_body", "Channel", c.Name, "Kind", c.Kind, "Title", a.Title, "Message", c.Message))
	b.para(b.T("mail.check_failed_ask"), baseURL+"/announcements/"+a.ID)
	return b.notice(b.T("mail.check_failed_subject", "Channel", c.Name, "Title", a.Title))
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
