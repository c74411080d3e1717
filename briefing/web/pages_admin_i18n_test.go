package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/i18n"
	"firsthand/templates"
)

// The admin pages and the public newsroom in English and German: every
// page for a German reader, the same pages still English for an English
// one, and the channel catalogue's words in both languages.

// sendIn is a request from a browser that asks for the languages lang
// (Accept-Language; "" asks for none); u nil is a visitor who is not signed
// in, form nil a request without a body.
func (a *pgApp) sendIn(lang string, u *pgUser, method, path string, form url.Values) pgResp {
	a.t.Helper()
	h := http.Header{}
	if lang != "" {
		h.Set("Accept-Language", lang)
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
		h.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return a.do(u, method, path, body, h)
}

// orgLanguage makes lang the organisation's language.
func (a *pgApp) orgLanguage(lang string) {
	a.t.Helper()
	if _, err := a.st.UpdateSettings("test", func(s *briefing.Settings) error { s.Language = lang; return nil }); err != nil {
		a.t.Fatal(err)
	}
}

// germanAdminOrg is an organisation with German content on every admin
// page: a channel, a message type, a released announcement (in the audit
// log) and a person to open.
func germanAdminOrg(t *testing.T) (*pgApp, pgOrg) {
	t.Helper()
	a := newPgApp(t)
	o := a.org()
	// German content only: the org's "IT" reads as the English "it".
	for _, u := range append([]pgUser{o.admin, o.author}, o.sales...) {
		if _, err := a.st.UpdateUser(u.ID, "test", func(u *briefing.User) error { u.Department = "EDV"; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	ch := a.webhookChannel("Partnerkanal")
	a.germanNews(o, "Neue Preise ab April", ch) // before the type: from then on, news needs one
	if err := a.st.CreateMessageType(&briefing.MessageType{Name: "Preisänderung", Channels: []string{ch.ID},
		Audience: &briefing.Audience{Departments: []string{"Vertrieb"}}, Policy: &briefing.Policy{Threshold: 0.6}}, "test"); err != nil {
		t.Fatal(err)
	}
	return a, o
}

// germanNews creates, publishes and releases an announcement written in
// German on ch.
func (a *pgApp) germanNews(o pgOrg, title string, ch *briefing.Channel) *briefing.Announcement {
	a.t.Helper()
	ann := &briefing.Announcement{AuthorID: o.author.ID, Title: title, Summary: "Kurz gesagt: " + title,
		Body: "Alle Einzelheiten zu **" + title + "**.", Audience: briefing.Audience{Departments: []string{"Sales"}},
		Channels: []briefing.ChannelText{{ChannelID: ch.ID}}}
	if err := a.st.CreateAnnouncement(ann, "test"); err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.st.Publish(ann.ID, "test"); err != nil {
		a.t.Fatal(err)
	}
	released, err := a.st.Release(ann.ID, o.manager.User, "Freigabe")
	if err != nil {
		a.t.Fatal(err)
	}
	return released
}

func TestAdminPagesInGerman(t *testing.T) {
	a, o := germanAdminOrg(t)
	for _, tt := range []struct {
		path string
		want []string
	}{
		{"/admin/users", []string{"<title>Personen · Firsthand", "Person hinzufügen", "Verzeichnis importieren", "Führungskraft", "aktiv"}},
		{"/admin/users/" + o.sales[0].ID, []string{"Angaben und Rollen", "Deaktivieren", "Mitarbeitende", "angelegt am "}},
		{"/admin/channels", []string{"<title>Kanäle · Firsthand", "Newsroom und Feed", "eingebaut", "Kanal hinzufügen",
			"Einstellungen für E-Mail-Verteiler", "Signaturschlüssel", "Nur über einen Proxy; sonst https://api.x.com"}},
		{"/admin/message-types", []string{"<title>Meldungsarten · Firsthand", "Preisänderung", "Partnerkanal", "für Vertrieb", "60\u00a0% müssen bestätigen"}},
		{"/admin/audit", []string{"<title>Protokoll · Firsthand", "<code>announcement.publish</code>", "an die Belegschaft gesendet", "veröffentlicht", "Wann"}},
		{"/admin/audit?action=nothing.here", []string{"Keine Einträge passen zu diesem Filter."}},
		{"/admin/settings", []string{"<title>Einstellungen · Firsthand", "Betriebsratsmodus", "Zeitzone der Organisation",
			"Eingestellt ist: UTC.", `<option value="en" selected>English</option>`, `<option value="de">Deutsch</option>`}},
	} {
		r := a.sendIn(germanBrowser, &o.admin, http.MethodGet, tt.path, nil)
		pgWant(t, tt.path, r, http.StatusOK)
		pgGerman(t, tt.path, r.Body)
		pgContains(t, tt.path, r.Body, tt.want...)
	}

	// A new token is shown once, in German too.
	r := a.sendIn(germanBrowser, &o.admin, http.MethodPost, "/admin/users/"+o.sales[0].ID+"/token", url.Values{})
	pgWant(t, "token", r, http.StatusOK)
	pgGerman(t, "token", r.Body)
	pgContains(t, "token", r.Body, "Neues API-Token", "Authorization: Bearer &lt;token&gt;")
}

// TestAdminFormsAnswerInGerman: what the admin pages say back (the notes
// after a change, the errors next to a field) is German for a German
// reader.
func TestAdminFormsAnswerInGerman(t *testing.T) {
	a, o := germanAdminOrg(t)
	post := func(path string, form url.Values) pgResp {
		t.Helper()
		return a.sendIn(germanBrowser, &o.admin, http.MethodPost, path, form)
	}

	r := post("/admin/users", url.Values{"email": {"fritz@example.com"}, "name": {"Fritz"}, "department": {"Vertrieb"}, "role": {"employee"}})
	pgWant(t, "add a person", r, http.StatusSeeOther)
	if r.Flash != "Fritz wurde hinzugefügt." {
		t.Errorf("add a person: got the note %q", r.Flash)
	}
	r = post(r.Location+"/active", url.Values{"active": {"false"}})
	pgWant(t, "deactivate", r, http.StatusSeeOther)
	if !strings.HasPrefix(r.Flash, "Fritz ist deaktiviert") {
		t.Errorf("deactivate: got the note %q", r.Flash)
	}
	r = post("/admin/users/import", url.Values{"csv": {""}})
	pgWant(t, "empty import", r, http.StatusUnprocessableEntity)
	pgGerman(t, "empty import", r.Body)
	pgContains(t, "empty import", r.Body, `id="import-file-err"`, "Wählen Sie eine CSV-Datei")
	r = post("/admin/users/import", url.Values{"csv": {"email,name,department,location,roles\nneu@example.com,Neu,Vertrieb,Leipzig,\n"}})
	pgWant(t, "import", r, http.StatusOK)
	pgGerman(t, "import", r.Body)
	pgContains(t, "import", r.Body, "<strong>1</strong> hinzugefügt", "Alle Zeilen wurden importiert.")

	r = post("/admin/message-types", url.Values{"name": {"Stellenanzeige"}, "threshold": {"viel"}})
	pgWant(t, "a bad threshold", r, http.StatusUnprocessableEntity)
	pgGerman(t, "a bad threshold", r.Body)
	pgContains(t, "a bad threshold", r.Body, `id="type_threshold-err"`, "Geben Sie einen Anteil über 0 und höchstens 100 (%) an")
	r = post("/admin/message-types", url.Values{"name": {"Stellenanzeige"}, "threshold": {"50"}})
	pgWant(t, "add a type", r, http.StatusSeeOther)
	if !strings.HasPrefix(r.Flash, "Meldungsart gespeichert.") {
		t.Errorf("add a type: got the note %q", r.Flash)
	}

	list, _ := a.st.Channels()
	partner := list[len(list)-1]
	r = post("/admin/channels/"+partner.ID+"/disabled", url.Values{"disabled": {"true"}})
	pgWant(t, "disable", r, http.StatusSeeOther)
	if !strings.HasPrefix(r.Flash, "Der Kanal ist deaktiviert") {
		t.Errorf("disable: got the note %q", r.Flash)
	}
	r = a.sendIn(germanBrowser, &o.admin, http.MethodGet, "/admin/channels", nil)
	pgGerman(t, "a disabled channel", r.Body)
	pgContains(t, "a disabled channel", r.Body, "deaktiviert von Ada")

	settings := url.Values{"privacy": {"personal"}, "min_group": {"viele"}, "receipt_retention_days": {"0"}, "time_zone": {"Europe/Berlin"}, "language": {"en"}}
	r = post("/admin/settings", settings)
	pgWant(t, "a bad smallest group", r, http.StatusUnprocessableEntity)
	pgGerman(t, "a bad smallest group", r.Body)
	pgContains(t, "a bad smallest group", r.Body, "Geben Sie die kleinste Gruppe als ganze Zahl an", `value="viele"`, "Eingestellt ist: UTC.")
	settings.Set("min_group", "5")
	r = post("/admin/settings", settings)
	pgWant(t, "save settings", r, http.StatusSeeOther)
	if r.Flash != "Einstellungen gespeichert." {
		t.Errorf("save settings: got the note %q", r.Flash)
	}
	r = a.sendIn(germanBrowser, &o.admin, http.MethodGet, "/admin/settings", nil)
	pgContains(t, "settings after saving", r.Body, "Eingestellt ist: Europe/Berlin.", `value="Europe/Berlin"`)
}

// TestAdminPagesFollowTheOrganisationsLanguage: an admin whose browser
// asks for no language reads the organisation's; one whose browser asks
// for English reads English whatever the organisation speaks.
func TestAdminPagesFollowTheOrganisationsLanguage(t *testing.T) {
	a, o := germanAdminOrg(t)
	pages := map[string]string{"/admin/users": "Add a person", "/admin/users/" + o.sales[0].ID: "Details and roles",
		"/admin/channels": "Add a channel", "/admin/message-types": "New type", "/admin/audit": "Audit log", "/admin/settings": "Works-council mode"}
	for path, want := range pages {
		r := a.sendIn("", &o.admin, http.MethodGet, path, nil)
		pgWant(t, path, r, http.StatusOK)
		pgContains(t, path+" in English", r.Body, `<html lang="en">`, want)
	}
	a.orgLanguage(i18n.German)
	for path := range pages {
		r := a.sendIn("", &o.admin, http.MethodGet, path, nil)
		pgGerman(t, path+" in the organisation's German", r.Body)
		r = a.sendIn("en-GB,en;q=0.8", &o.admin, http.MethodGet, path, nil)
		pgContains(t, path+" for an English browser", r.Body, `<html lang="en">`, pages[path])
	}
	// The note after saving speaks the language of the next page.
	r := a.sendIn("", &o.admin, http.MethodPost, "/admin/settings", url.Values{"privacy": {"personal"}, "min_group": {"5"},
		"receipt_retention_days": {"0"}, "time_zone": {"UTC"}, "language": {"en"}})
	pgWant(t, "back to English", r, http.StatusSeeOther)
	if r.Flash != "Settings saved." {
		t.Errorf("back to English: got the note %q, want it in English", r.Flash)
	}
}

// TestNewsroomInTheVisitorsLanguage: the public newsroom speaks the
// language the visitor's browser asks for, else the organisation's, and
// shows times in the organisation's zone.
func TestNewsroomInTheVisitorsLanguage(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ch := a.webhookChannel("Presse")
	first := a.germanNews(o, "Neue Preise ab April", ch)
	a.germanNews(o, "Neuer Standort in Leipzig", ch)
	if _, err := a.st.Revise(first.ID, o.author.User, briefing.Revision{Note: "Tippfehler im Preis korrigiert"}); err != nil {
		t.Fatal(err)
	}
	a.zone("Europe/Berlin")
	item := "/news/" + first.Slug
	berlin := localeIn(t, i18n.German, "Europe/Berlin").Time(*first.ReleasedAt)
	berlinEN := localeIn(t, i18n.English, "Europe/Berlin").Time(*first.ReleasedAt)

	for _, tt := range []struct {
		what, orgLang, accept string
		german                bool
	}{
		{"a German browser", i18n.English, "de", true},
		{"a German browser with a region", i18n.English, germanBrowser, true},
		{"no browser language, a German organisation", i18n.German, "", true},
		{"an English browser, a German organisation", i18n.German, "en-US,en;q=0.9", false},
		{"no browser language, an English organisation", i18n.English, "", false},
	} {
		a.orgLanguage(tt.orgLang)
		list := a.sendIn(tt.accept, nil, http.MethodGet, "/news", nil)
		pgWant(t, tt.what+": the newsroom", list, http.StatusOK)
		page := a.sendIn(tt.accept, nil, http.MethodGet, item, nil)
		pgWant(t, tt.what+": the item", page, http.StatusOK)
		if tt.german {
			pgGerman(t, tt.what+": the newsroom", list.Body)
			pgContains(t, tt.what+": the newsroom", list.Body, "Neuigkeiten und Meldungen", "Meldung lesen", "Frühere Meldungen", berlin)
			pgGerman(t, tt.what+": the item", page.Body)
			pgContains(t, tt.what+": the item", page.Body, "Veröffentlicht am "+berlin+".", "Aktualisiert am", "Tippfehler im Preis korrigiert", "Weitere Neuigkeiten")
			continue
		}
		pgContains(t, tt.what+": the newsroom", list.Body, `<html lang="en">`, "News and announcements", "Read the announcement", berlinEN)
		pgContains(t, tt.what+": the item", page.Body, `<html lang="en">`, "Published "+berlinEN+".", "Updated", "More news")
	}
}

// TestNewsroomEmptyInGerman: an empty newsroom says so in German.
func TestNewsroomEmptyInGerman(t *testing.T) {
	a := newPgApp(t)
	r := a.sendIn(germanBrowser, nil, http.MethodGet, "/news", nil)
	pgWant(t, "empty newsroom", r, http.StatusOK)
	pgGerman(t, "empty newsroom", r.Body)
	pgContains(t, "empty newsroom", r.Body, "Noch keine Neuigkeiten.")
}

// TestChannelCatalogueInEveryLanguage: every kind of briefing/channel and
// each of its fields has its words in both languages, and the English ones
// are the channel package's own, so the two cannot drift apart.
func TestChannelCatalogueInEveryLanguage(t *testing.T) {
	cat, err := i18n.Load(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	en := cat.Locale(i18n.English, nil)
	for _, k := range channel.Catalogue() {
		kind := k.KindSpec.Kind
		ids := []string{kindLabelID(kind), kindHintID(kind)}
		for _, f := range k.Fields {
			in := string(kind) + "_" + f.Name
			ids = append(ids, fieldLabelID(in))
			if f.Hint != "" {
				ids = append(ids, fieldHintID(in))
			}
		}
		for _, id := range ids {
			for _, lang := range i18n.Languages {
				if !cat.Has(lang, id) {
					t.Errorf("kind %s: %q has no %s text in templates/i18n/admin.%s.toml", kind, id, lang, lang)
				}
			}
		}
		local := localKind(en, k)
		if local.Label != k.Label || local.Hint != k.Hint {
			t.Errorf("kind %s: the catalogue says %q / %q, briefing/channel %q / %q", kind, local.Label, local.Hint, k.Label, k.Hint)
		}
		for i, f := range local.Fields {
			if want := k.Fields[i]; f.Label != want.Label || f.Hint != want.Hint {
				t.Errorf("field %s: the catalogue says %q / %q, briefing/channel %q / %q", f.Input, f.Label, f.Hint, want.Label, want.Hint)
			}
		}
	}
}

// TestAuditActionsDescribed: every action the audit log may show has a
// description in both languages; the action itself stays as it is.
func TestAuditActionsDescribed(t *testing.T) {
	cat, err := i18n.Load(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"announcement.create", "announcement.update", "announcement.submit", "announcement.approve",
		"announcement.reject", "announcement.publish", "announcement.revise", "announcement.release", "announcement.withdraw",
		"announcement.remind", "briefing.acknowledge", "question.ask", "question.answer", "delivery.retry", "delivery.confirm",
		"delivery.failed", "delivery.unconfirmed", "delivery.remind", "channel.create", "channel.disable", "channel.enable",
		"channel.check", "channel.test", "channel.connect", "channel.disconnect", "message_type.create", "message_type.update",
		"user.create", "user.update", "user.deactivate", "user.import", "user.invite", "user.password_set", "user.reset_request",
		"token.create", "token.revoke", "session.create", "session.fail", "session.link", "session.revoke", "settings.update",
		"receipts.purge", "backup"} {
		id := "admin.action." + strings.ReplaceAll(action, ".", "_")
		for _, lang := range i18n.Languages {
			if !cat.Has(lang, id) {
				t.Errorf("%s: no %s description (%s)", action, lang, id)
			}
		}
	}
}
