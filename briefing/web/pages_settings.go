package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// The organisation's settings for admins: a plain form over the same
// store call as PATCH /api/v1/settings, so the page and the API refuse
// alike.

// settingsForm is the settings as the admin typed them: numbers stay text
// so that what was typed comes back when it is refused.
type settingsForm struct {
	Privacy, MinGroup, RetentionDays, TimeZone, Language string
	ApprovalRequired                                     bool
}

func (f *settingsForm) from(s briefing.Settings) {
	*f = settingsForm{Privacy: string(s.Privacy), MinGroup: strconv.Itoa(s.MinGroup),
		RetentionDays: strconv.Itoa(s.ReceiptRetentionDays), TimeZone: s.TimeZone, Language: s.Language,
		ApprovalRequired: s.ApprovalRequired}
}

type settingsAdminView struct {
	Form   settingsForm
	Errors formErrors
	// Zone is the organisation's time zone as stored: the page names it
	// next to the field, which may hold a refused value.
	Zone string
}

// settingsFields maps the settings' JSON names to the form's control ids.
var settingsFields = map[string]string{"privacy": "privacy-personal", "min_group": "min_group",
	"receipt_retention_days": "receipt_retention_days", "time_zone": "time_zone", "language": "language"}

func (s *Server) settingsAdminPage(c *gin.Context) {
	set, err := s.st.Settings()
	if err != nil {
		s.fail(c, err)
		return
	}
	v := settingsAdminView{Zone: set.TimeZone}
	v.Form.from(set)
	s.render(c, http.StatusOK, "admin_settings", s.locale(c).T("admin.settings_title"), "admin", v)
}

// renderSettingsRefused shows the form again with what was typed and what
// to fix.
func (s *Server) renderSettingsRefused(c *gin.Context, v settingsAdminView) {
	set, err := s.st.Settings()
	if err != nil {
		s.fail(c, err)
		return
	}
	v.Zone = set.TimeZone
	s.render(c, http.StatusUnprocessableEntity, "admin_settings", s.locale(c).T("admin.settings_title"), "admin", v)
}

func (s *Server) saveSettingsForm(c *gin.Context) {
	f := settingsForm{Privacy: c.PostForm("privacy"), MinGroup: strings.TrimSpace(c.PostForm("min_group")),
		RetentionDays: strings.TrimSpace(c.PostForm("receipt_retention_days")),
		TimeZone:      c.PostForm("time_zone"), Language: c.PostForm("language"),
		ApprovalRequired: c.PostForm("approval_required") == "on"}
	l := s.locale(c)
	v := settingsAdminView{Form: f}
	minGroup, err1 := strconv.Atoi(f.MinGroup)
	if err1 != nil {
		v.Errors.Add("min_group", "%s", l.T("admin.min_group_number"))
	}
	days, err2 := strconv.Atoi(f.RetentionDays)
	if err2 != nil {
		v.Errors.Add("receipt_retention_days", "%s", l.T("admin.retention_number"))
	}
	if v.Errors.Any() {
		s.renderSettingsRefused(c, v)
		return
	}
	_, err := s.st.UpdateSettings(actor(c), func(set *briefing.Settings) error {
		set.Privacy, set.MinGroup, set.ReceiptRetentionDays = briefing.Privacy(f.Privacy), minGroup, days
		set.TimeZone, set.Language = f.TimeZone, f.Language
		set.ApprovalRequired = f.ApprovalRequired
		return nil
	})
	if err != nil {
		if !v.Errors.addDomain(l, err, settingsFields, "privacy-personal") {
			s.fail(c, err)
			return
		}
		s.renderSettingsRefused(c, v)
		return
	}
	// The note speaks the language of the next page: a new organisation
	// language may be the admin's now.
	redirectFlash(c, "/admin/settings", s.localeOf(c.Request, currentUser(c)).T("admin.flash_settings_saved"))
}
