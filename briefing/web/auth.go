package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "firsthand_session"

const (
	userKey    = "user"
	sessionKey = "session"
)

// authenticate resolves a bearer token or the session cookie to a user. It
// never fails a request by itself: the routes say who they need.
func (s *Server) authenticate(c *gin.Context) {
	if h := c.GetHeader("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			s.fail(c, briefing.Unauthenticated("the Authorization header must be \"Bearer <token>\""))
			return
		}
		u, err := s.st.UserByToken(strings.TrimSpace(token))
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Set(userKey, u)
	} else if v, err := c.Cookie(SessionCookie); err == nil && v != "" {
		if u, err := s.st.SessionUser(v); err == nil {
			c.Set(userKey, u)
			c.Set(sessionKey, v)
		} else {
			s.clearSessionCookie(c)
		}
	}
	c.Next()
}

// currentUser is the signed-in user, or nil.
func currentUser(c *gin.Context) *briefing.User {
	if v, ok := c.Get(userKey); ok {
		return v.(*briefing.User)
	}
	return nil
}

// currentSession is the secret of the browser session the request came
// in, or "" for a bearer token.
func currentSession(c *gin.Context) string { return c.GetString(sessionKey) }

// signedIn lets only signed-in callers through: the API answers 401, a page
// sends the person to the sign-in form.
func (s *Server) signedIn(c *gin.Context) {
	if currentUser(c) != nil {
		c.Next()
		return
	}
	if !isAPI(c) {
		if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
			s.signInAgain(c)
			return
		}
		c.Redirect(http.StatusSeeOther, "/?next="+urlEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	}
	s.fail(c, briefing.Unauthenticated("sign in, or send an API token as Authorization: Bearer <token>"))
}

// requireAny lets through a user who has at least one of the roles.
func (s *Server) requireAny(roles ...briefing.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := currentUser(c)
		for _, r := range roles {
			if u.Has(r) {
				c.Next()
				return
			}
		}
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = string(r)
		}
		s.fail(c, briefing.Forbidden("this needs the role %s", strings.Join(names, " or ")))
	}
}

func (s *Server) setSessionCookie(c *gin.Context, secret string) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: SessionCookie, Value: secret, Path: "/", MaxAge: int(s.ttl.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

// actor names the caller in the audit log.
func actor(c *gin.Context) string {
	if u := currentUser(c); u != nil {
		return "user:" + u.ID
	}
	return "anonymous"
}
