package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/i18n"
)

// The message types page: admins define which channels each kind of news
// may go out on, and its default audience and threshold. The store
// validates, as for the API.

type typeForm struct {
	Name, Departments, Threshold string
	Channels                     []string
}

type typesView struct {
	Types    []*briefing.MessageType
	Channels []*briefing.Channel
	Names    map[string]string // channel names by id
	Form     typeForm
	Errors   formErrors
}

func (s *Server) typesPage(c *gin.Context) {
	s.renderTypes(c, http.StatusOK, typeForm{Threshold: "80"}, formErrors{})
}

func (s *Server) renderTypes(c *gin.Context, status int, f typeForm, errs formErrors) {
	v := typesView{Form: f, Errors: errs, Names: map[string]string{}}
	var err error
	if v.Types, err = s.st.MessageTypes(); err != nil {
		s.fail(c, err)
		return
	}
	if v.Channels, err = s.st.Channels(); err != nil {
		s.fail(c, err)
		return
	}
	for _, ch := range v.Channels {
		v.Names[ch.ID] = ch.Name
	}
	s.render(c, status, "admin_types", s.locale(c).T("admin.types_title"), "admin", v)
}

// apply reads the form onto a type; errs collects what cannot be read, in
// the reader's language.
func (f typeForm) apply(l *i18n.Locale, t *briefing.MessageType, errs *formErrors) {
	t.Name, t.Channels = f.Name, f.Channels
	if t.Channels == nil {
		t.Channels = []string{}
	}
	t.Audience = nil
	if d := strings.TrimSpace(f.Departments); d != "" {
		t.Audience = &briefing.Audience{Departments: strings.Split(d, ",")}
	}
	t.Policy = nil
	if strings.TrimSpace(f.Threshold) != "" {
		p, ok := parsePercent(f.Threshold)
		if !ok {
			errs.Add("type_threshold", "%s", l.T("admin.type_bad_share"))
			return
		}
		t.Policy = &briefing.Policy{Threshold: p, OnDeadline: briefing.DeadlineHold}
	}
}

var typeFields = map[string]string{"name": "type_name", "channels": "type_channels", "policy.threshold": "type_threshold"}

// saveTypeForm adds a type; changes go through PATCH /api/v1/message-types/{id}.
func (s *Server) saveTypeForm(c *gin.Context) {
	f := typeForm{Name: c.PostForm("name"), Departments: c.PostForm("departments"), Threshold: c.PostForm("threshold"),
		Channels: c.PostFormArray("channel")}
	l := s.locale(c)
	var errs formErrors
	t := &briefing.MessageType{}
	f.apply(l, t, &errs)
	if errs.Any() {
		s.renderTypes(c, http.StatusUnprocessableEntity, f, errs)
		return
	}
	err := s.st.CreateMessageType(t, actor(c))
	if err != nil && errs.addDomain(l, err, typeFields, "type_name") {
		s.renderTypes(c, http.StatusUnprocessableEntity, f, errs)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	redirectFlash(c, "/admin/message-types", l.T("admin.flash_type_saved"))
}
