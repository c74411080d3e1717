package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

type signInData struct {
	Email, Next, Error string
	OIDC               string // the identity provider's name for its button, or ""
	// Resume and Carry bring an editor's text through the sign-in after a
	// session ended (signin_again.go).
	Resume string
	Carry  []hiddenField
}

// home is the sign-in form for visitors and the inbox for people signed in.
func (s *Server) home(c *gin.Context) {
	u, l := currentUser(c), s.locale(c)
	if u == nil {
		s.render(c, http.StatusOK, "signin", l.T("staff.signin_title"), "", signInData{Next: safeNext(c.Query("next")), OIDC: s.oidcName()})
		return
	}
	list, err := s.st.Inbox(u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	var open, done []briefing.Briefing
	for _, b := range list {
		if !b.Acknowledged {
			open = append(open, b)
		} else {
			done = append(done, b)
		}
	}
	tasks, err := s.tasksOf(u)
	if err != nil {
		s.fail(c, err)
		return
	}
	// A reviewer's inbox notice: what waits for them is the review queue,
	// read from the state, so a decision elsewhere clears it at once.
	var reviews []*briefing.Announcement
	if u.Has(briefing.RoleReviewer) {
		if reviews, err = s.st.InReview(); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.render(c, http.StatusOK, "inbox", l.T("staff.inbox_title"), "inbox", gin.H{"Open": open, "Done": done, "Tasks": tasks, "Reviews": reviews, "Disconnected": s.disconnectedChannels(u)})
}

func (s *Server) signInForm(c *gin.Context) {
	cr := credentials{Email: c.PostForm("email"), Password: c.PostForm("password")}
	next := safeNext(c.PostForm("next"))
	u, err := s.signIn(c, cr)
	if err != nil {
		status, _ := classify(err)
		l := s.locale(c)
		d := signInData{Email: cr.Email, Next: next, Error: refusal(l, err), Resume: c.PostForm("resume"), OIDC: s.oidcName()}
		if d.Resume != "" {
			for name, vals := range c.Request.PostForm {
				if name != "email" && name != "password" && name != "next" && name != "resume" {
					for _, v := range vals {
						d.Carry = append(d.Carry, hiddenField{name, v})
					}
				}
			}
		}
		s.render(c, status, "signin", l.T("staff.signin_title"), "", d)
		return
	}
	if c.PostForm("resume") == "editor" && s.resumeEditor(c, u, next) {
		return
	}
	c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) signOutForm(c *gin.Context) {
	if v, err := c.Cookie(SessionCookie); err == nil {
		logErr(s.log, "sign out", s.st.DeleteSession(v))
	}
	s.clearSessionCookie(c)
	c.Redirect(http.StatusSeeOther, "/")
}

// briefingPage shows a briefing to a recipient and records the read
// receipt. An author or manager who is not a recipient sees the
// announcement's page instead.
func (s *Server) briefingPage(c *gin.Context) { s.renderBriefing(c, http.StatusOK, "", "") }

// renderBriefing shows the briefing page; a refused question comes back
// with what was typed and why, next to the box. Notes come only from the
// server (the flash cookie), never from the query string: a link made by
// someone else cannot put words on the page.
func (s *Server) renderBriefing(c *gin.Context, status int, question, questionErr string) {
	u := currentUser(c)
	b, err := s.st.ReadBriefing(c.Param("id"), u.ID)
	var gone *briefing.WithdrawnError
	if errors.As(err, &gone) {
		s.render(c, http.StatusGone, "briefing", s.locale(c).T("staff.withdrawn"), "inbox", gin.H{"Withdrawn": gone})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	qs, err := s.visibleQuestions(c, b.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	changes, err := s.changesFor(b)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "briefing", b.Title, "inbox", gin.H{"B": b, "HTML": trusted(b.HTML), "TalkingPoints": trustedOrNil(b.TalkingPointsHTML), "Questions": qs,
		"Question": question, "Error": questionErr, "Changes": changes})
}

func (s *Server) ackForm(c *gin.Context) {
	if _, err := s.st.Acknowledge(c.Param("id"), currentUser(c).ID); err != nil {
		s.fail(c, err)
		return
	}
	s.metrics.acks.Inc()
	c.Redirect(http.StatusSeeOther, "/briefings/"+c.Param("id")+"#ack")
}

func (s *Server) askForm(c *gin.Context) {
	id, text, l := c.Param("id"), c.PostForm("text"), s.locale(c)
	if _, err := s.st.Ask(id, currentUser(c).ID, text); err != nil {
		if status, _ := classify(err); status == http.StatusUnprocessableEntity {
			s.renderBriefing(c, status, text, refusal(l, err))
			return
		}
		s.fail(c, err)
		return
	}
	redirectFlash(c, "/briefings/"+id+"#questions", l.T("staff.question_sent"))
}

// trustedOrNil is trusted for HTML that may be empty: a template's with
// then skips the section instead of showing an empty box.
func trustedOrNil(html string) any {
	if strings.TrimSpace(html) == "" {
		return nil
	}
	return trusted(html)
}
