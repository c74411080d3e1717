package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"strings"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// benchOrg is the scratch organisation: who does what in the run, and the
// tokens they do it with.
type benchOrg struct {
	authorToken, managerToken, readerToken string
	departments                            []string
	// tokens[i] belongs to employee i; order is the sequence in which the
	// clients take them: shuffled, as people arrive on a launch morning.
	tokens    []string
	order     []int
	channelID string
}

// importChunk bounds one import transaction: a 100,000-person directory in
// one transaction would hold every dirty page in memory at once.
const importChunk = 10_000

// The body of the announcement everybody reads: about the size of a real one.
const benchBody = `## What changes

From 1 March our plans get simpler: **three tiers instead of five**.

| Plan | Today | From 1 March |
|---|---|---|
| Starter | 9 € | 9 € |
| Team | 29 € | 25 € |
| Business | 79 € | 69 € |

## What to tell customers

- Nobody pays more this year: existing customers keep their price for twelve months.
- The Team plan gets cheaper and keeps every feature it has today.
- Business customers get priority support at no extra cost.

## Questions we expect

1. *Do I have to do anything?* No: the change happens on its own.
2. *Can I change plans?* Yes, at any time, in the account settings.
3. *Why now?* Because five plans confused more people than they helped.

Ask below if a customer asks you something this does not answer: we answer within the hour.
`

// setupOrg fills the empty store: an author, a manager and a reader (whose
// inbox gets cfg.inbox briefings) in an "Office" department outside the
// announcement's audience, cfg.users employees spread over
// cfg.departments, a token for everybody, and the webhook channel.
func setupOrg(st *store.Store, cfg benchConfig, hookURL, hookSecret string) (*benchOrg, error) {
	org := &benchOrg{}
	staff := []store.ImportRow{
		{Line: 1, User: briefing.User{Email: "author@bench.example", Name: "Bench Author", Department: "Office", Roles: []briefing.Role{briefing.RoleAuthor}}},
		{Line: 2, User: briefing.User{Email: "manager@bench.example", Name: "Bench Manager", Department: "Office", Roles: []briefing.Role{briefing.RoleManager}}},
		{Line: 3, User: briefing.User{Email: "reader@bench.example", Name: "Bench Reader", Department: "Office"}},
	}
	if err := importRows(st, staff); err != nil {
		return nil, err
	}
	var staffIDs []string
	for _, r := range staff {
		u, err := st.UserByEmail(r.User.Email)
		if err != nil {
			return nil, err
		}
		staffIDs = append(staffIDs, u.ID)
	}
	toks, err := st.CreateTokens(staffIDs, "bench")
	if err != nil {
		return nil, err
	}
	org.authorToken, org.managerToken, org.readerToken = toks[0], toks[1], toks[2]

	// The reader's briefings are published before the directory is big:
	// each publish resolves its audience by scanning the directory, and the
	// bench measures reading the inbox, not 1,000 setup scans.
	for i := range cfg.inbox {
		a := &briefing.Announcement{
			AuthorID: staffIDs[0], Title: fmt.Sprintf("Inbox item %d", i+1),
			Summary:  "One of many briefings addressed to one person.",
			Body:     "A short briefing, one of many.",
			Audience: briefing.Audience{Users: []string{"reader@bench.example"}},
		}
		if err := st.CreateAnnouncement(a, "bench"); err != nil {
			return nil, err
		}
		if _, err := st.Publish(a.ID, "bench"); err != nil {
			return nil, err
		}
	}

	for d := range cfg.departments {
		org.departments = append(org.departments, fmt.Sprintf("Dept %03d", d+1))
	}
	rows := make([]store.ImportRow, 0, importChunk)
	for i := range cfg.users {
		rows = append(rows, store.ImportRow{Line: i + 1, User: briefing.User{
			Email:      fmt.Sprintf("employee%07d@bench.example", i+1),
			Name:       fmt.Sprintf("Employee %d", i+1),
			Department: org.departments[i%cfg.departments],
			Location:   "Berlin",
		}})
		if len(rows) == importChunk || i == cfg.users-1 {
			if err := importRows(st, rows); err != nil {
				return nil, err
			}
			rows = rows[:0]
		}
	}
	var ids []string
	err = st.EachUser("", func(u *briefing.User) bool {
		if strings.HasPrefix(u.Email, "employee") {
			ids = append(ids, u.ID)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if len(ids) != cfg.users {
		return nil, fmt.Errorf("setup: %d employees imported, want %d", len(ids), cfg.users)
	}
	for start := 0; start < len(ids); start += importChunk {
		toks, err := st.CreateTokens(ids[start:min(start+importChunk, len(ids))], "bench")
		if err != nil {
			return nil, err
		}
		org.tokens = append(org.tokens, toks...)
	}
	org.order = mrand.New(mrand.NewPCG(1, 2)).Perm(cfg.users)

	ch := &briefing.Channel{Name: "Bench receiver", Kind: channel.KindWebhook, Purpose: "the load tool's local receiver",
		Config: channel.ConfigJSON(channel.WebhookConfig{URL: hookURL, Secret: hookSecret})}
	if err := st.CreateChannel(ch, "bench"); err != nil {
		return nil, err
	}
	org.channelID = ch.ID
	return org, nil
}

func importRows(st *store.Store, rows []store.ImportRow) error {
	res, err := st.ImportUsers(rows, "bench")
	if err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("setup: import line %d: %s", res.Errors[0].Line, res.Errors[0].Message)
	}
	return nil
}

// newWebhookSecret makes a Standard Webhooks secret: whsec_ and base64.
func newWebhookSecret() (string, []byte) {
	key := make([]byte, 24)
	_, _ = rand.Read(key)
	return channel.WebhookSecretPrefix + base64.StdEncoding.EncodeToString(key), key
}
