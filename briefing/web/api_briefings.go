package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

func (s *Server) inboxAPI(c *gin.Context) {
	list, err := s.st.Inbox(currentUser(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if list == nil {
		list = []briefing.Briefing{}
	}
	c.JSON(http.StatusOK, gin.H{"briefings": list})
}

func (s *Server) briefingAPI(c *gin.Context) {
	b, err := s.st.ReadBriefing(c.Param("id"), currentUser(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, b)
}

func (s *Server) ackAPI(c *gin.Context) {
	res, err := s.st.Acknowledge(c.Param("id"), currentUser(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.metrics.acks.Inc()
	// The body gin would render for gin.H{"acknowledged_at": …}, without
	// the reflection over a map: this is the hottest write path
	// (docs/performance.md).
	at := []byte("null") // retention erased the time
	if !res.AcknowledgedAt.IsZero() {
		var err error
		if at, err = res.AcknowledgedAt.MarshalJSON(); err != nil {
			s.fail(c, err)
			return
		}
	}
	body := make([]byte, 0, len(`{"acknowledged_at":,"version":}`)+len(at)+5)
	body = append(append(append(body, `{"acknowledged_at":`...), at...), `,"version":`...)
	body = append(strconv.AppendInt(body, int64(res.Version), 10), '}')
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

type textInput struct {
	Text string `json:"text"`
}

func (s *Server) askAPI(c *gin.Context) {
	var in textInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	q, err := s.st.Ask(c.Param("id"), currentUser(c).ID, in.Text)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": q.ID, "text": q.Text, "asked_at": q.AskedAt})
}

// visibleQuestions returns the questions of a briefing to a recipient, an
// author or a manager. Every recipient sees every question and answer; the
// asker's name only authors and managers see.
func (s *Server) visibleQuestions(c *gin.Context, annID string) ([]*briefing.Question, error) {
	u := currentUser(c)
	staff := u.Has(briefing.RoleAuthor) || u.Has(briefing.RoleManager)
	if !staff && !s.st.IsRecipient(annID, u.ID) {
		return nil, briefing.NotFound("no such briefing")
	}
	if staff {
		// An unknown id is 404 for staff too, not an empty list.
		if _, err := s.st.Announcement(annID); err != nil {
			return nil, err
		}
	}
	qs, err := s.st.Questions(annID)
	if err != nil {
		return nil, err
	}
	if !staff {
		for _, q := range qs {
			q.AskerName = ""
		}
	}
	return qs, nil
}

func (s *Server) questionsAPI(c *gin.Context) {
	qs, err := s.visibleQuestions(c, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"questions": qs})
}

func (s *Server) answerAPI(c *gin.Context) {
	var in textInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	q, err := s.st.Answer(c.Param("id"), actor(c), in.Text)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, q)
}
