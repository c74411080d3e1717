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

// remindForm queues a reminder to everyone in scope who has not
// acknowledged: an author everyone (or the department chosen), a manager
// their own department.
func (s *Server) remindForm(c *gin.Context) {
	u := currentUser(c)
	dept := strings.TrimSpace(c.PostForm("department"))
	if !u.Has(briefing.RoleAuthor) {
		if dept != "" && dept != u.Department {
			s.fail(c, briefing.Forbidden("a manager reminds their own department (%s) only", u.Department))
			return
		}
		dept = u.Department
	}
	n, err := s.st.Remind(c.Param("id"), dept, actor(c))
	if errors.Is(err, briefing.ErrRateLimited) {
		redirectFlash(c, dashboardURL(c, "#people"), "Not sent: "+briefing.ErrorMessage(err)+".")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	msg := "Nobody to remind: everyone has acknowledged."
	if n > 0 {
		msg = "Reminder queued for " + thousands(n) + " people who have not acknowledged"
		if dept != "" {
			msg += " in " + dept
		}
		msg += "."
	}
	redirectFlash(c, dashboardURL(c, "#people"), msg)
}

// retryForm puts a failed delivery back in the outbox, idempotency key
// unchanged.
func (s *Server) retryForm(c *gin.Context) {
	d, err := s.st.RetryDelivery(c.Param("id"), c.Param("delivery"), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	redirectFlash(c, dashboardURL(c, "#deliveries"), "Retrying "+d.ChannelName+" now.")
}

// releaseForm is the manual release: it needs a typed reason, so that it
// is deliberate also where no script asks for confirmation.
func (s *Server) releaseForm(c *gin.Context) {
	reason := strings.TrimSpace(c.PostForm("reason"))
	if reason == "" {
		var f dashForm
		f.Errors.Add("release_reason", "Say why you release it by hand: the reason goes into the audit log")
		s.renderDashboard(c, http.StatusUnprocessableEntity, f)
		return
	}
	if _, err := s.st.Release(c.Param("id"), actor(c), reason); err != nil {
		// A state that forbids the release (the embargo, a release that
		// happened meanwhile) is shown next to the form, the reason kept.
		f := dashForm{ReleaseReason: c.PostForm("reason")}
		status, body := classify(err)
		if status != http.StatusConflict && status != http.StatusUnprocessableEntity {
			s.fail(c, err)
			return
		}
		f.Errors.Add("release_reason", "%s", upperFirst(body.Message))
		s.renderDashboard(c, status, f)
		return
	}
	redirectFlash(c, dashboardURL(c, ""), "Released by hand. The channels are being sent now.")
}

// withdrawForm takes the announcement back. The store accepts no reason;
// the page insists on one, so that it is never a slip of the mouse.
func (s *Server) withdrawForm(c *gin.Context) {
	reason := strings.TrimSpace(c.PostForm("reason"))
	if reason == "" {
		var f dashForm
		f.Errors.Add("withdraw_reason", "Say why you withdraw it: the reason goes into the audit log")
		s.renderDashboard(c, http.StatusUnprocessableEntity, f)
		return
	}
	if _, err := s.st.Withdraw(c.Param("id"), actor(c), reason); err != nil {
		s.fail(c, err)
		return
	}
	redirectFlash(c, dashboardURL(c, ""), "Withdrawn. It is off the newsroom and out of the outbox.")
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
		f := dashForm{Answers: map[string]string{qid: text}}
		if f.Errors.addDomain(err, map[string]string{"text": "answer-" + qid}, "answer-"+qid) {
			s.renderDashboard(c, http.StatusUnprocessableEntity, f)
			return
		}
		s.fail(c, err)
		return
	}
	redirectFlash(c, dashboardURL(c, "#q-"+qid), "Answer published: every recipient can read it now.")
}
