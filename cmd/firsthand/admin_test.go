package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// openUsers opens a database file the way a server would and lists its
// users. The store is closed again before it returns.
func openUsers(t *testing.T, path string) []*briefing.User {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatalf("store.Open(%s): %v", path, err)
	}
	defer st.Close()
	users, _, err := st.Users(store.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return users
}

func userEmails(t *testing.T, path string) []string {
	t.Helper()
	var emails []string
	for _, u := range openUsers(t, path) {
		emails = append(emails, u.Email)
	}
	slices.Sort(emails)
	return emails
}

func TestUserAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	out := mustCLI(t, "user", "add", "--db", db, "--email", "ada@example.com", "--name", "Ada Lovelace",
		"--department", "Engineering", "--location", "London", "--role", "author", "--role", "manager", "--password", "correct horse battery")
	id := oneLine(t, "user add", out)

	users := openUsers(t, db)
	if len(users) != 1 {
		t.Fatalf("the database has %d users, want 1", len(users))
	}
	u := users[0]
	if u.ID != id {
		t.Errorf("user add printed id %q, the stored user has %q", id, u.ID)
	}
	if u.Email != "ada@example.com" || u.Name != "Ada Lovelace" || u.Department != "Engineering" || u.Location != "London" {
		t.Errorf("stored user = %+v, want the flags' values", u)
	}
	if !u.Has(briefing.RoleAuthor) || !u.Has(briefing.RoleManager) || u.Has(briefing.RoleAdmin) {
		t.Errorf("roles = %v, want author and manager (the flag repeats), not admin", u.Roles)
	}
	if len(u.PasswordHash) == 0 || strings.Contains(string(u.PasswordHash), "correct horse") {
		t.Errorf("password hash = %q, want a hash of the password", u.PasswordHash)
	}

	// Without --role a user is an employee and nothing more.
	mustCLI(t, "user", "add", "--db", db, "--email", "bob@example.com", "--name", "Bob")
	for _, u := range openUsers(t, db) {
		if u.Email == "bob@example.com" && (u.Has(briefing.RoleAuthor) || u.Has(briefing.RoleManager) || u.Has(briefing.RoleAdmin)) {
			t.Errorf("a user added without --role has roles %v, want employee only", u.Roles)
		}
	}
}

func TestUserAddDuplicateEmail(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	mustCLI(t, "user", "add", "--db", db, "--email", "ada@example.com", "--name", "Ada")
	out, _, err := runCLI(t, nil, "user", "add", "--db", db, "--email", "ada@example.com", "--name", "Ada Again")
	if err == nil {
		t.Fatal("adding a second user with the same e-mail succeeded, want an error")
	}
	// main prints "firsthand: <err>" and exits 1: one line on stderr.
	if msg := err.Error(); strings.TrimSpace(msg) == "" || strings.Contains(msg, "\n") {
		t.Errorf("error message %q, want one non-empty line", msg)
	}
	if out != "" {
		t.Errorf("a failed user add printed %q on stdout, want nothing", out)
	}
	if got := userEmails(t, db); len(got) != 1 {
		t.Errorf("users after the duplicate = %v, want the first only", got)
	}
}

func TestUserAddRejects(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"unknown role", []string{"--email", "x@example.com", "--name", "X", "--role", "emperor"}},
		{"no e-mail", []string{"--name", "X"}},
		{"invalid e-mail", []string{"--email", "not-an-address", "--name", "X"}},
		{"no name", []string{"--email", "x@example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "f.db")
			args := append([]string{"user", "add", "--db", db}, tt.args...)
			out, _, err := runCLI(t, nil, args...)
			if err == nil {
				t.Fatalf("firsthand %s succeeded (printed %q), want an error", strings.Join(args, " "), out)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans several lines, want one", err)
			}
			if _, statErr := os.Stat(db); statErr == nil {
				if got := userEmails(t, db); len(got) != 0 {
					t.Errorf("users = %v, want none", got)
				}
			}
		})
	}
}

func TestTokenCreate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	id := oneLine(t, "user add", mustCLI(t, "user", "add", "--db", db, "--email", "ada@example.com", "--name", "Ada"))
	tok1 := oneLine(t, "token create", mustCLI(t, "token", "create", "--db", db, "--email", "ada@example.com"))
	tok2 := oneLine(t, "token create", mustCLI(t, "token", "create", "--db", db, "--email", "ada@example.com"))
	if tok1 == tok2 {
		t.Errorf("two token creates printed the same token %q", tok1)
	}
	if strings.ContainsAny(tok1, " \t") {
		t.Errorf("token %q has blanks, want one word to paste into a header", tok1)
	}

	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tok := range []string{tok1, tok2} {
		u, err := st.UserByToken(tok)
		if err != nil || u.ID != id {
			t.Errorf("UserByToken(printed token) = %v, %v; want user %s", u, err, id)
		}
	}
	if _, err := st.UserByToken(tok1 + "x"); err == nil {
		t.Error("a token with a character added is accepted, want it refused")
	}
}

func TestTokenCreateUnknownUser(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	mustCLI(t, "user", "add", "--db", db, "--email", "ada@example.com", "--name", "Ada")
	out, _, err := runCLI(t, nil, "token", "create", "--db", db, "--email", "nobody@example.com")
	if err == nil {
		t.Fatalf("token create for an unknown e-mail printed %q, want an error", out)
	}
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q spans several lines, want one", err)
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	for _, e := range []string{"ada@example.com", "bob@example.com", "cleo@example.com"} {
		mustCLI(t, "user", "add", "--db", db, "--email", e, "--name", e)
	}
	const secret, token = "whsec_YmFja3Vwc2VjcmV0YmFja3Vwc2VjcmV0", "mastodon-token-never-in-a-backup"
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*briefing.Channel{
		{Name: "Partners", Kind: channel.KindWebhook, Config: channel.ConfigJSON(channel.WebhookConfig{URL: "https://partner.example/hook", Secret: secret})},
		{Name: "Fediverse", Kind: channel.KindMastodon, Config: channel.ConfigJSON(channel.MastodonConfig{Instance: "https://social.example", AccessToken: token})},
	} {
		if err := st.CreateChannel(c, "test"); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	out := filepath.Join(dir, "backup.db")
	// The backup copies bytes: it needs no key, not even the key file.
	if err := os.Rename(store.KeyFilePath(db), filepath.Join(dir, "away.key")); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, "backup", "--db", db, "--out", out)
	if err := os.Rename(filepath.Join(dir, "away.key"), store.KeyFilePath(db)); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{secret, token} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the backup holds the secret %q in clear", s)
		}
	}
	if !bytes.Contains(raw, []byte("Fediverse")) {
		t.Error("the backup lacks the channel's name: the search proves nothing")
	}
	// Restored, it opens with its key beside it, and the secrets are back.
	key, err := os.ReadFile(store.KeyFilePath(db))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(store.KeyFilePath(out), key, 0o600); err != nil {
		t.Fatal(err)
	}
	if st, err := store.Open(out); err != nil {
		t.Fatalf("opening the backup with its key: %v", err)
	} else {
		cs, err := st.Channels()
		st.Close()
		if err != nil || len(cs) != 3 || !strings.Contains(string(cs[1].Config), secret) || !strings.Contains(string(cs[2].Config), token) {
			t.Errorf("channels in the restored backup = %+v, %v", cs, err)
		}
	}

	want := userEmails(t, db)
	if got := userEmails(t, out); !equalStrings(got, want) {
		t.Errorf("users in the backup = %v, want %v", got, want)
	}
	// The backup is a database of its own, with ids intact.
	orig, copied := openUsers(t, db), openUsers(t, out)
	for i := range orig {
		if orig[i].ID != copied[i].ID || orig[i].Name != copied[i].Name {
			t.Errorf("backup user %d = %+v, want %+v", i, copied[i], orig[i])
		}
	}
	if _, err := os.Stat(out + ".partial"); err == nil {
		t.Error("backup left its .partial file behind")
	}

	if _, _, err := runCLI(t, nil, "backup", "--db", db); err == nil {
		t.Error("backup without --out succeeded, want an error")
	}
}
