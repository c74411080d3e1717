package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/feeds"

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

func (s *Server) newsList(c *gin.Context) {
	list, err := s.released(100)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "news", "Newsroom", "news", gin.H{"Items": list})
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

// newsFeed is the Atom 1.0 feed of released announcements.
func (s *Server) newsFeed(c *gin.Context) {
	list, err := s.released(50)
	if err != nil {
		s.fail(c, err)
		return
	}
	feed := &feeds.Feed{
		Title:       "Newsroom",
		Link:        &feeds.Link{Href: s.baseURL + "/news"},
		Description: "Announcements released by Firsthand",
		Id:          s.baseURL + "/news",
		Updated:     time.Unix(0, 0).UTC(),
	}
	for _, a := range list {
		url := s.baseURL + "/news/" + a.Slug
		feed.Items = append(feed.Items, &feeds.Item{
			Id: url, Title: a.Title, Link: &feeds.Link{Href: url},
			Description: a.Summary, Content: a.HTML,
			Created: *a.ReleasedAt, Updated: *a.ReleasedAt,
		})
		if a.ReleasedAt.After(feed.Updated) {
			feed.Updated = *a.ReleasedAt
		}
	}
	atom, err := feed.ToAtom()
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", []byte(atom))
}
