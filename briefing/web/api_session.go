package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"firsthand/briefing"
)

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// signIn checks credentials under the rate limit and starts a session.
func (s *Server) signIn(c *gin.Context, cr credentials) (*briefing.User, error) {
	email, addr := briefing.NormalizeEmail(cr.Email), c.ClientIP()
	// try counts this attempt before the password is checked: parallel
	// guesses get no more tries than guesses one after another.
	if !s.limiter.try(email, addr) {
		return nil, briefing.RateLimited("too many failed sign-ins: wait 15 minutes and try again")
	}
	u, err := s.st.UserByEmail(email)
	if err != nil || !u.Active || len(u.PasswordHash) == 0 ||
		bcrypt.CompareHashAndPassword(u.PasswordHash, []byte(cr.Password)) != nil {
		if err != nil {
			// Spend the same time as a real check, so timing tells no one
			// which addresses exist.
			_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(cr.Password))
		}
		logErr(s.log, "audit", s.st.Audit("anonymous", "session.fail", "email:"+email, addr))
		return nil, briefing.Unauthenticated("the e-mail address or the password is wrong")
	}
	if err := s.passwordSignInAllowed(u); err != nil {
		return nil, err
	}
	s.limiter.succeed(email, addr)
	secret, err := s.st.CreateSession(u.ID, s.ttl)
	if err != nil {
		return nil, err
	}
	s.setSessionCookie(c, secret)
	return u, nil
}

var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("firsthand-dummy-password"), bcrypt.DefaultCost)

func (s *Server) signInAPI(c *gin.Context) {
	var cr credentials
	if err := decodeJSON(c, &cr); err != nil {
		s.fail(c, err)
		return
	}
	u, err := s.signIn(c, cr)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

func (s *Server) signOutAPI(c *gin.Context) {
	if v, err := c.Cookie(SessionCookie); err == nil {
		logErr(s.log, "sign out", s.st.DeleteSession(v))
	}
	s.clearSessionCookie(c)
	c.Status(http.StatusNoContent)
}

func (s *Server) me(c *gin.Context) { c.JSON(http.StatusOK, currentUser(c)) }
