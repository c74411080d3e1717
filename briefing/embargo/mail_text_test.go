package embargo

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/i18n"
	"firsthand/briefing/testkit"
	"firsthand/store"
	"firsthand/templates"
)

var testCatalogue = sync.OnceValues(func() (*i18n.Catalogue, error) { return i18n.Load(templates.FS) })

// testLocale is how a mail speaks to a reader of lang in zone.
func testLocale(t testing.TB, lang, zone string) *i18n.Locale {
	t.Helper()
	cat, err := testCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	return cat.Locale(lang, loc)
}

// englishIn lists the lines of a mail that hold English words, with the
// word.
func englishIn(mail string) []string {
	var found []string
	for line := range strings.SplitSeq(mail, "\n") {
		if w, ok := testkit.EnglishWord(line); ok {
			found = append(found, w+" in "+strings.TrimSpace(line))
		}
	}
	return found
}

// mailGerman fails when a mail meant to be German holds English words.
func mailGerman(t *testing.T, what, subject, text string) {
	t.Helper()
	for _, f := range englishIn(subject + "\n" + text) {
		t.Errorf("%s: English in a German mail: %s", what, f)
	}
}

func TestEnglishInFindsEnglishWords(t *testing.T) {
	for _, tc := range []struct {
		mail string
		want int
	}{
		{"Guten Tag Xenia,\n\nBitte lesen und bestätigen Sie das Briefing hier:\nhttps://n.example/b/fl_TOisONat", 0},
		{"Hello Xenia,\n\nBitte lesen Sie es.", 1},
		{"Bitte bestätigen Sie bis 3. Dez. 2026, 09:00 MEZ.\nRead it and acknowledge it here:", 1},
		{"Die Meldung ist über Presseverteiler (webhook) erschienen.", 0},
	} {
		if got := englishIn(tc.mail); len(got) != tc.want {
			t.Errorf("englishIn(%q) = %q, want %d finding(s)", tc.mail, got, tc.want)
		}
	}
}

// germanAnnouncement is an announcement as a German company writes it, on
// channel ch if given.
func germanAnnouncement(t *testing.T, st *store.Store, author *briefing.User, p briefing.Policy, ch *briefing.Channel) *briefing.Announcement {
	t.Helper()
	a := &briefing.Announcement{
		Title: "Neue Preise ab März", Summary: "Die Preise ändern sich.", Body: "# Einzelheiten",
		Audience: briefing.Audience{Departments: []string{"Vertrieb"}}, Policy: p, AuthorID: author.ID,
	}
	if ch != nil {
		a.Channels = []briefing.ChannelText{{ChannelID: ch.ID, Text: "Ab März gelten neue Preise."}}
	}
	if err := st.CreateAnnouncement(a, "test"); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestBriefingMailInEachReadersLanguageAndZone: one briefing job reaches
// people who chose German, English or nothing (the organisation's German),
// and zones Berlin, New York or none (the organisation's UTC); each mail
// speaks its reader's language and gives the deadline and the embargo in
// their zone, named as their language names it.
func TestBriefingMailInEachReadersLanguageAndZone(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	if _, err := st.UpdateSettings("test", func(s *briefing.Settings) error {
		s.Language, s.TimeZone = "de", "UTC"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	srv := newSMTP(t, 0)
	author := addUser(t, st, "autorin@example.com", "PR", briefing.RoleAuthor)
	prefer := func(email, zone, lang string) *briefing.User {
		u := addUser(t, st, email, "Vertrieb")
		var z, l *string
		if zone != "" {
			z = &zone
		}
		if lang != "" {
			l = &lang
		}
		if z != nil || l != nil {
			if _, err := st.SetPreferences(u.ID, z, l); err != nil {
				t.Fatal(err)
			}
		}
		return u
	}
	anna := prefer("anna@example.com", "Europe/Berlin", "de")
	ben := prefer("ben@example.com", "Europe/Berlin", "en")
	carl := prefer("carl@example.com", "America/New_York", "en")
	dora := prefer("dora@example.com", "", "")

	ch := addWebhook(t, st, "Presseverteiler", newReceiver(t, always(200)).URL)
	notBefore := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	deadline := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	a := germanAnnouncement(t, st, author, briefing.Policy{NotBefore: &notBefore, Deadline: &deadline}, ch)
	start(t, st, Options{Mailer: srv.mailer(t), MailBackoff: fastBackoff})
	publish(t, st, a)

	byTo := map[string]smtpMsg{}
	for _, m := range waitMailed(t, st, srv, 4) {
		byTo[m.to] = m
	}
	for _, tc := range []struct {
		who           *briefing.User
		subject       string
		want          []string
		german        bool
		notInLanguage string
	}{
		{anna, "Neues Briefing: Neue Preise ab März – bitte lesen und bestätigen", []string{"Guten Tag anna,",
			"Bitte bestätigen Sie bis 3. Dez. 2026, 09:00 MEZ.", "Sperrfrist bis 2. Dez. 2026, 09:00 MEZ:",
			"(Dieser Link gilt nur für Sie und 14 Tage lang.)", "Viele Grüße\nFirsthand"}, true, "Hello"},
		{ben, "New briefing: Neue Preise ab März — please read and acknowledge", []string{"Hello ben,",
			"Please acknowledge by 3 Dec 2026, 09:00 CET.", "Embargo until 2 Dec 2026, 09:00 CET:",
			"works for 14 days", "— Firsthand"}, false, "Guten Tag"},
		{carl, "New briefing: Neue Preise ab März — please read and acknowledge", []string{"Hello carl,",
			"Please acknowledge by 3 Dec 2026, 03:00 EST.", "Embargo until 2 Dec 2026, 03:00 EST:"}, false, "Guten Tag"},
		{dora, "Neues Briefing: Neue Preise ab März – bitte lesen und bestätigen", []string{"Guten Tag dora,",
			"Bitte bestätigen Sie bis 3. Dez. 2026, 08:00 UTC.", "Sperrfrist bis 2. Dez. 2026, 08:00 UTC:"}, true, "Hello"},
	} {
		m, ok := byTo[tc.who.Email]
		if !ok {
			t.Errorf("%s got no mail", tc.who.Email)
			continue
		}
		if m.subject != tc.subject {
			t.Errorf("%s: subject = %q, want %q", tc.who.Email, m.subject, tc.subject)
		}
		for _, w := range append(tc.want, "https://news.example.com/b/fl_") {
			if !strings.Contains(m.body, w) {
				t.Errorf("%s: the mail lacks %q:\n%s", tc.who.Email, w, m.body)
			}
		}
		if strings.Contains(m.body, tc.notInLanguage) {
			t.Errorf("%s: the mail has %q:\n%s", tc.who.Email, tc.notInLanguage, m.body)
		}
		if tc.german {
			mailGerman(t, tc.who.Email, m.subject, m.body)
		}
		if want := map[bool]string{true: "de", false: "en"}[tc.german]; m.language != want {
			t.Errorf("%s: Content-Language %q, want %q", tc.who.Email, m.language, want)
		}
	}
}

// TestMailTimesInTheReadersZone: the reminder gives the deadline, the
// "now public" mail the release, the manual task's reminder the release,
// each in the reader's zone; a deadline or an embargo that has passed is
// not told.
func TestMailTimesInTheReadersZone(t *testing.T) {
	deadline := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	released := time.Date(2026, 12, 1, 18, 33, 0, 0, time.UTC)
	a := &briefing.Announcement{ID: "7", Slug: "neue-preise-7", Title: "Neue Preise", ReleasedAt: &released,
		Channels: []briefing.ChannelText{{ChannelID: "1"}}, Policy: briefing.Policy{Deadline: &deadline, NotBefore: &released}}
	d := &briefing.Delivery{ID: "5"}
	cfg := &channel.ManualConfig{Platform: "Instagram"}
	before := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	after := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	r := store.MailRecipient{UserID: "9", Email: "x@example.com", Name: "Xenia Muster"}
	for _, tc := range []struct {
		name, lang, zone string
		now              time.Time
		write            func(b *body) (notice, error)
		want, notWant    []string
	}{
		{"reminder de", i18n.German, "Europe/Berlin", before, func(b *body) (notice, error) { return compose(b, store.MailReminder, a, nil, "") },
			[]string{"Bitte bestätigen Sie bis 3. Dez. 2026, 09:00 MEZ.", "Hier können Sie das Briefing lesen und bestätigen:"}, nil},
		{"reminder en", i18n.English, "America/New_York", before, func(b *body) (notice, error) { return compose(b, store.MailReminder, a, nil, "") },
			[]string{"Please acknowledge by 3 Dec 2026, 03:00 EST."}, nil},
		{"reminder after the deadline", i18n.English, "UTC", after, func(b *body) (notice, error) { return compose(b, store.MailReminder, a, nil, "") },
			[]string{"Please read it and acknowledge it:"}, []string{"acknowledge by"}},
		{"briefing after the embargo", i18n.German, "UTC", after, func(b *body) (notice, error) { return compose(b, store.MailBriefing, a, nil, "") },
			[]string{"Bitte lesen und bestätigen Sie das Briefing hier:"}, []string{"Sperrfrist", "bestätigen Sie bis"}},
		{"released de", i18n.German, "Europe/Berlin", after, func(b *body) (notice, error) { return compose(b, store.MailReleased, a, nil, "") },
			[]string{"„Neue Preise“ ist seit 1. Dez. 2026, 19:33 MEZ öffentlich."}, nil},
		{"released en", i18n.English, "Asia/Kolkata", after, func(b *body) (notice, error) { return compose(b, store.MailReleased, a, nil, "") },
			[]string{"Neue Preise went public on 2 Dec 2026, 00:03 IST."}, nil},
		{"task reminder", i18n.German, "Europe/Berlin", after, func(b *body) (notice, error) {
			return taskNotice(b, store.MailManualReminder, a, d, "1", cfg, ""), nil
		}, []string{"„Neue Preise“ ist seit 1. Dez. 2026, 19:33 MEZ öffentlich, aber noch nicht auf Instagram gepostet."}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := testLocale(t, tc.lang, tc.zone)
			// Written as the worker writes it: in UTC, the zone filled in
			// per reader.
			n, err := tc.write(newBody(testLocale(t, tc.lang, "UTC"), tc.now))
			if err != nil {
				t.Fatal(err)
			}
			m := n.mailTo("3", r, "https://n.example/b/fl_x", l)
			for _, w := range tc.want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("the mail lacks %q:\n%s", w, m.Text)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(m.Text, w) {
					t.Errorf("the mail has %q:\n%s", w, m.Text)
				}
			}
		})
	}
}

// TestEveryMailInBothLanguages writes every kind of mail in English and
// German: each is complete (no marker, no missing message), greets and
// signs off in its language, and a German one holds no English words.
func TestEveryMailInBothLanguages(t *testing.T) {
	notBefore := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	deadline := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	released := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	a := &briefing.Announcement{ID: "7", Slug: "neue-preise-7", Title: "Neue Preise ab März", Summary: "Die Preise ändern sich.",
		Channels:      []briefing.ChannelText{{ChannelID: "1", Text: "Ab März gelten neue Preise."}},
		TalkingPoints: "- Bestehende Verträge behalten ihren Preis.", ReleasedAt: &released,
		Changes: []briefing.Change{{Version: 2, Note: "Der Termin ist jetzt der 3. März", Material: true}},
		Policy:  briefing.Policy{NotBefore: &notBefore, Deadline: &deadline}}
	d := &briefing.Delivery{ID: "5", ChannelName: "Presseverteiler", Kind: channel.KindWebhook, Attempts: 8,
		LastError: "Der Empfänger antwortete mit 500", Reason: "Falsche Zahlen", PostURL: "https://social.example/@firma/1"}
	qs := []*briefing.Question{
		{AskerName: "Xenia Muster", Text: "Gilt das auch für Bestandskunden?", Answer: "Ja, ab April."},
		{AskerName: "Yusuf Demir", Text: "Gibt es Rabatte?"},
	}
	ch := &briefing.Channel{ID: "4", Name: "Firma auf X", Kind: "x", Config: json.RawMessage(`{"token_failed":"X hat den Zugang gesperrt"}`)}
	cfg := &channel.ManualConfig{Platform: "Instagram", Instructions: "Bitte mit Bild posten."}
	check := briefing.ChannelCheck{ChannelID: "1", Name: "Presseverteiler", Kind: channel.KindWebhook, Message: "Der Empfänger ist nicht erreichbar"}
	base := "https://news.example.com"
	kinds := []struct {
		name  string
		write func(b *body) (notice, error)
	}{
		{"invite", func(b *body) (notice, error) { return composeAccount(b, store.MailInvite) }},
		{"reset", func(b *body) (notice, error) { return composeAccount(b, store.MailReset) }},
		{"question", func(b *body) (notice, error) { return composeQuestions(b, store.MailQuestion, a, qs[:1], base) }},
		{"questions", func(b *body) (notice, error) { return composeQuestions(b, store.MailQuestion, a, qs, base) }},
		{"answer", func(b *body) (notice, error) { return composeQuestions(b, store.MailAnswer, a, qs, base) }},
		{"disconnected", func(b *body) (notice, error) { return disconnectedNotice(b, ch, base), nil }},
		{"task", func(b *body) (notice, error) { return taskNotice(b, store.MailManualTask, a, d, "1", cfg, base), nil }},
		{"task reminder", func(b *body) (notice, error) {
			return taskNotice(b, store.MailManualReminder, a, d, "1", cfg, base), nil
		}},
		{"check failed", func(b *body) (notice, error) { return checkFailedNotice(b, a, check, base), nil }},
	}
	for _, k := range []store.MailKind{store.MailBriefing, store.MailReleased, store.MailReminder, store.MailReview,
		store.MailRevised, store.MailDeliveryFailed, store.MailDeliveryUnconfirmed, store.MailRetractByHand} {
		kinds = append(kinds, struct {
			name  string
			write func(b *body) (notice, error)
		}{string(k), func(b *body) (notice, error) { return compose(b, k, a, d, base) }})
	}
	langs := []struct{ lang, hello, signoff string }{
		{i18n.English, "Hello Xenia Muster,\n\n", "\n— Firsthand\n"},
		{i18n.German, "Guten Tag Xenia Muster,\n\n", "\nViele Grüße\nFirsthand\n"},
	}
	r := store.MailRecipient{UserID: "9", Email: "x@example.com", Name: "Xenia Muster"}
	for _, lang := range langs {
		l := testLocale(t, lang.lang, "Europe/Berlin")
		for _, k := range kinds {
			n, err := k.write(newBody(l, now))
			if err != nil {
				t.Fatalf("%s (%s): %v", k.name, lang.lang, err)
			}
			m := n.mailTo("3", r, base+"/b/fl_ABCtoDEF", l)
			what := k.name + " (" + lang.lang + ")"
			if strings.Contains(m.Subject+m.Text, "\x00") || strings.Contains(m.Subject+m.Text, "[mail.") {
				t.Errorf("%s is not complete:\n%s\n%s", what, m.Subject, m.Text)
			}
			if !strings.HasPrefix(m.Text, lang.hello) || !strings.HasSuffix(m.Text, lang.signoff) {
				t.Errorf("%s: the greeting or the sign-off is not %q … %q:\n%s", what, lang.hello, lang.signoff, m.Text)
			}
			if lang.lang == i18n.German {
				mailGerman(t, what, m.Subject, m.Text)
			}
		}
	}
	// Without a name the greeting is the language's alone.
	n, _ := composeAccount(newBody(testLocale(t, i18n.German, "UTC"), now), store.MailInvite)
	if m := n.mailTo("3", store.MailRecipient{UserID: "9", Email: "x@example.com"}, "L", testLocale(t, i18n.German, "UTC")); !strings.HasPrefix(m.Text, "Guten Tag,\n\n") {
		t.Errorf("a German mail to someone without a name begins:\n%s", m.Text)
	}
}
