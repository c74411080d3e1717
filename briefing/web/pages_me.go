package web

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"firsthand/briefing/i18n"
)

// "Your settings" for every signed-in person: their own time zone and
// language over the same store call as PATCH /api/v1/me, so the page and
// the API refuse alike, and the download of their data.

// meForm is the settings form as the person sent it; "" is the
// organisation's default.
type meForm struct {
	TimeZone, Language string
}

// meView is everything the page shows.
type meView struct {
	Form   meForm
	Errors formErrors
	// OrgZone and OrgLanguage name the organisation's defaults.
	OrgZone, OrgLanguage string
	// Top are the zones before the regions: one the list lacks but the
	// form holds (the person's own, set through the API, or one just
	// refused), so that nothing is lost, and UTC.
	Top     []string
	Regions []zoneRegion
}

// zoneRegion is one group of the time-zone list.
type zoneRegion struct {
	Label string
	Zones []string
}

// commonZones are the zones the page offers: one for each rule most
// people live under. PATCH /api/v1/me takes any IANA zone; a person's own
// zone outside the list is offered as well.
var commonZones = []string{
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Brussels", "Europe/Amsterdam",
	"Europe/Luxembourg", "Europe/Berlin", "Europe/Zurich", "Europe/Vienna", "Europe/Rome", "Europe/Madrid",
	"Europe/Copenhagen", "Europe/Oslo", "Europe/Stockholm", "Europe/Warsaw", "Europe/Prague", "Europe/Budapest",
	"Europe/Belgrade", "Europe/Helsinki", "Europe/Tallinn", "Europe/Riga", "Europe/Vilnius", "Europe/Athens",
	"Europe/Bucharest", "Europe/Sofia", "Europe/Kyiv", "Europe/Istanbul", "Europe/Moscow",
	"Africa/Casablanca", "Africa/Lagos", "Africa/Cairo", "Africa/Nairobi", "Africa/Johannesburg",
	"America/St_Johns", "America/Halifax", "America/Toronto", "America/New_York", "America/Chicago",
	"America/Denver", "America/Phoenix", "America/Los_Angeles", "America/Vancouver", "America/Anchorage",
	"America/Mexico_City", "America/Bogota", "America/Lima", "America/Santiago", "America/Argentina/Buenos_Aires",
	"America/Sao_Paulo",
	"Asia/Jerusalem", "Asia/Riyadh", "Asia/Dubai", "Asia/Tehran", "Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu",
	"Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore", "Asia/Hong_Kong", "Asia/Shanghai", "Asia/Taipei",
	"Asia/Manila", "Asia/Seoul", "Asia/Tokyo",
	"Australia/Perth", "Australia/Darwin", "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney",
	"Australia/Melbourne", "Australia/Lord_Howe", "Pacific/Auckland", "Pacific/Honolulu",
}

// offeredZones are the common zones this server can load, by region, read
// once: a zone the system's time-zone data lacks is never offered.
var offeredZones = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for _, z := range commonZones {
		if _, err := time.LoadLocation(z); err == nil {
			region, _, _ := strings.Cut(z, "/")
			out[region] = append(out[region], z)
		}
	}
	return out
})

// zoneRegions are the regions of the list in the reader's language, in
// the list's order.
func zoneRegions(l *i18n.Locale) []zoneRegion {
	names := []struct{ key, label string }{
		{"Europe", l.T("me.region_europe")}, {"Africa", l.T("me.region_africa")},
		{"America", l.T("me.region_america")}, {"Asia", l.T("me.region_asia")},
		{"Australia", l.T("me.region_australia")}, {"Pacific", l.T("me.region_pacific")},
	}
	zones := offeredZones()
	var out []zoneRegion
	for _, n := range names {
		if len(zones[n.key]) > 0 {
			out = append(out, zoneRegion{Label: n.label, Zones: zones[n.key]})
		}
	}
	return out
}

// zoneOffered reports whether the list holds zone.
func zoneOffered(zone string) bool {
	region, _, _ := strings.Cut(zone, "/")
	return zone == "UTC" || slices.Contains(offeredZones()[region], zone)
}

// languageName is a language as the reader calls it ("Englisch" on a
// German page); the options themselves name each language in itself.
func languageName(l *i18n.Locale, lang string) string {
	if lang == i18n.German {
		return l.T("me.name_de")
	}
	return l.T("me.name_en")
}

// meFields maps the user's JSON names to the form's control ids.
var meFields = map[string]string{"time_zone": "time_zone", "language": "language"}

func (s *Server) yourSettingsPage(c *gin.Context) {
	u := currentUser(c)
	s.renderMe(c, http.StatusOK, meForm{TimeZone: u.TimeZone, Language: u.Language}, formErrors{})
}

// saveYourSettingsForm changes the person's own zone and language and
// answers in the language just chosen.
func (s *Server) saveYourSettingsForm(c *gin.Context) {
	f := meForm{TimeZone: strings.TrimSpace(c.PostForm("time_zone")), Language: strings.TrimSpace(c.PostForm("language"))}
	u, err := s.st.SetPreferences(currentUser(c).ID, &f.TimeZone, &f.Language)
	if err != nil {
		var errs formErrors
		if !errs.addDomain(s.locale(c), err, meFields, "time_zone") {
			s.fail(c, err)
			return
		}
		s.renderMe(c, http.StatusUnprocessableEntity, f, errs)
		return
	}
	redirectFlash(c, "/settings", s.localeOf(c.Request, u).T("me.flash_saved"))
}

func (s *Server) renderMe(c *gin.Context, status int, f meForm, errs formErrors) {
	set, err := s.st.Settings()
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.locale(c)
	v := meView{Form: f, Errors: errs, OrgZone: i18n.Zone("", set.TimeZone).String(),
		OrgLanguage: languageName(l, set.Language), Regions: zoneRegions(l)}
	if f.TimeZone != "" && !zoneOffered(f.TimeZone) {
		v.Top = append(v.Top, f.TimeZone)
	}
	v.Top = append(v.Top, "UTC")
	s.render(c, status, "settings", l.T("me.title"), "settings", v)
}
