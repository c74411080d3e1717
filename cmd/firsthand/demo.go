package main

import (
	"fmt"
	"io"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/web"
	"firsthand/store"
)

// The demo organisation's password; printed with the logins.
const demoPassword = "firsthand-demo"

var demoDepartments = []struct{ name, location string }{
	{"Sales", "Berlin"}, {"Support", "Leipzig"}, {"Engineering", "Berlin"}, {"Marketing", "Hamburg"}, {"Finance", "Hamburg"},
}

var demoFirst = []string{"Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Lena", "Max"}

// seedDemo creates a demo organisation on an empty database and prints its
// logins. On a database with users it changes nothing. Unless a zone was
// configured (berlin false), the demo organisation is in Europe/Berlin.
func seedDemo(st *store.Store, baseURL string, berlin bool, out io.Writer) error {
	if users, _, err := st.Users(store.UserFilter{Limit: 1}); err != nil || len(users) > 0 {
		if err == nil {
			fmt.Fprintln(out, "Demo: the database already has users; --demo changes nothing.")
		}
		return err
	}
	if berlin {
		if _, err := st.UpdateSettings("demo", func(s *briefing.Settings) error {
			s.TimeZone = "Europe/Berlin"
			return nil
		}); err != nil {
			return err
		}
	}
	hash, err := web.HashPassword(demoPassword)
	if err != nil {
		return err
	}
	add := func(email, name, dept, loc string, roles ...briefing.Role) (*briefing.User, error) {
		u := &briefing.User{Email: email, Name: name, Department: dept, Location: loc, Roles: roles, PasswordHash: hash}
		return u, st.CreateUser(u, "demo")
	}
	if _, err := add("admin@example.com", "Ada Admin", "IT", "Berlin", briefing.RoleAdmin); err != nil {
		return err
	}
	author, err := add("author@example.com", "Paula PR", "Communications", "Berlin", briefing.RoleAuthor)
	if err != nil {
		return err
	}
	if _, err := add("manager@example.com", "Martin Manager", "Sales", "Berlin", briefing.RoleManager); err != nil {
		return err
	}
	n := 0
	var staff []*briefing.User
	for _, d := range demoDepartments {
		for i := 0; i < 8; i++ {
			first := demoFirst[(n+i)%len(demoFirst)]
			email := fmt.Sprintf("%s.%s%d@example.com", lower(first), lower(d.name), i+1)
			u, err := add(email, first+" "+d.name+" "+fmt.Sprint(i+1), d.name, d.location)
			if err != nil {
				return err
			}
			staff = append(staff, u)
		}
		n += 3
	}
	newsroom, err := demoNewsroom(st)
	if err != nil {
		return err
	}
	xing := &briefing.Channel{Name: "Xing", Kind: channel.KindManual, Purpose: "Our company page on Xing, posted by hand",
		Config: channel.ConfigJSON(channel.ManualConfig{Platform: "Xing", Assignees: []string{"author@example.com"},
			Instructions: "Post on the company page (not your own profile), then paste the post's link here."})}
	if err := st.CreateChannel(xing, "demo"); err != nil {
		return err
	}
	webhook := &briefing.Channel{Name: "Press list", Kind: channel.KindEmail, Purpose: "Journalists and partners, by e-mail",
		Config: channel.ConfigJSON(channel.EmailConfig{To: []string{"press@example.com"}, SubjectPrefix: "[Press] "})}
	if err := st.CreateChannel(webhook, "demo"); err != nil {
		return err
	}
	notBefore := time.Now().UTC().Add(24 * time.Hour).Truncate(time.Hour)
	draft := &briefing.Announcement{
		AuthorID: author.ID, Title: "New pricing from 1 March",
		Summary: "Our plans get simpler: three tiers instead of five. Existing customers keep their price for a year.",
		Body: "## What changes\n\n| Plan | Today | From 1 March |\n|---|---|---|\n| Starter | 9 € | 9 € |\n| Team | 29 € | 25 € |\n| Business | 79 € | 69 € |\n\n" +
			"## What to tell customers\n\n- Nobody pays more this year.\n- **Questions?** Ask below, we answer within the hour.\n",
		Audience: briefing.Audience{Departments: []string{"Sales", "Support"}},
		Policy:   briefing.Policy{Threshold: 0.8, NotBefore: &notBefore},
		Channels: []briefing.ChannelText{{ChannelID: webhook.ID, Text: "Simpler pricing: three plans from 1 March."}},
	}
	if err := st.CreateAnnouncement(draft, "demo"); err != nil {
		return err
	}
	published := &briefing.Announcement{
		AuthorID: author.ID, Title: "We are opening an office in Vienna",
		Summary:  "From spring, a team of twelve in Vienna will look after our customers in Austria.",
		Body:     "We are opening an office in **Vienna** in April.\n\n1. Support hours for Austria get longer.\n2. The team is hiring: tell your friends.\n",
		Audience: briefing.Audience{All: true},
		Policy:   briefing.Policy{Threshold: demoThreshold},
		Channels: []briefing.ChannelText{{ChannelID: newsroom.ID},
			{ChannelID: xing.ID, Text: "We are opening an office in Vienna: a team of twelve for our customers in Austria."}},
	}
	if err := st.CreateAnnouncement(published, "demo"); err != nil {
		return err
	}
	if _, err := st.Publish(published.ID, "demo"); err != nil {
		return err
	}
	// Enough colleagues have acknowledged that one more opens the gate:
	// a newcomer signing in as an employee watches it go public.
	if err := demoAcksShortOfOne(st, published.ID, staff); err != nil {
		return err
	}
	fmt.Fprintf(out, `Demo organisation created. Open %s and sign in with password %q as:
  admin@example.com     (admin)
  author@example.com    (author: writes and publishes)
  manager@example.com   (manager, Sales)
  anna.sales1@example.com (employee, Sales)
"We are opening an office in Vienna" is one acknowledgement short of going
public: acknowledge it as anna.sales1, then see %s/news.
Pages speak your browser's language, English or German (Deutsch); anyone
can choose theirs, and their time zone, under "Your settings".
`, baseURL, demoPassword, baseURL)
	return nil
}

// demoThreshold is the demo announcement's share of acknowledgements.
const demoThreshold = 0.5

// demoNewsroom is the built-in newsroom channel.
func demoNewsroom(st *store.Store) (*briefing.Channel, error) {
	list, err := st.Channels()
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		if c.Kind == briefing.KindNewsroom {
			return c, nil
		}
	}
	return nil, fmt.Errorf("no newsroom channel")
}

// demoAcksShortOfOne acknowledges as staff (anna.sales1, the login the
// demo prints, last of all and never) until one more acknowledgement
// would open the gate.
func demoAcksShortOfOne(st *store.Store, annID string, staff []*briefing.User) error {
	for i := len(staff) - 1; i > 0; i-- {
		_, r, err := st.Readiness(annID)
		if err != nil {
			return err
		}
		if float64(r.Acknowledged+1)/float64(r.Recipients) >= r.Threshold {
			return nil
		}
		if _, err := st.Acknowledge(annID, staff[i].ID); err != nil {
			return err
		}
	}
	return nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
