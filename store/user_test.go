package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

func TestCreateUser(t *testing.T) {
	s, clk := openStore(t)
	u := &briefing.User{Email: " Ada@Example.com ", Name: "Ada", Department: "Sales", PasswordHash: []byte("hash")}
	mustNoErr(t, s.CreateUser(u, "admin"))
	if u.ID == "" || !u.Active || !u.CreatedAt.Equal(clk.Now()) {
		t.Errorf("created user = %+v, want an id, active, created now", u)
	}
	got, err := s.User(u.ID)
	mustNoErr(t, err)
	if got.Email != "ada@example.com" || got.Name != "Ada" || got.Department != "Sales" {
		t.Errorf("User(%s) = %s %s %s, want ada@example.com Ada Sales", u.ID, got.Email, got.Name, got.Department)
	}
	if string(got.PasswordHash) != "hash" {
		t.Errorf("PasswordHash = %q, want it kept", got.PasswordHash)
	}
	if !slices.Equal(got.Roles, []briefing.Role{briefing.RoleEmployee}) {
		t.Errorf("Roles = %v, want [employee]", got.Roles)
	}

	second := mkUser(t, s, "bob@example.com", "")
	if second.ID == u.ID {
		t.Errorf("two users share the id %s", u.ID)
	}
}

func TestCreateUserErrors(t *testing.T) {
	s, _ := openStore(t)
	mkUser(t, s, "ada@example.com", "Sales")
	tests := []struct {
		name string
		u    briefing.User
		kind error
	}{
		{"duplicate", briefing.User{Email: "ada@example.com", Name: "Other Ada"}, briefing.ErrConflict},
		{"duplicate in other case", briefing.User{Email: "ADA@example.COM", Name: "Other Ada"}, briefing.ErrConflict},
		{"invalid email", briefing.User{Email: "ada", Name: "Ada"}, briefing.ErrInvalid},
		{"no name", briefing.User{Email: "new@example.com"}, briefing.ErrInvalid},
		{"unknown role", briefing.User{Email: "new@example.com", Name: "N", Roles: []briefing.Role{"root"}}, briefing.ErrInvalid},
	}
	for _, tt := range tests {
		u := tt.u
		if err := s.CreateUser(&u, "admin"); !errors.Is(err, tt.kind) {
			t.Errorf("%s: CreateUser = %v, want %v", tt.name, err, tt.kind)
		}
	}
	users, _, err := s.Users(UserFilter{})
	mustNoErr(t, err)
	if len(users) != 1 {
		t.Errorf("after the failures there are %d users, want 1", len(users))
	}
}

func TestUserLookups(t *testing.T) {
	s, _ := openStore(t)
	u := mkUser(t, s, "mixed.case@example.com", "Sales")
	for _, email := range []string{"mixed.case@example.com", "MIXED.Case@Example.COM", "  mixed.case@example.com "} {
		got, err := s.UserByEmail(email)
		if err != nil || got.ID != u.ID {
			t.Errorf("UserByEmail(%q) = %v, %v; want user %s", email, got, err, u.ID)
		}
	}
	_, err := s.UserByEmail("nobody@example.com")
	wantKind(t, err, briefing.ErrNotFound)
	for _, id := range []string{"999", "0", "-1", "abc", ""} {
		if _, err := s.User(id); !errors.Is(err, briefing.ErrNotFound) {
			t.Errorf("User(%q) = %v, want not found", id, err)
		}
	}
}

func TestUsersPaging(t *testing.T) {
	s, _ := openStore(t)
	all := mkUsers(t, s, 25, func(i int) string { return []string{"Sales", "Support"}[i%2] })

	var got []string
	after, pages := "", 0
	for {
		page, next, err := s.Users(UserFilter{After: after, Limit: 10})
		mustNoErr(t, err)
		pages++
		for _, u := range page {
			got = append(got, u.ID)
		}
		if next == "" {
			if len(page) != 5 {
				t.Errorf("last page has %d users, want 5", len(page))
			}
			break
		}
		if len(page) != 10 || next != page[len(page)-1].ID {
			t.Errorf("page %d: %d users, next %q; want 10 and the last id", pages, len(page), next)
		}
		after = next
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	var want []string
	for _, u := range all {
		want = append(want, u.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged ids = %v, want %v", got, want)
	}
	if pages != 3 {
		t.Errorf("pages = %d, want 3", pages)
	}

	// Exactly a page's worth: no cursor for an empty page after it.
	page, next, err := s.Users(UserFilter{Department: "Support", Limit: 12})
	mustNoErr(t, err)
	if len(page) != 12 || next != "" {
		t.Errorf("12 in Support with limit 12: got %d, next %q; want 12 and no next", len(page), next)
	}
	for _, u := range page {
		if u.Department != "Support" {
			t.Errorf("department filter let through %s of %s", u.Email, u.Department)
		}
	}

	_, _, err = s.Users(UserFilter{After: "garbage"})
	wantKind(t, err, briefing.ErrInvalid)
}

func TestUpdateUser(t *testing.T) {
	s, _ := openStore(t)
	u := mkUser(t, s, "old@example.com", "Sales")
	other := mkUser(t, s, "taken@example.com", "Sales")

	got, err := s.UpdateUser(u.ID, "admin", func(u *briefing.User) error {
		u.Email, u.Department, u.Roles = "New@Example.com", "Support", []briefing.Role{"Manager"}
		return nil
	})
	mustNoErr(t, err)
	if got.Email != "new@example.com" || got.Department != "Support" || !got.Has(briefing.RoleManager) {
		t.Errorf("updated = %s %s %v, want new@example.com Support manager", got.Email, got.Department, got.Roles)
	}
	if byNew, err := s.UserByEmail("new@example.com"); err != nil || byNew.ID != u.ID {
		t.Errorf("UserByEmail(new) = %v, %v; want %s", byNew, err, u.ID)
	}
	if _, err := s.UserByEmail("old@example.com"); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("UserByEmail(old) = %v, want not found: the old index entry must go", err)
	}
	// The freed address can be taken by someone else.
	mkUser(t, s, "old@example.com", "")

	_, err = s.UpdateUser(u.ID, "admin", func(u *briefing.User) error { u.Email = other.Email; return nil })
	wantKind(t, err, briefing.ErrConflict)
	_, err = s.UpdateUser(u.ID, "admin", func(u *briefing.User) error { u.Name = ""; return nil })
	wantKind(t, err, briefing.ErrInvalid)
	_, err = s.UpdateUser(u.ID, "admin", func(u *briefing.User) error { return briefing.Forbidden("no") })
	wantKind(t, err, briefing.ErrForbidden)
	_, err = s.UpdateUser("12345", "admin", func(u *briefing.User) error { return nil })
	wantKind(t, err, briefing.ErrNotFound)

	again, err := s.User(u.ID)
	mustNoErr(t, err)
	if again.Email != "new@example.com" || again.Name == "" {
		t.Errorf("failed updates changed the user: %+v", again)
	}
}

func TestImportUsers(t *testing.T) {
	s, _ := openStore(t)
	existing := &briefing.User{Email: "ada@example.com", Name: "Ada", Department: "Sales", PasswordHash: []byte("pw")}
	mustNoErr(t, s.CreateUser(existing, "admin"))
	_, err := s.UpdateUser(existing.ID, "admin", func(u *briefing.User) error { u.Active = false; return nil })
	mustNoErr(t, err)

	rows := []ImportRow{
		{Line: 2, User: briefing.User{Email: "bob@example.com", Name: "Bob", Department: "Support"}},
		{Line: 3, User: briefing.User{Email: "not-an-address", Name: "Bad"}},
		{Line: 4, User: briefing.User{Email: "ADA@example.com", Name: "Ada L.", Department: "Board", Roles: []briefing.Role{"admin"}}},
		{Line: 5, User: briefing.User{Email: "cid@example.com", Name: ""}},
		{Line: 6, User: briefing.User{Email: "dee@example.com", Name: "Dee", Roles: []briefing.Role{"author", "manager"}}},
	}
	res, err := s.ImportUsers(rows, "admin")
	mustNoErr(t, err)
	if res.Created != 2 || res.Updated != 1 {
		t.Errorf("created %d, updated %d; want 2 and 1", res.Created, res.Updated)
	}
	var lines []int
	for _, e := range res.Errors {
		lines = append(lines, e.Line)
		if e.Message == "" {
			t.Errorf("line %d: empty message", e.Line)
		}
	}
	if !slices.Equal(lines, []int{3, 5}) {
		t.Errorf("error lines = %v, want [3 5]", lines)
	}

	ada, err := s.UserByEmail("ada@example.com")
	mustNoErr(t, err)
	if ada.ID != existing.ID || ada.Name != "Ada L." || ada.Department != "Board" || !ada.Has(briefing.RoleAdmin) {
		t.Errorf("updated by e-mail: %+v, want id %s, Ada L., Board, admin", ada, existing.ID)
	}
	if string(ada.PasswordHash) != "pw" || ada.Active {
		t.Errorf("import changed password %q / active %v; want kept", ada.PasswordHash, ada.Active)
	}
	for _, email := range []string{"bob@example.com", "dee@example.com"} {
		u, err := s.UserByEmail(email)
		if err != nil || !u.Active {
			t.Errorf("UserByEmail(%s) = %v, %v; want an active new user", email, u, err)
		}
	}
	if _, err := s.UserByEmail("cid@example.com"); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("the bad row was stored: %v", err)
	}

	events, _, err := s.AuditEvents(AuditFilter{Action: "user.import"})
	mustNoErr(t, err)
	if len(events) != 1 || !strings.Contains(events[0].Detail, `"created":2`) {
		t.Errorf("import audit = %+v, want one event with the counts", events)
	}
}

func importRows(n int, from int) []ImportRow {
	depts := []string{"Sales", "Support", "Engineering", "Finance", "Operations", "Marketing", "Legal", "HR"}
	rows := make([]ImportRow, n)
	for i := range rows {
		k := from + i
		rows[i] = ImportRow{Line: i + 2, User: briefing.User{
			Email:      fmt.Sprintf("person%06d@example.com", k),
			Name:       fmt.Sprintf("Person %d", k),
			Department: depts[k%len(depts)],
			Location:   []string{"Berlin", "Hamburg", "Munich"}[k%3],
		}}
	}
	return rows
}

// BenchmarkImportUsers100k imports a directory of 100,000 people into an
// empty database (target: under 10 s).
func BenchmarkImportUsers100k(b *testing.B) {
	rows := importRows(100_000, 0)
	for b.Loop() {
		b.StopTimer()
		s, _ := openStore(b)
		b.StartTimer()
		res, err := s.ImportUsers(rows, "bench")
		if err != nil || res.Created != len(rows) {
			b.Fatalf("ImportUsers: created %d, %v", res.Created, err)
		}
	}
}

// BenchmarkUserByKey looks up the caller of a request, as authentication
// does on every one.
func BenchmarkUserByKey(b *testing.B) {
	s, _ := openStore(b)
	u := mkUser(b, s, "caller@example.com", "Sales", briefing.RoleAuthor)
	key := u64(mustID(u.ID))
	b.ReportAllocs()
	mustNoErr(b, s.db.View(func(tx *bolt.Tx) error {
		for b.Loop() {
			if _, err := userByKey(tx, key); err != nil {
				b.Fatal(err)
			}
		}
		return nil
	}))
}

// TestLastActiveAdminIsKept: the store applies briefing.CanChangeUser in
// its transactions: neither an update nor a directory import takes the
// admin role or the active flag from the last active admin.
func TestLastActiveAdminIsKept(t *testing.T) {
	s, _ := openStore(t)
	admin := &briefing.User{Email: "ada@example.com", Name: "Ada", Roles: []briefing.Role{briefing.RoleAdmin}}
	mustNoErr(t, s.CreateUser(admin, "test"))
	_, err := s.UpdateUser(admin.ID, "user:"+admin.ID, func(u *briefing.User) error { u.Active = false; return nil })
	wantKind(t, err, briefing.ErrConflict)
	_, err = s.UpdateUser(admin.ID, "scim", func(u *briefing.User) error { u.Roles = nil; return nil })
	wantKind(t, err, briefing.ErrConflict)
	res, err := s.ImportUsers([]ImportRow{{Line: 2, User: briefing.User{Email: "ada@example.com", Name: "Ada", Roles: []briefing.Role{"author"}}}}, "test")
	mustNoErr(t, err)
	if res.Updated != 0 || len(res.Errors) != 1 || res.Errors[0].Line != 2 {
		t.Errorf("import demoting the last admin: got %+v, want line 2 refused", res)
	}
	if u, _ := s.User(admin.ID); !u.IsActiveAdmin() {
		t.Errorf("the last admin after refused changes: active %v, roles %v", u.Active, u.Roles)
	}
}
