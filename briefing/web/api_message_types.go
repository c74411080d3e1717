package web

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// typeInput is what an admin sets on a message type; a PATCH decodes onto
// the current values (merge semantics).
type typeInput struct {
	Name     string             `json:"name"`
	Channels []string           `json:"channels"`
	Audience *briefing.Audience `json:"audience"`
	Policy   *briefing.Policy   `json:"policy"`
}

func (in typeInput) apply(t *briefing.MessageType) {
	t.Name, t.Channels, t.Audience, t.Policy = in.Name, in.Channels, in.Audience, in.Policy
	if t.Channels == nil {
		t.Channels = []string{}
	}
}

func (s *Server) createMessageType(c *gin.Context) {
	var in typeInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	t := &briefing.MessageType{}
	in.apply(t)
	if err := s.st.CreateMessageType(t, actor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, t)
}

func (s *Server) listMessageTypes(c *gin.Context) {
	list, err := s.st.MessageTypes()
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"message_types": list})
}

func (s *Server) patchMessageType(c *gin.Context) {
	var patch json.RawMessage
	if err := decodeJSON(c, &patch); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.st.UpdateMessageType(c.Param("id"), actor(c), func(t *briefing.MessageType) error {
		in := typeInput{t.Name, t.Channels, t.Audience, t.Policy}
		if err := json.Unmarshal(patch, &in); err != nil {
			return jsonError(err)
		}
		in.apply(t)
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}
