package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

// retryInput is the body of a retry. NotPosted is required for an
// unconfirmed delivery: the caller checked the account and it is not there.
type retryInput struct {
	NotPosted bool `json:"not_posted"`
}

func (s *Server) retryDelivery(c *gin.Context) {
	var in retryInput
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			s.fail(c, err)
			return
		}
	}
	d, err := s.st.RetryDelivery(c.Param("id"), c.Param("delivery"), actor(c), in.NotPosted)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

type confirmInput struct {
	PostURL string `json:"post_url"`
}

// confirmDelivery marks an awaiting or unconfirmed delivery as posted. An
// assignee of the manual channel may, whatever their roles; the rule is
// briefing.MayConfirm, applied in the store.
func (s *Server) confirmDelivery(c *gin.Context) {
	var in confirmInput
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			s.fail(c, err)
			return
		}
	}
	postURL, err := cleanPostURL(in.PostURL)
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.st.ConfirmDelivery(c.Param("id"), c.Param("delivery"), currentUser(c), postURL)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// cleanPostURL accepts an empty address or an http(s) one: it is shown as
// a link on the dashboard.
func cleanPostURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 2000 {
		return "", briefing.Invalid("post_url", "the post's address must be an http or https URL")
	}
	return raw, nil
}

// checkChannel is the preflight of one channel: nothing is posted.
func (s *Server) checkChannel(c *gin.Context) {
	ch, err := s.st.Channel(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	r := channel.Check(c.Request.Context(), *ch, s.channelEnv())
	logErr(s.log, "audit", s.st.Audit(actor(c), "channel.check", "channel:"+ch.ID, checkDetail(r)))
	c.JSON(http.StatusOK, r)
}

func checkDetail(r channel.Result) string {
	if r.OK {
		return "ok: " + r.Message
	}
	return "failed: " + r.Message
}
