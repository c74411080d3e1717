package embargo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/i18n"
	"firsthand/store"
)

// mailChunk is how many recipients are read from the store at once (a
// read transaction stays short), mailed over one SMTP session (relays often
// take about a hundred mails a connection), and recorded as done in one
// write: at most this many are resent after a crash.
const mailChunk = 100

// mailPoll is how often the worker looks for due jobs without being woken:
// deferred jobs fall due without anybody signalling.
const mailPoll = time.Second

// mailBackoff is the wait after the n-th consecutive failure of a job:
// 5 s, doubling, at most 30 minutes.
func mailBackoff(n int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < n && d < 30*time.Minute; i++ {
		d *= 2
	}
	return min(d, 30*time.Minute)
}

// runMail is the mail worker: it works through the due notification jobs
// one after the other, and sleeps until woken, the next poll, or a job it
// deferred falls due, whichever comes first.
func (s *Scheduler) runMail(ctx context.Context) {
	for {
		wait := s.mailDue(ctx)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wakeMail:
		case <-t.C:
		}
		t.Stop()
	}
}

// mailDue runs the due jobs and says how long to sleep.
func (s *Scheduler) mailDue(ctx context.Context) time.Duration {
	wait := mailPoll
	jobs, err := s.st.DueMailJobs()
	if err != nil {
		s.log.Error("reading the mail jobs failed", "err", err)
		return wait
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		if s.opts.Mailer == nil {
			// No SMTP: the web inbox is the only notice, and it needs no job.
			s.log.Debug("no SMTP configured: mail job dropped", "job", j.ID, "kind", j.Kind)
			s.advance(j.ID, "", true)
			continue
		}
		if deferred := s.mailJob(ctx, j); deferred > 0 {
			wait = min(wait, deferred)
		}
	}
	return wait
}

// mailJob sends one job's mails, a chunk of recipients at a time over one
// SMTP session, and records progress after every chunk: a failure or a
// restart resumes with the first person not yet mailed. A crash in the
// middle of a chunk resends at most that chunk, each mail with the
// Message-ID it had (mailTo), so a mail client can tell the duplicate; a
// progress write per mail cost an fsync each and made a company-wide
// briefing crawl (BenchmarkBriefingMail). It returns the delay if it
// deferred the job, else zero.
func (s *Scheduler) mailJob(ctx context.Context, j store.MailJob) (deferred time.Duration) {
	org, err := s.st.Settings()
	if err != nil {
		s.log.Error("reading the settings for a mail job failed", "job", j.ID, "err", err)
		return 0
	}
	w := newLetters(s, j, org)
	for ctx.Err() == nil {
		rs, err := s.st.NextMailRecipients(j.ID, mailChunk)
		if err != nil {
			s.log.Error("reading mail recipients failed", "job", j.ID, "err", err)
			return 0
		}
		if len(rs) == 0 {
			s.advance(j.ID, "", true)
			return 0
		}
		// The chunk's notices are written before its links are made: a job
		// with nothing left to say makes none.
		locales := make([]*i18n.Locale, len(rs))
		for i, r := range rs {
			if r.Email == "" {
				continue
			}
			locales[i] = w.locale(r)
			if _, err := w.notice(locales[i].Lang); err != nil {
				s.unsaid(j, err)
				return 0
			}
		}
		links, err := s.personalLinks(j, rs)
		if err != nil {
			s.log.Error("making the personal links failed", "job", j.ID, "err", err)
			return s.opts.MailBackoff(j.Attempts + 1)
		}
		var mails []channel.Mail
		var owner []int // owner[k] is the index in rs of mails[k]
		for i, r := range rs {
			if l := locales[i]; l != nil {
				mails = append(mails, w.notices[l.Lang].mailTo(j.ID, r, links[r.UserID], l))
				owner = append(owner, i)
			}
		}
		sent, err := s.opts.Mailer.SendAll(s.sendCtx, mails)
		// Everyone before the first mail not sent is done, those without an
		// address included.
		covered := len(rs)
		if sent < len(mails) {
			covered = owner[sent]
		}
		refused := err != nil && sent < len(mails) && errors.Is(err, channel.ErrRefused)
		if refused {
			s.log.Warn("the mail server refused a notification for good; the others go on", "job", j.ID, "kind", j.Kind,
				"user", rs[covered].UserID, "err", err)
			covered++
		}
		done := len(rs) < mailChunk && covered == len(rs) // the last chunk, all of it
		if covered > 0 && !s.advance(j.ID, rs[covered-1].UserID, done) {
			// Without the progress on disk, going on would mail the same
			// people again: wait for the store to take writes again.
			return s.opts.MailBackoff(j.Attempts + 1)
		}
		switch {
		case err == nil || refused:
			if done {
				return 0
			}
		case s.sendCtx.Err() != nil:
			return 0 // cut short by shutdown: the job resumes here after a restart
		case sent > 0:
			// The session took some before it failed (servers limit the
			// mails per connection): go on with a new one at once.
		default:
			delay := s.opts.MailBackoff(j.Attempts + 1)
			s.log.Warn("sending mail failed, will retry", "job", j.ID, "kind", j.Kind,
				"attempts", j.Attempts+1, "retry_in", delay, "err", err)
			if err := s.st.DeferMailJob(j.ID, err, delay); err != nil {
				s.log.Error("deferring a mail job failed", "job", j.ID, "err", err)
			}
			return delay // the next job may fare better
		}
	}
	return 0 // shutdown: the job resumes here after a restart
}

// unsaid deals with a notice that could not be written: a job with nothing
// left to say is dropped, any other failure is tried again at the next
// poll.
func (s *Scheduler) unsaid(j store.MailJob, err error) {
	if errors.Is(err, errNothingToSay) || errors.Is(err, briefing.ErrNotFound) {
		s.log.Debug("mail job dropped", "job", j.ID, "kind", j.Kind, "reason", err)
		s.advance(j.ID, "", true)
		return
	}
	s.log.Error("preparing a mail job failed", "job", j.ID, "err", err)
}

// advance records a job's progress and reports whether it could.
func (s *Scheduler) advance(jobID, userID string, done bool) bool {
	if err := s.st.AdvanceMailJob(jobID, userID, done); err != nil {
		// The mail went out but the cursor did not move: the person may get
		// it twice, with the same Message-ID, which is the best we can do.
		s.log.Error("recording mail progress failed", "job", jobID, "err", err)
		return false
	}
	return true
}

// errNothingToSay drops a job that no longer has anything to tell.
var errNothingToSay = errors.New("nothing to tell")

// notice loads what a job is about and writes its mail into b.
func (s *Scheduler) notice(j store.MailJob, b *body) (notice, error) {
	if j.Kind == store.MailInvite || j.Kind == store.MailReset {
		return composeAccount(b, j.Kind)
	}
	if j.Kind == store.MailChannelDisconnected {
		return s.channelNotice(b, j)
	}
	a, err := s.st.Announcement(j.AnnouncementID)
	if err != nil {
		return notice{}, err
	}
	if a.State == briefing.StateWithdrawn && j.Kind != store.MailDeliveryFailed && j.Kind != store.MailDeliveryUnconfirmed && j.Kind != store.MailRetractByHand {
		// Its link would lead to a page that no longer exists.
		return notice{}, fmt.Errorf("%w: the announcement was withdrawn", errNothingToSay)
	}
	if j.Kind == store.MailQuestion || j.Kind == store.MailAnswer {
		qs, err := s.questionsOf(j)
		if err != nil {
			return notice{}, err
		}
		return composeQuestions(b, j.Kind, a, qs, s.opts.BaseURL)
	}
	var d *briefing.Delivery
	if j.DeliveryID != "" {
		if d, err = s.st.Delivery(j.DeliveryID); err != nil {
			return notice{}, err
		}
		if (j.Kind == store.MailManualTask || j.Kind == store.MailManualReminder) && d.State != briefing.DeliveryAwaiting {
			return notice{}, fmt.Errorf("%w: the post was confirmed", errNothingToSay)
		}
	}
	if j.Kind == store.MailManualTask || j.Kind == store.MailManualReminder {
		return s.composeTask(b, j.Kind, a, d)
	}
	if j.Kind == store.MailCheckFailed {
		return s.composeCheckFailed(b, a, j.ChannelID)
	}
	return compose(b, j.Kind, a, d, s.opts.BaseURL)
}

// briefingLinkDays is how long the personal link in a briefing mail works.
const briefingLinkDays = int(briefing.BriefingLinkTTL / (24 * time.Hour))

// compose writes the subject and body of a notification.
func compose(b *body, kind store.MailKind, a *briefing.Announcement, d *briefing.Delivery, baseURL string) (notice, error) {
	var subject string
	switch kind {
	case store.MailBriefing:
		subject = b.T("mail.briefing_subject", "Title", a.Title)
		b.para(b.T("mail.briefing_intro", "Title", a.Title))
		if a.Summary != "" {
			b.para(a.Summary)
		}
		b.para(append(readAndAcknowledge(b, a), linkMarker, b.T("mail.briefing_link_note", "Count", briefingLinkDays))...)
		if !a.Internal() {
			var lines []string
			if b.ahead(a.Policy.NotBefore) {
				lines = append(lines, b.T("mail.briefing_embargo", "Time", b.at(*a.Policy.NotBefore)))
			}
			b.para(append(lines, b.T("mail.briefing_goes_public"))...)
		}
	case store.MailReleased:
		subject = b.T("mail.released_subject", "Title", a.Title)
		said := b.T("mail.released_body", "Title", a.Title)
		if a.ReleasedAt != nil {
			said = b.T("mail.released_body_at", "Title", a.Title, "Time", b.at(*a.ReleasedAt))
		}
		b.para(said, baseURL+"/news/"+a.Slug)
		if tp := strings.TrimSpace(a.TalkingPoints); tp != "" {
			b.para(b.T("mail.talking_points"))
			b.para(tp)
		}
	case store.MailReminder:
		subject = b.T("mail.reminder_subject", "Title", a.Title)
		b.para(b.T("mail.reminder_body", "Title", a.Title))
		b.para(append(readAndAcknowledge(b, a), linkMarker)...)
	case store.MailReview:
		subject = b.T("mail.review_subject", "Title", a.Title)
		b.para(b.T("mail.review_body", "Title", a.Title))
		b.para(b.T("mail.review_ask"), baseURL+"/reviews/"+a.ID)
	case store.MailRevised:
		subject = b.T("mail.revised_subject", "Title", a.Title)
		if len(a.Changes) > 0 {
			b.para(b.T("mail.revised_body_note", "Title", a.Title, "Note", a.Changes[len(a.Changes)-1].Note))
		} else {
			b.para(b.T("mail.revised_body", "Title", a.Title))
		}
		b.para(b.T("mail.revised_ask"), linkMarker)
	case store.MailDeliveryFailed:
		if d == nil {
			return notice{}, errors.New("a delivery failure without its delivery")
		}
		subject = b.T("mail.delivery_failed_subject", "Title", a.Title, "Channel", d.ChannelName)
		b.para(b.T("mail.delivery_failed_body", "Title", a.Title, "Channel", d.ChannelName, "Kind", d.Kind, "Count", d.Attempts))
		b.para(b.T("mail.last_error", "Error", d.LastError))
		b.para(b.T("mail.delivery_failed_ask"), baseURL+"/announcements/"+a.ID)
	case store.MailDeliveryUnconfirmed:
		if d == nil {
			return notice{}, errors.New("an unconfirmed delivery without its delivery")
		}
		subject = b.T("mail.unconfirmed_subject", "Title", a.Title, "Channel", d.ChannelName)
		b.para(b.T("mail.unconfirmed_body", "Title", a.Title, "Channel", d.ChannelName, "Kind", d.Kind))
		b.para(b.T("mail.unconfirmed_ask"), baseURL+"/announcements/"+a.ID)
	case store.MailRetractByHand:
		if d == nil {
			return notice{}, errors.New("a retraction without its delivery")
		}
		subject = b.T("mail.retract_subject", "Title", a.Title, "Channel", d.ChannelName)
		b.para(b.T("mail.retract_body", "Title", a.Title, "Reason", d.Reason, "Channel", d.ChannelName, "Kind", d.Kind))
		if d.PostURL != "" {
			b.para(b.T("mail.retract_post", "URL", d.PostURL))
		}
		b.para(b.T("mail.retract_ask"), baseURL+"/announcements/"+a.ID)
	default:
		return notice{}, fmt.Errorf("%w: unknown mail kind %q", errNothingToSay, kind)
	}
	return b.notice(subject), nil
}

// readAndAcknowledge asks for the acknowledgement, by the deadline if one
// is still to come; the personal link follows.
func readAndAcknowledge(b *body, a *briefing.Announcement) []string {
	if !b.ahead(a.Policy.Deadline) {
		return []string{b.T("mail.read_and_acknowledge")}
	}
	return []string{b.T("mail.acknowledge_by", "Time", b.at(*a.Policy.Deadline)), b.T("mail.read_here")}
}
