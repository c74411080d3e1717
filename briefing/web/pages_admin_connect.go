package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

// connectStart sends an admin's browser to the platform to approve
// Firsthand for an x or linkedin channel. The state it carries is bound
// to this admin's session, so only a browser session can start it.
func (s *Server) connectStart(c *gin.Context) {
	l := s.locale(c)
	session, err := c.Cookie(SessionCookie)
	if err != nil || session == "" {
		s.renderError(c, http.StatusBadRequest, l.T("admin.connect_browser"))
		return
	}
	if s.connect == nil {
		s.renderError(c, http.StatusConflict, l.T("admin.connect_off"))
		return
	}
	to, err := s.connect.Begin(c.Param("id"), currentUser(c), session)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusFound, to)
}

// connectCallback is where the platform sends the admin back: with a code
// to exchange, or with an error when they declined. The state is checked
// and used up first in either case; a wrong, expired, replayed or foreign
// one is a 400 page and stores nothing.
func (s *Server) connectCallback(c *gin.Context) {
	l := s.locale(c)
	session, _ := c.Cookie(SessionCookie)
	if s.connect == nil {
		s.renderError(c, http.StatusConflict, l.T("admin.connect_off"))
		return
	}
	state, u := c.Query("state"), currentUser(c)
	if e := c.Query("error"); e != "" {
		ch, err := s.connect.Abandon(state, u, session)
		if err != nil {
			s.connectRefused(c, err)
			return
		}
		msg := l.T("admin.connect_failed")
		if e == "access_denied" {
			msg = l.T("admin.connect_denied", "Name", ch.Name)
		}
		s.renderError(c, http.StatusBadRequest, msg)
		return
	}
	ch, err := s.connect.Finish(c.Request.Context(), state, c.Query("code"), u, session)
	if err != nil {
		s.connectRefused(c, err)
		return
	}
	redirectFlash(c, "/admin/channels#ch-"+ch.ID, l.T("admin.flash_connected", "Name", ch.Name))
}

// connectRefused shows why a callback stored nothing; only the server's
// own sentences reach the page, never the platform's answer.
func (s *Server) connectRefused(c *gin.Context, err error) {
	var de *briefing.Error
	if errors.As(err, &de) && errors.Is(err, briefing.ErrInvalid) {
		s.renderError(c, http.StatusBadRequest, s.locale(c).Error(de))
		return
	}
	s.fail(c, err)
}

// disconnectedChannels are the channels an admin must connect again: the
// inbox shows them while it lasts.
func (s *Server) disconnectedChannels(u *briefing.User) []*briefing.Channel {
	if !u.Has(briefing.RoleAdmin) {
		return nil
	}
	list, err := s.st.Channels()
	if err != nil {
		s.log.Error("listing channels for the inbox", "err", err)
		return nil
	}
	var out []*briefing.Channel
	for _, ch := range list {
		if _, oauth := channel.LookupOAuth(ch.Kind); oauth && !ch.Disabled && briefing.TokensOf(ch.Config).Failed != "" {
			out = append(out, ch)
		}
	}
	return out
}
