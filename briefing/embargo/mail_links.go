package embargo

import (
	"errors"
	"time"

	"firsthand/briefing"
	"firsthand/store"
)

// linkKinds says which notices carry a personal link, and of which kind:
// every mail that asks a person to read a briefing, and the account mails.
var linkKinds = map[store.MailKind]briefing.LinkKind{
	store.MailBriefing: briefing.LinkBriefing,
	store.MailReminder: briefing.LinkBriefing,
	store.MailRevised:  briefing.LinkBriefing,
	store.MailAnswer:   briefing.LinkBriefing,
	store.MailInvite:   briefing.LinkWelcome,
	store.MailReset:    briefing.LinkReset,
}

// linkPaths are where each kind of link leads.
var linkPaths = map[briefing.LinkKind]string{
	briefing.LinkBriefing: "/b/",
	briefing.LinkWelcome:  "/welcome/",
	briefing.LinkReset:    "/reset/",
}

// personalLinks makes the links of one chunk of a job, in one write, just
// before the chunk is sent: the token exists in clear only in the mail. A
// chunk resent after a crash gets new links; for a single-use kind the
// newest voids the older, so the mail that arrived last is the one that
// works.
func (s *Scheduler) personalLinks(j store.MailJob, rs []store.MailRecipient) (map[string]string, error) {
	kind, ok := linkKinds[j.Kind]
	if !ok {
		return nil, nil
	}
	ids := make([]string, 0, len(rs))
	for _, r := range rs {
		if r.Email != "" {
			ids = append(ids, r.UserID)
		}
	}
	tokens, err := s.st.IssueLinks(kind, j.AnnouncementID, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(tokens))
	for uid, token := range tokens {
		out[uid] = s.opts.BaseURL + linkPaths[kind] + token
	}
	return out, nil
}

// How long the account links work, as the mails tell it.
const (
	welcomeLinkDays = int(briefing.WelcomeLinkTTL / (24 * time.Hour))
	resetLinkHours  = int(briefing.ResetLinkTTL / time.Hour)
)

// composeAccount writes the invitation and the password reset.
func composeAccount(b *body, kind store.MailKind) (notice, error) {
	switch kind {
	case store.MailInvite:
		b.para(b.T("mail.invite_body"))
		b.para(b.T("mail.invite_ask", "Count", welcomeLinkDays), linkMarker)
		return b.notice(b.T("mail.invite_subject")), nil
	case store.MailReset:
		b.para(b.T("mail.reset_body"))
		b.para(b.T("mail.reset_ask", "Count", resetLinkHours), linkMarker)
		b.para(b.T("mail.reset_not_you"))
		return b.notice(b.T("mail.reset_subject")), nil
	}
	return notice{}, errors.New("not an account mail")
}
