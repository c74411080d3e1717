package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// Invitations and password resets go out by e-mail only: without a mail
// server they cannot be sent, and the API says so rather than answering
// 202 for a mail that never leaves.

// errNoMail is the honest answer when there is no mail server. It is the
// same for every address, so it tells nobody which ones exist.
func errNoMail(what string) error {
	return briefing.Conflict("this server has no mail server (FIRSTHAND_SMTP_URL is not set), so %s cannot be e-mailed: ask an administrator to set a password for you", what)
}

func (s *Server) inviteAPI(c *gin.Context) {
	if s.mailer == nil {
		s.fail(c, errNoMail("the invitation"))
		return
	}
	n, err := s.st.Invite([]string{c.Param("id")}, actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailSignal()
	c.JSON(http.StatusAccepted, gin.H{"invited": n})
}

type resetInput struct {
	Email string `json:"email"`
}

// resetAccepted is the one answer to a reset request, known address or not.
const resetAccepted = "If the address belongs to an account, a link to set a new password is on its way; it works for one hour."

// passwordResetAPI answers 202 whether or not the address exists, after the
// same work either way (store.RequestPasswordReset).
func (s *Server) passwordResetAPI(c *gin.Context) {
	var in resetInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.requestReset(c, in.Email); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"message": resetAccepted})
}

// requestReset is the reset request of the API and of the form.
func (s *Server) requestReset(c *gin.Context, email string) error {
	if strings.TrimSpace(email) == "" {
		return briefing.Invalid("email", "an e-mail address is required")
	}
	if s.mailer == nil {
		return errNoMail("a reset link")
	}
	if err := s.st.RequestPasswordReset(email, c.ClientIP()); err != nil {
		return err
	}
	s.mailSignal()
	return nil
}

// mailSignal wakes the mail worker, if one listens.
func (s *Server) mailSignal() {
	if s.onMail != nil {
		s.onMail()
	}
}
