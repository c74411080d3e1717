package web

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

func (s *Server) settingsAPI(c *gin.Context) {
	set, err := s.st.Settings()
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, set)
}

// patchSettingsAPI merges the body onto the current settings: absent
// fields keep their values.
func (s *Server) patchSettingsAPI(c *gin.Context) {
	var patch json.RawMessage
	if err := decodeJSON(c, &patch); err != nil {
		s.fail(c, err)
		return
	}
	set, err := s.st.UpdateSettings(actor(c), func(set *briefing.Settings) error {
		return jsonError(json.Unmarshal(patch, set))
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, set)
}
