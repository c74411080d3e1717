package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/store"
)

// channelForm is a new channel as the admin typed it. Secrets (the webhook
// secret, the Slack URL, the Mastodon token) are never written back into
// a page, not even after a validation error.
type channelForm struct {
	Name, Kind, Purpose                   string
	WebhookURL, EmailTo, SubjectPrefix    string
	MastodonInstance                      string
	HadWebhookSecret, HadSlack, HadMaston bool
}

// channelKinds are the kinds the form offers, with what each is for.
var channelKinds = []struct{ Kind, Label, Hint string }{
	{"webhook", "Webhook", "Signed POST to your own system (Standard Webhooks)."},
	{"slack", "Slack / Mattermost / Rocket.Chat", "A message through an incoming-webhook URL."},
	{"email", "E-mail list", "Press list or partners, through the configured SMTP server."},
	{"mastodon", "Mastodon", "A public post; at most 500 characters."},
}

// channelFields maps the domain's fields to the form's, per kind.
func channelFields(kind string) map[string]string {
	m := map[string]string{"name": "ch-name", "purpose": "ch-purpose", "kind": "ch-kind", "config": "ch-kind"}
	switch kind {
	case "webhook":
		m["config.url"], m["config.secret"] = "webhook_url", "webhook_secret"
	case "slack":
		m["config.url"] = "slack_url"
	case "email":
		m["config.to"] = "email_to"
	case "mastodon":
		m["config.instance"], m["config.access_token"] = "mastodon_instance", "mastodon_token"
	}
	return m
}

// channelRow is a channel in the list: where it goes, never its secrets.
type channelRow struct {
	*briefing.Channel
	Where string
	Limit int
	Error string
}

type channelsView struct {
	Channels []channelRow
	Form     channelForm
	Errors   formErrors
	Kinds    any
}

func (s *Server) channelsPage(c *gin.Context) {
	s.renderChannels(c, http.StatusOK, channelsView{Form: channelForm{Kind: "webhook"}}, "", "")
}

func (s *Server) renderChannels(c *gin.Context, status int, v channelsView, errID, errMsg string) {
	list, err := s.st.Channels()
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, ch := range list {
		row := channelRow{Channel: ch, Where: channelWhere(ch), Limit: ch.Kind.TextLimit()}
		if ch.ID == errID {
			row.Error = errMsg
		}
		v.Channels = append(v.Channels, row)
	}
	v.Kinds = channelKinds
	s.render(c, status, "admin_channels", "Channels", "admin", v)
}

// channelWhere says where a channel sends to without giving away a secret: only
// the host of a URL, whose path or query may carry a token.
func channelWhere(ch *briefing.Channel) string {
	host := func(raw string) string {
		if u, err := url.Parse(raw); err == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host
		}
		return ""
	}
	switch ch.Kind {
	case briefing.KindWebhook, briefing.KindSlack:
		return host(ch.Config.URL)
	case briefing.KindEmail:
		return strings.Join(ch.Config.To, ", ")
	case briefing.KindMastodon:
		return host(ch.Config.Instance)
	}
	return ""
}

func (s *Server) addChannelForm(c *gin.Context) {
	f := channelForm{Name: c.PostForm("name"), Kind: c.PostForm("kind"), Purpose: c.PostForm("purpose"),
		WebhookURL: c.PostForm("webhook_url"), EmailTo: c.PostForm("email_to"),
		SubjectPrefix: c.PostForm("subject_prefix"), MastodonInstance: c.PostForm("mastodon_instance"),
		HadWebhookSecret: c.PostForm("webhook_secret") != "", HadSlack: c.PostForm("slack_url") != "",
		HadMaston: c.PostForm("mastodon_token") != ""}
	var cfg briefing.ChannelConfig
	switch f.Kind {
	case "webhook":
		cfg.URL, cfg.Secret = strings.TrimSpace(f.WebhookURL), strings.TrimSpace(c.PostForm("webhook_secret"))
	case "slack":
		cfg.URL = strings.TrimSpace(c.PostForm("slack_url"))
	case "email":
		cfg.To, cfg.SubjectPrefix = splitPeople(f.EmailTo), f.SubjectPrefix
	case "mastodon":
		cfg.Instance, cfg.AccessToken = strings.TrimSpace(f.MastodonInstance), strings.TrimSpace(c.PostForm("mastodon_token"))
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		s.fail(c, err)
		return
	}
	ch, err := s.addChannel(channelInput{Name: f.Name, Kind: briefing.ChannelKind(f.Kind), Purpose: strings.TrimSpace(f.Purpose), Config: raw}, actor(c))
	if err != nil {
		v := channelsView{Form: f}
		if !v.Errors.addDomain(err, channelFields(f.Kind), "ch-name") {
			s.fail(c, err)
			return
		}
		s.renderChannels(c, http.StatusUnprocessableEntity, v, "", "")
		return
	}
	redirectFlash(c, "/admin/channels#ch-"+ch.ID, "Added "+ch.Name+". Send a test to see that it works.")
}

// testChannelForm sends a marked test message; a failure is shown next to
// the channel, with the receiver's answer.
func (s *Server) testChannelForm(c *gin.Context) {
	id := c.Param("id")
	if err := s.sendTest(c.Request.Context(), id, actor(c)); err != nil {
		if status, body := classify(err); status == http.StatusConflict {
			s.renderChannels(c, status, channelsView{Form: channelForm{Kind: "webhook"}}, id, upperFirst(body.Message))
			return
		}
		s.fail(c, err)
		return
	}
	redirectFlash(c, "/admin/channels#ch-"+id, "Test sent. Check that it arrived.")
}

// channelDisabledForm turns a channel off or back on (after a 410 Gone
// disabled it, for example).
func (s *Server) channelDisabledForm(c *gin.Context) {
	id, off := c.Param("id"), c.PostForm("disabled") == "true"
	note := ""
	if off {
		note = "disabled by " + currentUser(c).Name
	}
	if err := s.st.SetChannelDisabled(id, actor(c), off, note); err != nil {
		s.fail(c, err)
		return
	}
	msg := "Channel enabled again."
	if off {
		msg = "Channel disabled: new releases skip it."
	}
	redirectFlash(c, "/admin/channels#ch-"+id, msg)
}

// pageSizeAudit is how many events the audit log shows at a time.
const pageSizeAudit = 50

type auditRow struct {
	store.AuditEvent
	Who, Link string
}

func (s *Server) auditAdminPage(c *gin.Context) {
	action, target := strings.TrimSpace(c.Query("action")), strings.TrimSpace(c.Query("target"))
	events, next, err := s.st.AuditEvents(store.AuditFilter{Action: action, Target: target, After: c.Query("after"), Limit: pageSizeAudit})
	if err != nil {
		s.fail(c, err)
		return
	}
	names := map[string]string{}
	rows := make([]auditRow, len(events))
	for i, e := range events {
		rows[i] = auditRow{AuditEvent: e, Who: e.Actor}
		if id, ok := strings.CutPrefix(e.Actor, "user:"); ok {
			if _, seen := names[id]; !seen {
				if u, err := s.st.User(id); err == nil {
					names[id] = u.Name
				} else {
					names[id] = e.Actor
				}
			}
			rows[i].Who = names[id]
		}
		if id, ok := strings.CutPrefix(e.Target, "announcement:"); ok {
			rows[i].Link = "/announcements/" + id
		} else if id, ok := strings.CutPrefix(e.Target, "user:"); ok {
			rows[i].Link = "/admin/users/" + id
		} else if id, ok := strings.CutPrefix(e.Target, "channel:"); ok {
			rows[i].Link = "/admin/channels#ch-" + id
		}
	}
	q := url.Values{}
	if action != "" {
		q.Set("action", action)
	}
	if target != "" {
		q.Set("target", target)
	}
	nextURL := ""
	if next != "" {
		q.Set("after", next)
		nextURL = "/admin/audit?" + q.Encode()
	}
	s.render(c, http.StatusOK, "admin_audit", "Audit log", "admin", gin.H{
		"Rows": rows, "Action": action, "Target": target, "Next": nextURL, "Paged": c.Query("after") != "",
		"Actions": []string{"announcement.", "announcement.publish", "announcement.release", "announcement.withdraw",
			"announcement.remind", "question.answer", "delivery.", "channel.", "user.", "token.create", "session.fail", "backup"},
	})
}
