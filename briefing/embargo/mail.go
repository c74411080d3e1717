package embargo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
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
	n, err := s.notice(j)
	if err != nil {
		if errors.Is(err, errNothingToSay) || errors.Is(err, briefing.ErrNotFound) {
			s.log.Debug("mail job dropped", "job", j.ID, "kind", j.Kind, "reason", err)
			s.advance(j.ID, "", true)
			return 0
		}
		s.log.Error("preparing a mail job failed", "job", j.ID, "err", err)
		return 0
	}
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
		links, err := s.personalLinks(j, rs)
		if err != nil {
			s.log.Error("making the personal links failed", "job", j.ID, "err", err)
			return s.opts.MailBackoff(j.Attempts + 1)
		}
		var mails []channel.Mail
		var owner []int // owner[k] is the index in rs of mails[k]
		for i, r := range rs {
			if r.Email != "" {
				mails = append(mails, n.mailTo(j.ID, r, links[r.UserID]))
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

// notice is what one job tells every recipient; only the greeting and
// the Message-ID differ from person to person.
type notice struct {
	subject, text string
}

// notice loads what a job is about and writes its mail.
func (s *Scheduler) notice(j store.MailJob) (notice, error) {
	if j.Kind == store.MailInvite || j.Kind == store.MailReset {
		return composeAccount(j.Kind)
	}
	if j.Kind == store.MailChannelDisconnected {
		return s.channelNotice(j)
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
		return composeQuestions(j.Kind, a, qs, s.opts.BaseURL)
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
		return s.composeTask(j.Kind, a, d)
	}
	if j.Kind == store.MailCheckFailed {
		return s.composeCheckFailed(a, j.ChannelID)
	}
	return compose(j.Kind, a, d, s.opts.BaseURL)
}

// compose writes the subject and body of a notification.
func compose(kind store.MailKind, a *briefing.Announcement, d *briefing.Delivery, baseURL string) (notice, error) {
	var n notice
	var b strings.Builder
	switch kind {
	case store.MailBriefing:
		n.subject = "New briefing: " + a.Title + " — please read and acknowledge"
		fmt.Fprintf(&b, "A new briefing is addressed to you: %s\n\n", a.Title)
		if a.Summary != "" {
			fmt.Fprintf(&b, "%s\n\n", a.Summary)
		}
		fmt.Fprintf(&b, "Please read it and acknowledge it:\n%s\n", linkMarker)
		b.WriteString("(The link is yours alone and works for 14 days.)\n")
		if !a.Internal() {
			b.WriteString("\nIt goes public once enough colleagues have acknowledged it: you hear it from us first.\n")
		}
	case store.MailReleased:
		n.subject = "Now public: " + a.Title
		fmt.Fprintf(&b, "%s is now public. You were briefed on it; this is what customers and the press see:\n%s/news/%s\n",
			a.Title, baseURL, a.Slug)
		if tp := strings.TrimSpace(a.TalkingPoints); tp != "" {
			fmt.Fprintf(&b, "\nWhat to tell customers:\n\n%s\n", tp)
		}
	case store.MailReminder:
		n.subject = "Reminder: please acknowledge " + a.Title
		fmt.Fprintf(&b, "You have not yet acknowledged the briefing %s.\n\nPlease read it and acknowledge it:\n%s\n",
			a.Title, linkMarker)
	case store.MailReview:
		n.subject = "To review: " + a.Title
		fmt.Fprintf(&b, "%s has been submitted for review. It is published only once a reviewer approves it.\n\nRead it and approve it or send it back:\n%s/reviews/%s\n",
			a.Title, baseURL, a.ID)
	case store.MailRevised:
		n.subject = "Changed: " + a.Title + " — please acknowledge again"
		fmt.Fprintf(&b, "The briefing %s has changed in a way that matters", a.Title)
		if len(a.Changes) > 0 {
			fmt.Fprintf(&b, ": %s", a.Changes[len(a.Changes)-1].Note)
		}
		fmt.Fprintf(&b, "\n\nPlease read what changed and acknowledge it again:\n%s/briefings/%s\n", baseURL, a.ID)
	case store.MailDeliveryFailed:
		if d == nil {
			return n, errors.New("a delivery failure without its delivery")
		}
		n.subject = "Delivery failed: " + a.Title + " on " + d.ChannelName
		fmt.Fprintf(&b, "%s could not be delivered to the channel %s (%s) after %d attempt(s).\n\nThe last error: %s\n\n",
			a.Title, d.ChannelName, d.Kind, d.Attempts, d.LastError)
		fmt.Fprintf(&b, "The deliveries of the announcement, and a way to retry:\n%s/announcements/%s\n", baseURL, a.ID)
	case store.MailDeliveryUnconfirmed:
		if d == nil {
			return n, errors.New("an unconfirmed delivery without its delivery")
		}
		n.subject = "Check the account: " + a.Title + " on " + d.ChannelName
		fmt.Fprintf(&b, "%s went out to %s (%s), but no answer came back: it may or may not be posted, and Firsthand does not send it again by itself.\n\n", a.Title, d.ChannelName, d.Kind)
		b.WriteString("Check the account. Posted? Mark it as posted. Not posted? Send it again:\n")
		fmt.Fprintf(&b, "%s/announcements/%s\n", baseURL, a.ID)
	case store.MailRetractByHand:
		if d == nil {
			return n, errors.New("a retraction without its delivery")
		}
		n.subject = "Withdrawn: remove " + a.Title + " from " + d.ChannelName + " by hand"
		fmt.Fprintf(&b, "%s was withdrawn (%s). It went out on %s (%s), which Firsthand cannot take down by itself: please remove it there by hand.\n\n",
			a.Title, d.Reason, d.ChannelName, d.Kind)
		if d.PostURL != "" {
			fmt.Fprintf(&b, "The post: %s\n\n", d.PostURL)
		}
		fmt.Fprintf(&b, "Then confirm it on the announcement's deliveries:\n%s/announcements/%s\n", baseURL, a.ID)
	default:
		return n, fmt.Errorf("%w: unknown mail kind %q", errNothingToSay, kind)
	}
	n.text = b.String()
	return n, nil
}

// mailTo addresses the notice to one person, with their personal link
// where the notice has one. The Message-ID is the same on every resend to
// that person, so that a duplicate after a crash is recognisable as one.
func (n notice) mailTo(jobID string, r store.MailRecipient, link string) channel.Mail {
	greeting := "Hello,\n\n"
	if r.Name != "" {
		greeting = "Hello " + r.Name + ",\n\n"
	}
	return channel.Mail{
		To:        []string{r.Email},
		Subject:   n.subject,
		Text:      greeting + strings.ReplaceAll(n.text, linkMarker, link) + "\n— Firsthand\n",
		MessageID: fmt.Sprintf("<job-%s-%s@firsthand>", jobID, r.UserID),
	}
}
