package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// The approval's API: submit (an author), approve and reject (a reviewer).
// The rules are briefing.CanSubmit, CanApprove and CanReject, applied by
// the store in its transaction.

func (s *Server) submitAPI(c *gin.Context) {
	a, err := s.st.Submit(c.Param("id"), currentUser(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"state": a.State})
}

type noteInput struct {
	Note string `json:"note"`
}

func (s *Server) approveAPI(c *gin.Context) {
	var in noteInput
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			s.fail(c, err)
			return
		}
	}
	a, err := s.st.Approve(c.Param("id"), currentUser(c), in.Note)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"state": a.State})
}

func (s *Server) rejectAPI(c *gin.Context) {
	var in reasonInput
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			s.fail(c, err)
			return
		}
	}
	a, err := s.st.Reject(c.Param("id"), currentUser(c), in.Reason)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"state": a.State})
}
