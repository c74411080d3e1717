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
func composeQuestions(b *body, kind store.MailKind, a *briefing.Announcement, qs []*briefing.Question, baseURL string) (notice, error) {
	switch kind {
	case store.MailQuestion:
		b.para(b.T("mail.question_intro", "Title", a.Title, "Count", len(qs)))
		for _, q := range qs {
			b.para(b.T("mail.question_asked", "Name", q.AskerName), quote(q.Text))
		}
		b.para(b.T("mail.question_ask"), baseURL+"/announcements/"+a.ID+"#questions")
		return b.notice(b.T("mail.question_subject", "Title", a.Title, "Count", len(qs))), nil
	case store.MailAnswer:
		q := qs[0]
		b.para(b.T("mail.answer_intro", "Title", a.Title), quote(q.Text))
		b.para(b.T("mail.answer_heading"), quote(q.Answer))
		b.para(b.T("mail.answer_ask"), linkMarker)
		return b.notice(b.T("mail.answer_subject", "Title", a.Title)), nil
	}
	return notice{}, fmt.Errorf("%w: %q is not about questions", errNothingToSay, kind)
}

// quote indents a person's text as a mail quote.
func quote(s string) string {
	return "> " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n> ")
}
