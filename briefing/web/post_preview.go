package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// postPreview is how one channel's post will look: the text (the summary
// when the channel's text is empty) and the newsroom link below it,
// counted as the channel's platform counts it (briefing.Channel.CountText,
// the catalogue's Count), against its limit. The editor renders it on the
// server; the editor's script asks the API twin for it while the author
// types.
type postPreview struct {
	Text  string `json:"text"`
	Link  string `json:"link"`
	Count int    `json:"count"`
	Limit int    `json:"limit"`
	Over  bool   `json:"over"`
}

// previewPost applies briefing.CheckChannelText's counting to one text.
func previewPost(ch *briefing.Channel, text, summary, link string) postPreview {
	if strings.TrimSpace(text) == "" {
		text = summary
	}
	text = strings.TrimSpace(text)
	p := postPreview{Text: text, Link: link, Count: ch.CountText(text), Limit: ch.TextLimit()}
	p.Over = p.Limit > 0 && p.Count > p.Limit
	return p
}

// newsLink is the public page an announcement's posts link to: its slug
// once it has one, else the one its title will give it.
func (s *Server) newsLink(slug, title string) string {
	if slug == "" {
		slug = briefing.Slugify(title)
	}
	return s.baseURL + "/news/" + slug
}

type postPreviewInput struct {
	Text    string `json:"text"`
	Summary string `json:"summary"`
	Title   string `json:"title"`
	// AnnouncementID, when the draft exists, gives the link its slug.
	AnnouncementID string `json:"announcement_id"`
}

// postPreviewAPI is POST /api/v1/channels/{id}/preview: the editor's
// live preview of one channel's post.
func (s *Server) postPreviewAPI(c *gin.Context) {
	var in postPreviewInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	ch, err := s.st.Channel(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	slug := ""
	if in.AnnouncementID != "" {
		if a, err := s.st.Announcement(in.AnnouncementID); err == nil {
			slug = a.Slug
		}
	}
	c.JSON(http.StatusOK, previewPost(ch, in.Text, in.Summary, s.newsLink(slug, in.Title)))
}
