package web

import (
	"encoding/xml"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// The Atom 1.0 feed (RFC 4287), written with encoding/xml: the library we
// used declared every summary as HTML and gave the feed neither an author
// nor its own address.
type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID       string      `xml:"id"`
	Title    atomText    `xml:"title"`
	Subtitle atomText    `xml:"subtitle"`
	Updated  string      `xml:"updated"`
	Author   atomPerson  `xml:"author"`
	Links    []atomLink  `xml:"link"`
	Entries  []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID        string   `xml:"id"`
	Title     atomText `xml:"title"`
	Link      atomLink `xml:"link"`
	Published string   `xml:"published"`
	Updated   string   `xml:"updated"`
	// Summary is what the author typed, sent as text: a feed reader shows
	// "<img onerror=…>" as those characters instead of running it.
	Summary atomText `xml:"summary"`
	// Content is the body rendered and sanitised (briefing.RenderMarkdown).
	Content atomText `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

// newsFeed is the Atom 1.0 feed of released announcements.
func (s *Server) newsFeed(c *gin.Context) {
	list, err := s.released(50)
	if err != nil {
		s.fail(c, err)
		return
	}
	updated := time.Unix(0, 0).UTC()
	feed := atomFeed{
		ID:       s.baseURL + "/news",
		Title:    atomText{"text", "Newsroom"},
		Subtitle: atomText{"text", "Announcements released by Firsthand"},
		Author:   atomPerson{Name: "Newsroom", URI: s.baseURL + "/news"},
		Links: []atomLink{
			{Rel: "alternate", Type: "text/html", Href: s.baseURL + "/news"},
			{Rel: "self", Type: "application/atom+xml", Href: s.baseURL + "/news/feed.atom"},
		},
	}
	for _, a := range list {
		url := s.baseURL + "/news/" + a.Slug
		at := a.ReleasedAt.UTC().Format(time.RFC3339)
		feed.Entries = append(feed.Entries, atomEntry{
			ID: url, Title: atomText{"text", a.Title}, Link: atomLink{Rel: "alternate", Type: "text/html", Href: url},
			Published: at, Updated: at,
			Summary: atomText{"text", a.Summary}, Content: atomText{"html", a.HTML},
		})
		if a.ReleasedAt.After(updated) {
			updated = *a.ReleasedAt
		}
	}
	feed.Updated = updated.UTC().Format(time.RFC3339)
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
}
