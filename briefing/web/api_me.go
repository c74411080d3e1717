package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// preferencesPatch is the body of PATCH /api/v1/me: a person's own time
// zone and language. An empty string goes back to the organisation's; a
// field left out stays as it is.
type preferencesPatch struct {
	TimeZone *string `json:"time_zone"`
	Language *string `json:"language"`
}

// patchMe changes the caller's own preferences; nothing else of their
// record can be changed this way.
func (s *Server) patchMe(c *gin.Context) {
	var p preferencesPatch
	if err := decodeJSON(c, &p); err != nil {
		s.fail(c, err)
		return
	}
	u, err := s.st.SetPreferences(currentUser(c).ID, p.TimeZone, p.Language)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}
