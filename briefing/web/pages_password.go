package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// The pages behind the links of invitations and password resets, and the
// "Forgot your password?" form. Opening a link (GET) changes nothing: mail
// scanners open links. Only the form's POST spends it.

// passwordSetView is the set-your-password form of a welcome or reset link.
type passwordSetView struct {
	Kind   briefing.LinkKind
	Action string
	Name   string
	Email  string
	Errors formErrors
	Gone   string // the link cannot be used: why, in words
}

func linkAction(kind briefing.LinkKind, token string) string {
	if kind == briefing.LinkWelcome {
		return "/welcome/" + token
	}
	return "/reset/" + token
}

func passwordTitle(kind briefing.LinkKind) string {
	if kind == briefing.LinkWelcome {
		return "Welcome: set your password"
	}
	return "Set a new password"
}

// passwordLinkPage shows the form of a welcome or reset link, or says that
// the link cannot be used; it writes nothing.
func (s *Server) passwordLinkPage(kind briefing.LinkKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		token := c.Param("token")
		_, u, err := s.st.Link(token, kind)
		if err != nil {
			s.renderLinkGone(c, kind, err)
			return
		}
		s.render(c, http.StatusOK, "password_set", passwordTitle(kind), "",
			passwordSetView{Kind: kind, Action: linkAction(kind, token), Name: u.Name, Email: u.Email})
	}
}

func (s *Server) renderLinkGone(c *gin.Context, kind briefing.LinkKind, err error) {
	status, body := classify(err)
	if status != http.StatusNotFound {
		s.fail(c, err)
		return
	}
	s.render(c, status, "password_set", passwordTitle(kind), "", passwordSetView{Kind: kind, Gone: body.Message})
}

// passwordLinkForm sets the password, ends the person's other sessions,
// signs them in and sends them to their inbox.
func (s *Server) passwordLinkForm(kind briefing.LinkKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		token := c.Param("token")
		_, u, err := s.st.Link(token, kind)
		if err != nil {
			s.renderLinkGone(c, kind, err)
			return
		}
		v := passwordSetView{Kind: kind, Action: linkAction(kind, token), Name: u.Name, Email: u.Email}
		password := c.PostForm("password")
		var hash []byte
		if password != c.PostForm("confirm") {
			v.Errors.Add("confirm", "The two passwords differ: type the same one twice")
		} else if hash, err = HashPassword(password); err != nil {
			v.Errors.addDomain(err, userFields, "password")
		}
		if v.Errors.Any() {
			s.render(c, http.StatusUnprocessableEntity, "password_set", passwordTitle(kind), "", v)
			return
		}
		if u, err = s.st.SetPasswordByLink(token, kind, hash); err != nil {
			s.renderLinkGone(c, kind, err)
			return
		}
		secret, err := s.st.CreateSession(u.ID, s.ttl)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.setSessionCookie(c, secret)
		redirectFlash(c, "/", "Your password is set. Welcome, "+u.Name+".")
	}
}

// forgotData is the "Forgot your password?" form and its answer.
type forgotData struct {
	Email  string
	Sent   bool
	Errors formErrors
}

func (s *Server) forgotPage(c *gin.Context) {
	s.render(c, http.StatusOK, "password_forgot", "Forgot your password?", "", forgotData{})
}

// forgotForm answers alike for every address, as the API does.
func (s *Server) forgotForm(c *gin.Context) {
	d := forgotData{Email: c.PostForm("email")}
	if err := s.requestReset(c, d.Email); err != nil {
		status, body := classify(err)
		if status != http.StatusUnprocessableEntity && status != http.StatusConflict {
			s.fail(c, err)
			return
		}
		d.Errors.Add("email", "%s", upperFirst(body.Message))
		s.render(c, status, "password_forgot", "Forgot your password?", "", d)
		return
	}
	d.Sent = true
	s.render(c, http.StatusAccepted, "password_forgot", "Forgot your password?", "", d)
}
