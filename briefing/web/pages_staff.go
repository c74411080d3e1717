package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

type signInData struct {
	Email, Next, Error string
	OIDC               string // the identity provider's button, or ""
}

// home is the sign-in form for visitors and the inbox for people signed in.
func (s *Server) home(c *gin.Context) {
	u := currentUser(c)
	if u == nil {
		s.render(c, http.StatusOK, "signin", "Sign in", "", signInData{Next: safeNext(c.Query("next")), OIDC: s.oidcButton()})
		return
	}
	list, err := s.st.Inbox(u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	var open, done []briefing.Briefing
	for _, b := range list {
		if b.AcknowledgedAt == nil {
			open = append(open, b)
		} else {
			done = append(done, b)
		}
	}
	s.render(c, http.StatusOK, "inbox", "Inbox", "inbox", gin.H{"Open": open, "Done": done})
}

func (s *Server) signInForm(c *gin.Context) {
	cr := credentials{Email: c.PostForm("email"), Password: c.PostForm("password")}
	next := safeNext(c.PostForm("next"))
	if _, err := s.signIn(c, cr); err != nil {
		status, body := classify(err)
		s.render(c, status, "signin", "Sign in", "", signInData{Email: cr.Email, Next: next, Error: body.Message, OIDC: s.oidcButton()})
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
func (s *Server) briefingPage(c *gin.Context) {
	u := currentUser(c)
	b, err := s.st.ReadBriefing(c.Param("id"), u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	qs, err := s.visibleQuestions(c, b.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "briefing", b.Title, "inbox", gin.H{"B": b, "HTML": trusted(b.HTML), "Questions": qs,
		"Asked": c.Query("asked") != "", "Error": c.Query("error")})
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
	id := c.Param("id")
	if _, err := s.st.Ask(id, currentUser(c).ID, c.PostForm("text")); err != nil {
		if status, body := classify(err); status == http.StatusUnprocessableEntity {
			c.Redirect(http.StatusSeeOther, "/briefings/"+id+"?error="+urlEscape(body.Message)+"#ask")
			return
		}
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/briefings/"+id+"?asked=1#questions")
}
