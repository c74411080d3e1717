package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/store"
)

// draft is what an author may set on an announcement. A PATCH decodes onto
// the current values, so absent fields keep theirs (merge semantics).
type draft struct {
	Title    string                 `json:"title"`
	Summary  string                 `json:"summary"`
	Body     string                 `json:"body"`
	Audience briefing.Audience      `json:"audience"`
	Policy   briefing.Policy        `json:"policy"`
	Channels []briefing.ChannelText `json:"channels"`
	// TalkingPoints is "What to tell customers" (Markdown).
	TalkingPoints string `json:"talking_points"`
	TypeID        string `json:"type_id"`
}

func (d *draft) from(a *briefing.Announcement) {
	*d = draft{a.Title, a.Summary, a.Body, a.Audience, a.Policy, a.Channels, a.TalkingPoints, a.TypeID}
}

// check catches what the domain's defaults would hide: a threshold of 0
// is outside (0, 1], not a request for the default.
func (d *draft) check() error {
	if d.Policy.Threshold == 0 {
		return briefing.Invalid("policy.threshold", "the threshold must be more than 0 and at most 1")
	}
	return nil
}

func (d *draft) apply(a *briefing.Announcement) {
	a.Title, a.Summary, a.Body, a.Audience, a.Policy, a.Channels = d.Title, d.Summary, d.Body, d.Audience, d.Policy, d.Channels
	a.TalkingPoints = d.TalkingPoints
	a.TypeID = d.TypeID
}

// withTypeDefaults starts a draft from its message type's audience and
// policy: what the request names overrides them, as a PATCH merges.
func (s *Server) withTypeDefaults(body json.RawMessage, d *draft) error {
	var probe struct {
		TypeID string `json:"type_id"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return jsonError(err)
	}
	if probe.TypeID == "" {
		return nil
	}
	t, err := s.st.MessageType(probe.TypeID)
	if err != nil {
		return nil // the store refuses an unknown type, naming type_id
	}
	if t.Audience != nil {
		d.Audience = *t.Audience
	}
	if t.Policy != nil {
		d.Policy = *t.Policy
	}
	return nil
}

func (s *Server) createAnnouncement(c *gin.Context) {
	// The default is filled in before decoding, so that an explicit
	// "threshold": 0 stays 0 and is refused instead of becoming the default.
	d := draft{Policy: briefing.Policy{Threshold: briefing.DefaultThreshold}}
	var body json.RawMessage
	if err := decodeJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.withTypeDefaults(body, &d); err != nil {
		s.fail(c, err)
		return
	}
	if err := json.Unmarshal(body, &d); err != nil {
		s.fail(c, jsonError(err))
		return
	}
	if err := d.check(); err != nil {
		s.fail(c, err)
		return
	}
	a := &briefing.Announcement{AuthorID: currentUser(c).ID}
	d.apply(a)
	if err := s.st.CreateAnnouncement(a, actor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, a)
}

func (s *Server) patchAnnouncement(c *gin.Context) {
	var patch json.RawMessage
	if err := decodeJSON(c, &patch); err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.st.UpdateDraft(c.Param("id"), actor(c), func(a *briefing.Announcement) error {
		var d draft
		d.from(a)
		if err := json.Unmarshal(patch, &d); err != nil {
			return jsonError(err)
		}
		if err := d.check(); err != nil {
			return err
		}
		d.apply(a)
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (s *Server) getAnnouncement(c *gin.Context) {
	a, err := s.st.Announcement(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

type announcementLine struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	State       briefing.State `json:"state"`
	PublishedAt *time.Time     `json:"published_at"`
	ReleasedAt  *time.Time     `json:"released_at"`
}

func (s *Server) listAnnouncements(c *gin.Context) {
	limit, after, err := page(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, next, err := s.st.Announcements(store.AnnouncementFilter{State: briefing.State(c.Query("state")), After: after, Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	lines := make([]announcementLine, len(list))
	for i, a := range list {
		lines[i] = announcementLine{a.ID, a.Title, a.State, a.PublishedAt, a.ReleasedAt}
	}
	body := gin.H{"announcements": lines}
	if next != "" {
		body["next"] = next
	}
	c.JSON(http.StatusOK, body)
}

func (s *Server) publish(c *gin.Context) {
	a, err := s.st.Publish(c.Param("id"), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"state": a.State, "recipients": a.Recipients, "published_at": a.PublishedAt})
}

type reasonInput struct {
	Reason string `json:"reason"`
}

func (s *Server) release(c *gin.Context) {
	var in reasonInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.st.Release(c.Param("id"), currentUser(c), in.Reason)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"state": a.State, "released_at": a.ReleasedAt})
}

func (s *Server) withdraw(c *gin.Context) {
	var in reasonInput
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			s.fail(c, err)
			return
		}
	}
	a, err := s.st.Withdraw(c.Param("id"), actor(c), in.Reason)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"state": a.State})
}

func (s *Server) readiness(c *gin.Context) {
	_, r, err := s.st.Readiness(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	checks, err := s.st.Checks(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, struct {
		briefing.Readiness
		Channels []briefing.ChannelCheck `json:"channels"`
	}{r, checks})
}

func (s *Server) deliveries(c *gin.Context) {
	ds, err := s.st.Deliveries(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"deliveries": ds})
}

// remind reminds everyone in the caller's briefing.ReceiptScope who has
// not acknowledged; the store applies the scope and briefing.CanRemind.
func (s *Server) remind(c *gin.Context) {
	n, _, err := s.st.Remind(c.Param("id"), currentUser(c), c.Query("department"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"reminded": n})
}

type previewInput struct {
	Body string `json:"body"`
}

// previewAPI renders Markdown exactly as publish will.
func (s *Server) previewAPI(c *gin.Context) {
	var in previewInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	html, err := briefing.RenderMarkdown(in.Body)
	if err != nil {
		s.fail(c, briefing.Invalid("body", "the body cannot be rendered: %v", err))
		return
	}
	c.JSON(http.StatusOK, gin.H{"html": html})
}
