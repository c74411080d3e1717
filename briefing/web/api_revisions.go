package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// revisionInput is a correction after publish: absent fields keep theirs.
type revisionInput struct {
	Title    *string                 `json:"title"`
	Summary  *string                 `json:"summary"`
	Body     *string                 `json:"body"`
	Channels *[]briefing.ChannelText `json:"channels"`
	Material *bool                   `json:"material"`
	Note     string                  `json:"note"`
}

// revision turns the input into the domain's revision. material is
// required: whether everyone acknowledges again is never a default.
func (in revisionInput) revision() (briefing.Revision, error) {
	if in.Material == nil {
		return briefing.Revision{}, briefing.Invalid("material", "say whether the change is material (everyone acknowledges again) or minor: material is true or false")
	}
	return briefing.Revision{Title: in.Title, Summary: in.Summary, Body: in.Body, Channels: in.Channels,
		Material: *in.Material, Note: in.Note}, nil
}

// reviseAPI posts a correction; briefing.CanRevise and RevisionNote decide
// in the store's transaction.
func (s *Server) reviseAPI(c *gin.Context) {
	var in revisionInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	rev, err := in.revision()
	if err != nil {
		s.fail(c, err)
		return
	}
	ch, err := s.st.Revise(c.Param("id"), currentUser(c), rev)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"version": ch.Version, "material": ch.Material, "at": ch.At})
}
