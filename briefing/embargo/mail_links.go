package embargo

import (
	"errors"
	"fmt"
	"strings"

	"firsthand/briefing"
	"firsthand/store"
)

// linkMarker stands in a notice's text for the recipient's personal link,
// which mailTo puts in. It cannot occur in text a person wrote.
const linkMarker = "\x00link\x00"

// linkKinds says which notices carry a personal link, and of which kind:
// every mail that asks a person to read a briefing, and the account mails.
var linkKinds = map[store.MailKind]briefing.LinkKind{
	store.MailBriefing: briefing.LinkBriefing,
	store.MailReminder: briefing.LinkBriefing,
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

// composeAccount writes the invitation and the password reset.
func composeAccount(kind store.MailKind) (notice, error) {
	var n notice
	var b strings.Builder
	switch kind {
	case store.MailInvite:
		n.subject = "You are invited to Firsthand: set your password"
		b.WriteString("You have an account on Firsthand, where news that concerns you arrives before it is public.\n\n")
		fmt.Fprintf(&b, "Set your password here (the link works once, for 7 days):\n%s\n", linkMarker)
	case store.MailReset:
		n.subject = "Set a new password for Firsthand"
		b.WriteString("Someone asked for a new password for your Firsthand account.\n\n")
		fmt.Fprintf(&b, "Set a new password here (the link works once, for 1 hour):\n%s\n\n", linkMarker)
		b.WriteString("If it was not you, ignore this mail: your password stays as it is.\n")
	default:
		return n, errors.New("not an account mail")
	}
	n.text = b.String()
	return n, nil
}
