package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/embargo"
)

// taskRow is a manual delivery in an assignee's inbox.
type taskRow struct {
	DeliveryID, Title, Platform string
	Since                       time.Time
}

// tasksOf lists the manual deliveries awaiting u.
func (s *Server) tasksOf(u *briefing.User) ([]taskRow, error) {
	list, err := s.st.Awaiting(u.Email)
	if err != nil {
		return nil, err
	}
	var out []taskRow
	for _, t := range list {
		a, err := s.st.Announcement(t.Delivery.AnnouncementID)
		if err != nil {
			return nil, err
		}
		cfg, _ := channel.ManualSettings(t.Channel.Config)
		out = append(out, taskRow{DeliveryID: t.Delivery.ID, Title: a.Title, Platform: cfg.Platform, Since: t.Delivery.CreatedAt})
	}
	return out, nil
}

// taskView is the page of one manual post: the ready text and the form
// that confirms it.
type taskView struct {
	DeliveryID, AnnouncementID, Title, Platform, Instructions, Text, State, PostURL string
	Errors                                                                          formErrors
}

// loadTask reads a manual delivery for u, who must be allowed to confirm
// it (briefing.MayConfirm); anyone else gets not found.
func (s *Server) loadTask(c *gin.Context) (*taskView, error) {
	d, err := s.st.Delivery(c.Param("delivery"))
	if err != nil {
		return nil, err
	}
	ch, err := s.st.Channel(d.ChannelID)
	if err != nil {
		return nil, err
	}
	cfg, err := channel.ManualSettings(ch.Config)
	if err != nil || ch.Kind != channel.KindManual {
		return nil, briefing.NotFound("no such task")
	}
	if err := briefing.MayConfirm(currentUser(c), cfg.Assignees); err != nil {
		return nil, err
	}
	a, err := s.st.Announcement(d.AnnouncementID)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(a.ChannelTextFor(ch.ID)) + "\n\n" + s.baseURL + "/news/" + a.Slug
	return &taskView{DeliveryID: d.ID, AnnouncementID: a.ID, Title: a.Title, Platform: cfg.Platform,
		Instructions: cfg.Instructions, Text: text, State: string(d.State), PostURL: d.PostURL}, nil
}

func (s *Server) taskPage(c *gin.Context) {
	v, err := s.loadTask(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "task", s.locale(c).T("staff.task_title", "Platform", v.Platform), "inbox", v)
}

func (s *Server) confirmTaskForm(c *gin.Context) {
	v, err := s.loadTask(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.locale(c)
	postURL, err := cleanPostURL(c.PostForm("post_url"))
	if err != nil {
		v.Errors.Add("post_url", "%s", l.T("staff.task_bad_url"))
		s.render(c, http.StatusUnprocessableEntity, "task", l.T("staff.task_title", "Platform", v.Platform), "inbox", v)
		return
	}
	if _, err := s.st.ConfirmDelivery(v.AnnouncementID, v.DeliveryID, currentUser(c), postURL); err != nil {
		s.fail(c, err)
		return
	}
	redirectFlash(c, "/", l.T("staff.task_thanks", "Platform", v.Platform))
}

// confirmForm is the dashboard's "Mark as posted" for an awaiting or
// unconfirmed delivery.
func (s *Server) confirmForm(c *gin.Context) {
	postURL, err := cleanPostURL(c.PostForm("post_url"))
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.st.ConfirmDelivery(c.Param("id"), c.Param("delivery"), currentUser(c), postURL)
	if err != nil {
		s.fail(c, err)
		return
	}
	redirectFlash(c, dashboardURL(c, "#deliveries"), s.locale(c).T("staff.marked_posted", "Channel", d.ChannelName))
}

// checkAnnouncementForm runs the preflight of an announcement's channels
// now (the dashboard's Check button) and records it for readiness.
func (s *Server) checkAnnouncementForm(c *gin.Context) {
	a, err := s.st.Announcement(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := embargo.CheckAnnouncement(c.Request.Context(), s.st, s.channelEnv(), a, actor(c)); err != nil {
		s.fail(c, err)
		return
	}
	redirectFlash(c, dashboardURL(c, "#deliveries"), s.locale(c).T("staff.channels_checked"))
}

// checkChannelForm is the channels page's Check button.
func (s *Server) checkChannelForm(c *gin.Context) {
	ch, err := s.st.Channel(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	r := channel.Check(c.Request.Context(), *ch, s.channelEnv())
	logErr(s.log, "audit", s.st.Audit(actor(c), "channel.check", "channel:"+ch.ID, checkDetail(r)))
	l := s.locale(c)
	if !r.OK {
		s.renderChannels(c, http.StatusOK, channelsView{Form: channelForm{Kind: "webhook"}}, ch.ID, l.T("staff.check_failed", "Message", upperFirst(r.Message)), &r)
		return
	}
	redirectFlash(c, "/admin/channels#ch-"+ch.ID, l.T("staff.check_passed", "Message", r.Message))
}
