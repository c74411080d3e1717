package briefing

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func TestAudienceMatches(t *testing.T) {
	sales := &User{Email: "sam@example.com", Department: "Sales", Location: "Berlin", Roles: []Role{RoleEmployee}, Active: true}
	salesManager := &User{Email: "mia@example.com", Department: "Sales", Location: "Hamburg", Roles: []Role{RoleManager}, Active: true}
	support := &User{Email: "sue@example.com", Department: "Support", Location: "Berlin", Roles: []Role{RoleAuthor}, Active: true}
	admin := &User{Email: "ann@example.com", Department: "IT", Roles: []Role{RoleAdmin}, Active: true}
	nodept := &User{Email: "nod@example.com", Roles: []Role{RoleEmployee}, Active: true}
	gone := &User{Email: "old@example.com", Department: "Sales", Location: "Berlin", Roles: []Role{RoleAdmin}, Active: false}

	tests := []struct {
		name string
		aud  Audience
		user *User
		want bool
	}{
		{"all", Audience{All: true}, sales, true},
		{"all excludes inactive", Audience{All: true}, gone, false},
		{"department", Audience{Departments: []string{"Sales"}}, sales, true},
		{"department case-insensitive", Audience{Departments: []string{"sALES"}}, sales, true},
		{"other department", Audience{Departments: []string{"Support"}}, sales, false},
		{"manager of the department is a recipient", Audience{Departments: []string{"Sales"}}, salesManager, true},
		{"inactive in the department", Audience{Departments: []string{"Sales"}}, gone, false},
		{"empty department never matches a user without one", Audience{Departments: []string{""}}, nodept, false},
		{"location", Audience{Locations: []string{"berlin"}}, support, true},
		{"other location", Audience{Locations: []string{"Munich"}}, support, false},
		{"inactive by location", Audience{Locations: []string{"Berlin"}}, gone, false},
		{"role", Audience{Roles: []Role{RoleAuthor}}, support, true},
		{"role not held", Audience{Roles: []Role{RoleAuthor}}, sales, false},
		{"role employee is everybody", Audience{Roles: []Role{RoleEmployee}}, support, true},
		{"admin is among the managers", Audience{Roles: []Role{RoleManager}}, admin, true},
		{"admin is among the authors", Audience{Roles: []Role{RoleAuthor}}, admin, true},
		{"manager is not an author", Audience{Roles: []Role{RoleAuthor}}, salesManager, false},
		{"role in capitals", Audience{Roles: []Role{"Manager"}}, salesManager, true},
		{"inactive by role", Audience{Roles: []Role{RoleAdmin}}, gone, false},
		{"user", Audience{Users: []string{"sam@example.com"}}, sales, true},
		{"user case-insensitive", Audience{Users: []string{"SAM@Example.com"}}, sales, true},
		{"inactive by name", Audience{Users: []string{"old@example.com"}}, gone, false},
		{"union: matched by user only", Audience{Departments: []string{"Support"}, Users: []string{"sam@example.com"}}, sales, true},
		{"union: matched by location only", Audience{Departments: []string{"IT"}, Locations: []string{"Hamburg"}}, salesManager, true},
		{"union: none of the parts", Audience{Departments: []string{"IT"}, Locations: []string{"Munich"}, Roles: []Role{RoleAuthor}, Users: []string{"x@example.com"}}, sales, false},
		{"empty audience", Audience{}, sales, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.aud.Matches(tt.user); got != tt.want {
				t.Errorf("%+v.Matches(%s) = %v, want %v", tt.aud, tt.user.Email, got, tt.want)
			}
		})
	}
}

func TestAudienceEmpty(t *testing.T) {
	tests := []struct {
		aud  Audience
		want bool
	}{
		{Audience{}, true},
		{Audience{Departments: []string{}}, true},
		{Audience{All: true}, false},
		{Audience{Departments: []string{"Sales"}}, false},
		{Audience{Locations: []string{"Berlin"}}, false},
		{Audience{Roles: []Role{RoleManager}}, false},
		{Audience{Users: []string{"a@example.com"}}, false},
	}
	for _, tt := range tests {
		if got := tt.aud.Empty(); got != tt.want {
			t.Errorf("%+v.Empty() = %v, want %v", tt.aud, got, tt.want)
		}
	}
}

func TestAnnouncementNormalize(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	nb := time.Date(2026, 12, 1, 10, 0, 0, 0, berlin)
	a := &Announcement{
		Title: "  Pricing  ", Summary: " short ",
		Audience: Audience{
			Users:       []string{" Bob@Example.com", "bob@example.com", ""},
			Departments: []string{" Sales", "Sales", "  "},
			Roles:       []Role{"MANAGER"},
		},
		Policy: Policy{NotBefore: &nb},
	}
	a.Normalize()
	if a.Title != "Pricing" || a.Summary != "short" {
		t.Errorf("Title, Summary = %q, %q; want trimmed", a.Title, a.Summary)
	}
	if a.Policy.Threshold != DefaultThreshold {
		t.Errorf("Threshold = %v, want default %v", a.Policy.Threshold, DefaultThreshold)
	}
	if a.Policy.OnDeadline != DeadlineHold {
		t.Errorf("OnDeadline = %q, want %q", a.Policy.OnDeadline, DeadlineHold)
	}
	if a.Policy.NotBefore.Location() != time.UTC || !a.Policy.NotBefore.Equal(nb) {
		t.Errorf("NotBefore = %v, want %v in UTC", a.Policy.NotBefore, nb.UTC())
	}
	if got := strings.Join(a.Audience.Users, ","); got != "bob@example.com" {
		t.Errorf("Users = %q, want bob@example.com once", got)
	}
	if got := strings.Join(a.Audience.Departments, ","); got != "Sales" {
		t.Errorf("Departments = %q, want Sales once", got)
	}
	if len(a.Audience.Roles) != 1 || a.Audience.Roles[0] != RoleManager {
		t.Errorf("Roles = %v, want [manager]", a.Audience.Roles)
	}
	if a.Channels == nil {
		t.Error("Channels = nil, want an empty list (JSON [] rather than null)")
	}
}

func TestAnnouncementValidate(t *testing.T) {
	ptr := func(f float64) *float64 { return &f }
	at := func(h int) *time.Time { t := time.Date(2026, 3, 1, h, 0, 0, 0, time.UTC); return &t }
	known := func(id string) bool { return id == "1" || id == "2" }
	valid := func() Announcement {
		return Announcement{
			Title: "New pricing", Summary: "s", Body: "b",
			Audience: Audience{Departments: []string{"Sales"}},
			Policy:   Policy{Threshold: 0.8, OnDeadline: DeadlineHold},
			Channels: []ChannelText{{ChannelID: "1"}},
		}
	}
	tests := []struct {
		name      string
		change    func(a *Announcement)
		wantField string
	}{
		{"valid", func(a *Announcement) {}, ""},
		{"threshold 1", func(a *Announcement) { a.Policy.Threshold = 1 }, ""},
		{"threshold tiny", func(a *Announcement) { a.Policy.Threshold = 0.001 }, ""},
		{"no title", func(a *Announcement) { a.Title = "" }, "title"},
		{"long title", func(a *Announcement) { a.Title = strings.Repeat("t", MaxTitle+1) }, "title"},
		{"long summary", func(a *Announcement) { a.Summary = strings.Repeat("s", MaxSummary+1) }, "summary"},
		{"long body", func(a *Announcement) { a.Body = strings.Repeat("b", MaxBody+1) }, "body"},
		{"threshold 0", func(a *Announcement) { a.Policy.Threshold = 0 }, "policy.threshold"},
		{"threshold negative", func(a *Announcement) { a.Policy.Threshold = -0.5 }, "policy.threshold"},
		{"threshold above 1", func(a *Announcement) { a.Policy.Threshold = 1.01 }, "policy.threshold"},
		{"threshold NaN", func(a *Announcement) { a.Policy.Threshold = math.NaN() }, "policy.threshold"},
		{"department threshold 0", func(a *Announcement) { a.Policy.DepartmentThreshold = ptr(0) }, "policy.department_threshold"},
		{"department threshold 2", func(a *Announcement) { a.Policy.DepartmentThreshold = ptr(2) }, "policy.department_threshold"},
		{"department threshold 0.5", func(a *Announcement) { a.Policy.DepartmentThreshold = ptr(0.5) }, ""},
		{"on_deadline unknown", func(a *Announcement) { a.Policy.OnDeadline = "publish" }, "policy.on_deadline"},
		{"deadline before not_before", func(a *Announcement) { a.Policy.NotBefore, a.Policy.Deadline = at(10), at(9) }, "policy.deadline"},
		{"deadline after not_before", func(a *Announcement) { a.Policy.NotBefore, a.Policy.Deadline = at(9), at(10) }, ""},
		{"audience role unknown", func(a *Announcement) { a.Audience.Roles = []Role{"boss"} }, "audience.roles"},
		{"unknown channel", func(a *Announcement) { a.Channels = []ChannelText{{ChannelID: "9"}} }, "channels"},
		{"channel twice", func(a *Announcement) { a.Channels = []ChannelText{{ChannelID: "1"}, {ChannelID: "1"}} }, "channels"},
		{"channel text too long", func(a *Announcement) {
			a.Channels = []ChannelText{{ChannelID: "2", Text: strings.Repeat("x", MaxChannelText+1)}}
		}, "channels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := valid()
			tt.change(&a)
			err := a.Validate(known)
			wantValidation(t, err, tt.wantField)
		})
	}
}

func TestAnnouncementInternalAndChannelText(t *testing.T) {
	a := &Announcement{Summary: "the summary"}
	if !a.Internal() {
		t.Error("an announcement without channels: Internal() = false, want true")
	}
	a.Channels = []ChannelText{{ChannelID: "1", Text: "for the press"}, {ChannelID: "2", Text: "   "}}
	if a.Internal() {
		t.Error("an announcement with channels: Internal() = true, want false")
	}
	for _, tt := range []struct{ channel, want string }{
		{"1", "for the press"},
		{"2", "the summary"}, // blank variant falls back
		{"3", "the summary"},
	} {
		if got := a.ChannelTextFor(tt.channel); got != tt.want {
			t.Errorf("ChannelTextFor(%q) = %q, want %q", tt.channel, got, tt.want)
		}
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"New pricing from 1 March", "new-pricing-from-1-march"},
		{"  Hello,   World!  ", "hello-world"},
		{"Grüße aus München", "gruesse-aus-muenchen"},
		{"Öl & Übung", "oel-uebung"},
		{"a ü b", "a-ue-b"},
		{"Straße ß 1", "strasse-ss-1"},
		{"---", "news"},
		{"", "news"},
		{"日本語", "news"},
		{"Q3: +15 %", "q3-15"},
	}
	for _, tt := range tests {
		if got := Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSlugifyLength(t *testing.T) {
	for _, title := range []string{
		strings.Repeat("word ", 40),
		strings.Repeat("a", 79) + "ä" + strings.Repeat("b", 10),
		strings.Repeat("ü", 100),
	} {
		s := Slugify(title)
		if len(s) > 80 {
			t.Errorf("Slugify(%q) has %d bytes, want at most 80", title, len(s))
		}
		if strings.HasSuffix(s, "-") || strings.HasPrefix(s, "-") || strings.Contains(s, "--") {
			t.Errorf("Slugify(%q) = %q: stray hyphen", title, s)
		}
	}
}

// bigAudience is n addresses as an author might paste them: mixed case,
// stray spaces, every tenth one twice.
func bigAudience(n int) []string {
	out := make([]string, 0, n+n/10)
	for i := range n {
		out = append(out, fmt.Sprintf(" Person%d@Example.com", i))
		if i%10 == 0 {
			out = append(out, fmt.Sprintf("person%d@example.com ", i))
		}
	}
	return out
}

// TestNormalizeLargeAudience: 50,000 people, in the order given, each
// once. BenchmarkNormalizeLargeAudience watches the cost (it must grow
// linearly: the quadratic version took seconds here, inside the write
// transaction).
func TestNormalizeLargeAudience(t *testing.T) {
	const n = 50_000
	a := Announcement{Audience: Audience{Users: bigAudience(n), Departments: []string{" Sales", "Sales", "", "Support "}}}
	a.Normalize()
	if got := len(a.Audience.Users); got != n {
		t.Fatalf("got %d addresses, want %d", got, n)
	}
	for _, i := range []int{0, 1, 9, 10, 4999, n - 1} {
		if want := fmt.Sprintf("person%d@example.com", i); a.Audience.Users[i] != want {
			t.Errorf("address %d: got %q, want %q", i, a.Audience.Users[i], want)
		}
	}
	if got := strings.Join(a.Audience.Departments, "|"); got != "Sales|Support" {
		t.Errorf("departments: got %q, want Sales|Support", got)
	}
}

func BenchmarkNormalizeLargeAudience(b *testing.B) {
	users := bigAudience(50_000)
	for b.Loop() {
		a := Announcement{Audience: Audience{Users: users}}
		a.Normalize()
	}
}
