package embargo

import (
	"fmt"
	"slices"
	"strings"

	"firsthand/briefing"
	"firsthand/store"
)

// questionsOf loads the questions a job is about, in the order asked.
func (s *Scheduler) questionsOf(j store.MailJob) ([]*briefing.Question, error) {
	all, err := s.st.Questions(j.AnnouncementID)
	if err != nil {
		return nil, err
	}
	var out []*briefing.Question
	for _, q := range all {
		if slices.Contains(j.QuestionIDs, q.ID) {
			out = append(out, q)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: its questions are gone", errNothingToSay)
	}
	return out, nil
}

// composeQuestions writes the authors' mail about new questions and the
// asker's mail with the answer.
func composeQuestions(kind store.MailKind, a *briefing.Announcement, qs []*briefing.Question, baseURL string) (notice, error) {
	var n notice
	var b strings.Builder
	switch kind {
	case store.MailQuestion:
		n.subject = "A new question on " + a.Title
		if len(qs) > 1 {
			n.subject = fmt.Sprintf("%d new questions on %s", len(qs), a.Title)
		}
		fmt.Fprintf(&b, "Staff asked about %s:\n\n", a.Title)
		for _, q := range qs {
			fmt.Fprintf(&b, "%s asked:\n%s\n\n", q.AskerName, quote(q.Text))
		}
		fmt.Fprintf(&b, "Answer for everyone on the announcement's page:\n%s/announcements/%s#questions\n", baseURL, a.ID)
	case store.MailAnswer:
		q := qs[0]
		n.subject = "Your question on " + a.Title + " is answered"
		fmt.Fprintf(&b, "You asked about %s:\n%s\n\nThe answer:\n%s\n\n", a.Title, quote(q.Text), quote(q.Answer))
		fmt.Fprintf(&b, "Every recipient sees it with the briefing:\n%s\n", linkMarker)
	default:
		return n, fmt.Errorf("%w: %q is not about questions", errNothingToSay, kind)
	}
	n.text = b.String()
	return n, nil
}

// quote indents a person's text as a mail quote.
func quote(s string) string {
	return "> " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n> ")
}
