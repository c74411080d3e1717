package embargo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/i18n"
	"firsthand/store"
)

// A notice is written once per language and then addressed to each
// reader: the parts that differ from person to person stand in its text as
// markers, which cannot occur in text a person wrote.
const (
	linkMarker = "\x00link\x00" // the recipient's personal link
	nameMarker = "\x00name\x00" // the recipient's name, in the greeting
)

// timeMarker stands for the i-th instant of a notice, which mailTo writes
// in the recipient's zone.
func timeMarker(i int) string { return "\x00time" + strconv.Itoa(i) + "\x00" }

// notice is what one job tells every recipient who reads its language;
// only the greeting, the personal link, the times (each reader's zone) and
// the Message-ID differ from person to person.
type notice struct {
	subject, text string
	times         []time.Time // text holds timeMarker(i) for times[i]
	// greeting is "Hello," and greetingName "Hello <nameMarker>,", in
	// the notice's language, as is signoff.
	greeting, greetingName, signoff string
}

// body writes a notice in one language: paragraphs of lines, each line a
// message of the catalogue, a link, or text a person wrote. It is the only
// way compose functions reach the locale, so a time can only go in as a
// marker (at): the text is shared by readers in many zones.
type body struct {
	l     *i18n.Locale
	now   time.Time
	paras []string
	times []time.Time
}

func newBody(l *i18n.Locale, now time.Time) *body { return &body{l: l, now: now} }

// T is the message id in the notice's language.
func (b *body) T(id string, pairs ...any) string { return b.l.T(id, pairs...) }

// para adds a paragraph.
func (b *body) para(lines ...string) { b.paras = append(b.paras, strings.Join(lines, "\n")) }

// at stands in the text for an instant, written in each reader's zone.
func (b *body) at(t time.Time) string {
	b.times = append(b.times, t)
	return timeMarker(len(b.times) - 1)
}

// ahead reports whether t is set and still to come: a deadline or an
// embargo that has passed is not worth telling.
func (b *body) ahead(t *time.Time) bool { return t != nil && t.After(b.now) }

// notice is what was written, under the subject.
func (b *body) notice(subject string) notice {
	return notice{
		subject: subject, text: strings.Join(b.paras, "\n\n") + "\n", times: b.times,
		greeting: b.T("mail.greeting"), greetingName: b.T("mail.greeting_name", "Name", nameMarker),
		signoff: b.T("mail.signoff"),
	}
}

// mailTo addresses the notice to one person, in l (their language, which
// is the notice's, and their zone), with their personal link where the
// notice has one. The Message-ID is the same on every resend to that
// person, so that a duplicate after a crash is recognisable as one.
func (n notice) mailTo(jobID string, r store.MailRecipient, link string, l *i18n.Locale) channel.Mail {
	greeting := n.greeting
	if r.Name != "" {
		greeting = strings.Replace(n.greetingName, nameMarker, r.Name, 1)
	}
	text := strings.ReplaceAll(n.text, linkMarker, link)
	for i, t := range n.times {
		text = strings.ReplaceAll(text, timeMarker(i), l.Time(t))
	}
	return channel.Mail{
		To:        []string{r.Email},
		Subject:   n.subject,
		Text:      greeting + "\n\n" + text + "\n" + n.signoff + "\n",
		MessageID: fmt.Sprintf("<job-%s-%s@firsthand>", jobID, r.UserID),
		Language:  l.Lang,
	}
}

// letters writes one job's mails. Each recipient reads their own language
// and zone, else the organisation's; the notice is composed once per
// language (there are two), when the first reader of it comes up.
type letters struct {
	s       *Scheduler
	job     store.MailJob
	org     briefing.Settings
	notices map[string]notice
	locales map[[2]string]*i18n.Locale // by language and the person's own zone
}

func newLetters(s *Scheduler, j store.MailJob, org briefing.Settings) *letters {
	return &letters{s: s, job: j, org: org, notices: map[string]notice{}, locales: map[[2]string]*i18n.Locale{}}
}

// locale is how r is spoken to. Locales are shared by everyone with the
// same language and zone, so a zone is loaded once per job, not per mail.
func (w *letters) locale(r store.MailRecipient) *i18n.Locale {
	lang := w.s.cat.Choose(r.Language, "", w.org.Language) // a mail has no Accept-Language
	key := [2]string{lang, r.TimeZone}
	l, ok := w.locales[key]
	if !ok {
		l = w.s.cat.Locale(lang, i18n.Zone(r.TimeZone, w.org.TimeZone))
		w.locales[key] = l
	}
	return l
}

// notice is the job's notice in lang, written on first use.
func (w *letters) notice(lang string) (notice, error) {
	if n, ok := w.notices[lang]; ok {
		return n, nil
	}
	// Written in UTC: the zones are the readers', filled in by mailTo.
	n, err := w.s.notice(w.job, newBody(w.s.cat.Locale(lang, time.UTC), w.s.st.Now()))
	if err != nil {
		return notice{}, err
	}
	w.notices[lang] = n
	return n, nil
}
