package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// The dashboard's forms. Each answers with a redirect back to the
// dashboard and a short note, or re-renders the dashboard with what was
// typed and what to fix next to the field.

func dashboardURL(c *gin.Context, frag string) string {
	return "/announcements/" + c.Param("id") + frag
}

// remindForm queues a reminder to everyone in the person's
// briefing.ReceiptScope who has not acknowledged, as the API does.
func (s *Server) remindForm(c *gin.Context) {
	l := s.locale(c)
	n, scope, err := s.st.Remind(c.Param("id"), currentUser(c), strings.TrimSpace(c.PostForm("department")))
	if errors.Is(err, briefing.ErrRateLimited) {
		redirectFlash(c, dashboardURL(c, "#people"), l.T("dash.remind_not_sent", "Reason", strings.TrimSuffix(l.Error(err), ".")))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	msg := l.T("dash.remind_nobody")
	if n > 0 {
		// Without SMTP nobody is mailed: say so rather than "queued".
		queued, noMail := "dash.remind_queued", "dash.remind_no_mail"
		if !scope.All() {
			queued, noMail = "dash.remind_queued_in", "dash.remind_no_mail_in"
		}
		id := queued
		if s.mailer == nil {
			id = noMail
		}
		msg = l.T(id, "Count", n, "Department", scope.Department)
	}
	redirectFlash(c, dashboardURL(c, "#people"), msg)
}

// retryForm puts a failed delivery back in the outbox, idempotency key
// unchanged; an unconfirmed one only with "not posted" ticked.
func (s *Server) retryForm(c *gin.Context) {
	d, err := s.st.RetryDelivery(c.Param("id"), c.Param("delivery"), actor(c), c.PostForm("not_posted") == "true")
	if err != nil {
		s.fail(c, err)
		return
	}
	redirectFlash(c, dashboardURL(c, "#deliveries"), s.locale(c).T("dash.flash_retrying", "Channel", d.ChannelName))
}

// releaseForm is the manual release. Its rules (a typed reason, so that
// it is deliberate also where no script asks for confirmation; the state;
// the embargo) are the store's, as for the API: what they refuse is shown
// next to the form, with the reason kept.
func (s *Server) releaseForm(c *gin.Context) {
	if _, err := s.st.Release(c.Param("id"), currentUser(c), c.PostForm("reason")); err != nil {
		s.formRefused(c, err, "release_reason", dashForm{ReleaseReason: c.PostForm("reason")})
		return
	}
	redirectFlash(c, dashboardURL(c, ""), s.locale(c).T("dash.flash_released"))
}

// withdrawForm takes the announcement back, for a reason (the store's
// rule, as for the API), so that it is never a slip of the mouse.
func (s *Server) withdrawForm(c *gin.Context) {
	if _, err := s.st.Withdraw(c.Param("id"), actor(c), c.PostForm("reason")); err != nil {
		s.formRefused(c, err, "withdraw_reason", dashForm{WithdrawReason: c.PostForm("reason")})
		return
	}
	redirectFlash(c, dashboardURL(c, ""), s.locale(c).T("dash.flash_withdrawn"))
}

// formRefused shows a refusal of one of the dashboard's forms (a wrong
// state, a missing reason) next to its field, in the reader's language,
// with what was typed kept; anything else is an error page.
func (s *Server) formRefused(c *gin.Context, err error, field string, f dashForm) {
	status, _ := classify(err)
	if status != http.StatusConflict && status != http.StatusUnprocessableEntity {
		s.fail(c, err)
		return
	}
	f.Errors.Add(field, "%s", upperFirst(s.locale(c).Error(err)))
	s.renderDashboard(c, status, f)
}

// answerForm answers a staff question of this announcement.
func (s *Server) answerForm(c *gin.Context) {
	qid, text := c.Param("question"), c.PostForm("text")
	qs, err := s.st.Questions(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if !slices.ContainsFunc(qs, func(q *briefing.Question) bool { return q.ID == qid }) {
		s.fail(c, briefing.NotFound("this announcement has no such question"))
		return
	}
	if _, err := s.st.Answer(qid, actor(c), text); err != nil {
		// The form has one field: every refusal of the answer is about it.
		if status, _ := classify(err); status == http.StatusUnprocessableEntity {
			f := dashForm{Answers: map[string]string{qid: text}}
			f.Errors.Add("answer-"+qid, "%s", upperFirst(s.locale(c).Error(err)))
			s.renderDashboard(c, http.StatusUnprocessableEntity, f)
			return
		}
		s.fail(c, err)
		return
	}
	redirectFlash(c, dashboardURL(c, "#q-"+qid), s.locale(c).T("dash.flash_answered"))
}
