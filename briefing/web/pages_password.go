package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/i18n"
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

func passwordTitle(l *i18n.Locale, kind briefing.LinkKind) string {
	if kind == briefing.LinkWelcome {
		return l.T("staff.welcome_title")
	}
	return l.T("staff.reset_title")
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
		s.render(c, http.StatusOK, "password_set", passwordTitle(s.locale(c), kind), "",
			passwordSetView{Kind: kind, Action: linkAction(kind, token), Name: u.Name, Email: u.Email})
	}
}

func (s *Server) renderLinkGone(c *gin.Context, kind briefing.LinkKind, err error) {
	status, _ := classify(err)
	if status != http.StatusNotFound {
		s.fail(c, err)
		return
	}
	l := s.locale(c)
	s.render(c, status, "password_set", passwordTitle(l, kind), "", passwordSetView{Kind: kind, Gone: refusal(l, err)})
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
		l := s.locale(c)
		password := c.PostForm("password")
		var hash []byte
		if password != c.PostForm("confirm") {
			v.Errors.Add("confirm", "%s", l.T("staff.passwords_differ"))
		} else if hash, err = HashPassword(password); err != nil {
			if status, _ := classify(err); status != http.StatusUnprocessableEntity {
				s.fail(c, err)
				return
			}
			v.Errors.Add("password", "%s", refusal(l, err))
		}
		if v.Errors.Any() {
			s.render(c, http.StatusUnprocessableEntity, "password_set", passwordTitle(l, kind), "", v)
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
		// The note is read on the inbox, signed in: in the person's language.
		redirectFlash(c, "/", s.localeOf(c.Request, u).T("staff.password_set", "Name", u.Name))
	}
}

// forgotData is the "Forgot your password?" form and its answer.
type forgotData struct {
	Email  string
	Sent   bool
	Errors formErrors
}

func (s *Server) forgotPage(c *gin.Context) {
	s.render(c, http.StatusOK, "password_forgot", s.locale(c).T("staff.forgot_title"), "", forgotData{})
}

// forgotForm answers alike for every address, as the API does.
func (s *Server) forgotForm(c *gin.Context) {
	d, l := forgotData{Email: c.PostForm("email")}, s.locale(c)
	if err := s.requestReset(c, d.Email); err != nil {
		status, _ := classify(err)
		if status != http.StatusUnprocessableEntity && status != http.StatusConflict {
			s.fail(c, err)
			return
		}
		d.Errors.Add("email", "%s", refusal(l, err))
		s.render(c, status, "password_forgot", l.T("staff.forgot_title"), "", d)
		return
	}
	d.Sent = true
	s.render(c, http.StatusAccepted, "password_forgot", l.T("staff.forgot_title"), "", d)
}
