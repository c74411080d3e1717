package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// The personal link of a briefing mail, {base}/b/{token}. Mail scanners
// open links, so GET never signs in, records a read or acknowledges: it
// shows one button, and only the button's POST (same-origin, under the
// cross-origin guard) signs the owner in.

type linkOpenView struct {
	Name   string
	Action string
	Gone   string
}

func (s *Server) briefingLinkPage(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	token := c.Param("token")
	l, owner, err := s.st.Link(token, briefing.LinkBriefing)
	if err != nil {
		s.renderBriefingLinkGone(c, err)
		return
	}
	if u := currentUser(c); u != nil && u.ID == owner.ID {
		c.Redirect(http.StatusSeeOther, "/briefings/"+l.AnnouncementID)
		return
	}
	s.render(c, http.StatusOK, "link_open", s.locale(c).T("staff.link_title"), "", linkOpenView{Name: owner.Name, Action: "/b/" + token})
}

func (s *Server) briefingLinkForm(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	token := c.Param("token")
	l, owner, err := s.st.Link(token, briefing.LinkBriefing)
	if err != nil {
		s.renderBriefingLinkGone(c, err)
		return
	}
	target := "/briefings/" + l.AnnouncementID
	if u := currentUser(c); u != nil && u.ID == owner.ID {
		c.Redirect(http.StatusSeeOther, target)
		return
	}
	secret, _, err := s.st.SessionByLink(token, s.ttl)
	if errors.Is(err, briefing.ErrForbidden) {
		// Authors, managers and admins sign in with their password.
		c.Redirect(http.StatusSeeOther, "/?next="+urlEscape(target))
		return
	}
	if err != nil {
		s.renderBriefingLinkGone(c, err)
		return
	}
	s.setSessionCookie(c, secret)
	c.Redirect(http.StatusSeeOther, target)
}

// renderBriefingLinkGone answers alike for a link that never existed and
// one that expired.
func (s *Server) renderBriefingLinkGone(c *gin.Context, err error) {
	status, _ := classify(err)
	if status != http.StatusNotFound {
		s.fail(c, err)
		return
	}
	l := s.locale(c)
	s.render(c, status, "link_open", l.T("staff.link_title"), "", linkOpenView{Gone: refusal(l, err)})
}
