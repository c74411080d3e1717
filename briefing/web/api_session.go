package web

import (
	"net/http"
	"time"

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
	// What the limiter and the audit log keep of an anonymous visitor's
	// typing is bounded; the lookup uses what was typed, so a cut address
	// can never match someone else's.
	key := briefing.BoundText(email, briefing.MaxEmailLength)
	// try counts this attempt before the password is checked: parallel
	// guesses get no more tries than guesses one after another.
	wait, ok := s.limiter.try(key, addr)
	if !ok {
		return nil, briefing.RateLimited("too many failed sign-ins: wait 15 minutes and try again")
	}
	if wait > 0 {
		select {
		case <-time.After(wait):
		case <-c.Request.Context().Done():
			return nil, briefing.RateLimited("too many failed sign-ins from your network: try again in a moment")
		}
	}
	u := s.checkPassword(email, cr.Password)
	if u == nil {
		logErr(s.log, "audit", s.st.Audit("anonymous", "session.fail", "email:"+key, addr))
		return nil, briefing.Unauthenticated("the e-mail address or the password is wrong")
	}
	if err := s.passwordSignInAllowed(u); err != nil {
		return nil, err
	}
	s.limiter.succeed(key, addr)
	secret, err := s.st.CreateSession(u.ID, s.ttl)
	if err != nil {
		return nil, err
	}
	s.setSessionCookie(c, secret)
	return u, nil
}

// checkPassword returns the active user whose password this is, or nil.
// It runs exactly one bcrypt comparison whatever the account:
// unknown, deactivated and passwordless accounts are compared against a
// stand-in hash of the same cost, so every failure takes as long as a
// wrong password and timing tells no one which addresses exist.
func (s *Server) checkPassword(email, password string) *briefing.User {
	u, err := s.st.UserByEmail(email)
	usable := err == nil && u.Active && len(u.PasswordHash) > 0
	hash := dummyHash
	if usable {
		hash = u.PasswordHash
	}
	if s.comparePassword(hash, []byte(password)) != nil || !usable {
		return nil
	}
	return u
}

// dummyHash is the stand-in hash, at the cost HashPassword uses.
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
