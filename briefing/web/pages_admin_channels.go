package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/i18n"
)

// channelForm is a new channel as the admin typed it. Values holds the
// kind fields by input name (<kind>_<field>); secrets are never written
// back into a page, not even after a validation error: HadSecret says
// which to ask for again.
type channelForm struct {
	Name, Kind, Purpose string
	Values              map[string]string
	HadSecret           map[string]bool
}

// kindForm is one kind of the catalogue as the add form shows it.
type kindForm struct {
	channel.Kind
	Fields []fieldForm
}

type fieldForm struct {
	channel.Field
	Input string // the input's name and id
}

// channelFormKinds lists the kinds an admin may add, in the reader's
// language: every kind of the catalogue but the permanent ones (the
// newsroom exists once).
func channelFormKinds(l *i18n.Locale) []kindForm {
	var out []kindForm
	for _, k := range channel.Catalogue() {
		if k.Permanent {
			continue
		}
		out = append(out, localKind(l, k))
	}
	return out
}

// channelFields maps the domain's fields to the form's, per kind.
func channelFields(kind string) map[string]string {
	m := map[string]string{"name": "ch-name", "purpose": "ch-purpose", "kind": "ch-kind", "config": "ch-kind"}
	if k, ok := channel.Lookup(briefing.ChannelKind(kind)); ok {
		for _, f := range k.Fields {
			m["config."+f.Name] = kind + "_" + f.Name
		}
	}
	return m
}

// channelRow is a channel in the list: where it goes, never its secrets.
type channelRow struct {
	*briefing.Channel
	// Purpose is the channel's, but for the built-in newsroom: the store
	// wrote its purpose, not a person, so the page says it in the reader's
	// language.
	Purpose   string
	Where     string
	Limit     int
	Permanent bool
	Testable  bool // a test message means something: not for the newsroom or a manual channel
	Error     string
	Check     *channel.Result
	// OAuth kinds (x, linkedin) connect an account: Connected says whether
	// they can post, Failed why the last refresh lost the account.
	OAuth     bool
	Platform  string
	Connected bool
	Failed    string
}

type channelsView struct {
	Channels []channelRow
	Form     channelForm
	Errors   formErrors
	Kinds    []kindForm
}

func (s *Server) channelsPage(c *gin.Context) {
	s.renderChannels(c, http.StatusOK, channelsView{Form: channelForm{Kind: "webhook"}}, "", "", nil)
}

func (s *Server) renderChannels(c *gin.Context, status int, v channelsView, errID, errMsg string, check *channel.Result) {
	list, err := s.st.Channels()
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.locale(c)
	for _, ch := range list {
		row := channelRow{Channel: ch, Purpose: ch.Purpose, Limit: ch.TextLimit()}
		if app, ok := channel.LookupOAuth(ch.Kind); ok {
			t := briefing.TokensOf(ch.Config)
			row.OAuth, row.Platform, row.Connected, row.Failed = true, app.Platform, t.Connected(), t.Failed
		}
		if k, ok := channel.Lookup(ch.Kind); ok {
			row.Permanent = k.Permanent
			if k.Permanent && ch.Kind == briefing.KindNewsroom {
				row.Purpose = l.T("admin.newsroom_purpose")
			}
			row.Testable = k.Retry != briefing.RetryLocal && k.Retry != briefing.RetryPerson
			if k.Where != nil {
				row.Where = k.Where(ch.Config)
			}
		}
		if ch.ID == errID {
			row.Error, row.Check = errMsg, check
		}
		v.Channels = append(v.Channels, row)
	}
	v.Kinds = channelFormKinds(l)
	s.render(c, status, "admin_channels", l.T("admin.channels_title"), "admin", v)
}

// channelConfigFromForm builds a kind's config object from the form's
// <kind>_<field> inputs: lists split by commas and lines, numbers parsed,
// empty optional fields left out.
func channelConfigFromForm(c *gin.Context, kind string) (json.RawMessage, channelForm) {
	f := channelForm{Name: c.PostForm("name"), Kind: kind, Purpose: c.PostForm("purpose"),
		Values: map[string]string{}, HadSecret: map[string]bool{}}
	cfg := map[string]any{}
	k, ok := channel.Lookup(briefing.ChannelKind(kind))
	if ok {
		for _, fd := range k.Fields {
			in := kind + "_" + fd.Name
			v := strings.TrimSpace(c.PostForm(in))
			if fd.Secret {
				f.HadSecret[in] = v != ""
			} else {
				f.Values[in] = v
			}
			switch {
			case v == "" && fd.Optional:
			case fd.Type == "list":
				cfg[fd.Name] = splitPeople(v)
			case fd.Type == "number":
				if n, err := strconv.Atoi(v); err == nil {
					cfg[fd.Name] = n
				} else {
					cfg[fd.Name] = v // the kind's check names the field
				}
			default:
				cfg[fd.Name] = v
			}
		}
	}
	raw, _ := json.Marshal(cfg)
	return raw, f
}

func (s *Server) addChannelForm(c *gin.Context) {
	kind := c.PostForm("kind")
	raw, f := channelConfigFromForm(c, kind)
	ch, err := s.addChannel(channelInput{Name: f.Name, Kind: briefing.ChannelKind(kind), Purpose: strings.TrimSpace(f.Purpose), Config: raw}, actor(c))
	l := s.locale(c)
	if err != nil {
		v := channelsView{Form: f}
		if !v.Errors.addDomain(l, err, channelFields(kind), "ch-name") {
			s.fail(c, err)
			return
		}
		s.renderChannels(c, http.StatusUnprocessableEntity, v, "", "", nil)
		return
	}
	redirectFlash(c, "/admin/channels#ch-"+ch.ID, l.T("admin.flash_channel_added", "Name", ch.Name))
}

// testChannelForm sends a marked test message; a failure is shown next to
// the channel, with the receiver's answer.
func (s *Server) testChannelForm(c *gin.Context) {
	id := c.Param("id")
	l := s.locale(c)
	if err := s.sendTest(c.Request.Context(), id, actor(c)); err != nil {
		if status, _ := classify(err); status == http.StatusConflict {
			s.renderChannels(c, status, channelsView{Form: channelForm{Kind: "webhook"}}, id, refusal(l, err), nil)
			return
		}
		s.fail(c, err)
		return
	}
	redirectFlash(c, "/admin/channels#ch-"+id, l.T("admin.flash_test_sent"))
}

// channelDisabledForm turns a channel off or back on (after a 410 Gone
// disabled it, for example).
func (s *Server) channelDisabledForm(c *gin.Context) {
	l := s.locale(c)
	id, off := c.Param("id"), c.PostForm("disabled") == "true"
	note := ""
	if off {
		// A note is stored and read by every admin later: it is written in
		// the language of the one who disabled the channel.
		note = l.T("admin.disabled_by", "Name", currentUser(c).Name)
	}
	if err := s.st.SetChannelDisabled(id, actor(c), off, note); err != nil {
		s.fail(c, err)
		return
	}
	msg := l.T("admin.flash_enabled")
	if off {
		msg = l.T("admin.flash_disabled")
	}
	redirectFlash(c, "/admin/channels#ch-"+id, msg)
}
