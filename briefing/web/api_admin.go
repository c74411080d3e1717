package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

type channelInput struct {
	Name    string               `json:"name"`
	Kind    briefing.ChannelKind `json:"kind"`
	Purpose string               `json:"purpose"`
	Config  json.RawMessage      `json:"config"`
}

func (s *Server) createChannel(c *gin.Context) {
	var in channelInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	ch, err := s.addChannel(in, actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, s.channelOut(ch))
}

func (s *Server) addChannel(in channelInput, by string) (*briefing.Channel, error) {
	ch := &briefing.Channel{Name: in.Name, Kind: in.Kind, Purpose: in.Purpose, Config: in.Config}
	return ch, s.st.CreateChannel(ch, by)
}

// listChannels answers the channels' public fields (channelJSON): the
// config, and so every secret and token, never leaves the store.
func (s *Server) listChannels(c *gin.Context) {
	list, err := s.st.Channels()
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]channelJSON, 0, len(list))
	for _, ch := range list {
		out = append(out, s.channelOut(ch))
	}
	c.JSON(http.StatusOK, gin.H{"channels": out})
}

// testChannel sends a clearly marked test message, so an admin knows the
// channel works before the first real release depends on it.
func (s *Server) testChannel(c *gin.Context) {
	if err := s.sendTest(c.Request.Context(), c.Param("id"), actor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"sent": true})
}

func (s *Server) sendTest(ctx context.Context, id, by string) error {
	ch, err := s.st.Channel(id)
	if err != nil {
		return err
	}
	sender, err := channel.New(*ch, s.channelEnv()) // the guarded client: no redirects, 10 s
	if err != nil {
		return briefing.Conflict("the channel cannot send: %v", err)
	}
	now := time.Now().UTC()
	err = sender.Send(ctx, channel.Message{
		DeliveryID: "test-" + now.Format("20060102T150405.000000000"), ReceiverID: briefing.NewReceiverID(), AnnouncementID: "test",
		Title: "Test from Firsthand", Summary: "This is a test message.", Text: "This is a test message from Firsthand: the channel works.",
		URL: s.baseURL + "/news", ReleasedAt: now,
	})
	detail := "ok"
	if err != nil {
		detail = err.Error()
	}
	logErr(s.log, "audit", s.st.Audit(by, "channel.test", "channel:"+id, detail))
	if err != nil {
		return briefing.Conflict("the test send failed: %v", err)
	}
	return nil
}

func (s *Server) auditLog(c *gin.Context) {
	limit, after, err := page(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	events, next, err := s.st.AuditEvents(store.AuditFilter{Action: c.Query("action"), Target: c.Query("target"), After: after, Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]briefing.Event, len(events))
	for i, e := range events {
		out[i] = e.Event
	}
	body := gin.H{"events": out}
	if next != "" {
		body["next"] = next
	}
	c.JSON(http.StatusOK, body)
}

// backup streams a consistent copy of the database while the server runs.
func (s *Server) backup(c *gin.Context) {
	c.Header("Content-Type", "application/octet-stream")
	c.Header("Content-Disposition", `attachment; filename="firsthand-`+time.Now().UTC().Format("20060102-150405")+`.db"`)
	c.Status(http.StatusOK)
	_, err := s.st.WriteBackup(c.Writer)
	logErr(s.log, "backup", err)
	logErr(s.log, "audit", s.st.Audit(actor(c), "backup", "database", ""))
}
