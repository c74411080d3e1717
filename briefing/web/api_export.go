package web

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"
)

// exportAPI is a person's own data (GDPR Art. 15), as a download. The page
// link and the API are the same route: a session cookie or a token.
func (s *Server) exportAPI(c *gin.Context) {
	data, err := s.st.Export(currentUser(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	body, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="firsthand-export-`+data.ExportedAt.Format("2006-01-02")+`.json"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}
