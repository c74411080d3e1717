package web

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/store"
)

// trusted marks HTML that RenderMarkdown has already sanitised.
func trusted(html string) template.HTML { return template.HTML(html) } //nolint:gosec // sanitised by bluemonday at publish

// released lists what the public may see: released announcements only.
func (s *Server) released(limit int) ([]*briefing.Announcement, error) {
	list, _, err := s.st.Announcements(store.AnnouncementFilter{State: briefing.StateReleased, Limit: limit})
	return list, err
}

// newsList is the public newsroom. Its visitors are not signed in: they
// read it in their browser's language, else the organisation's, with times
// in the organisation's zone (Server.locale).
func (s *Server) newsList(c *gin.Context) {
	list, err := s.released(100)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "news", s.locale(c).T("news.title"), "news", gin.H{"Items": list})
}

// newsPage shows one released announcement. Anything else is a plain 404,
// the same as for a slug that never existed.
func (s *Server) newsPage(c *gin.Context) {
	a, err := s.st.ReleasedBySlug(c.Param("slug"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "news_item", a.Title, "news", gin.H{"A": a, "HTML": trusted(a.HTML)})
}
