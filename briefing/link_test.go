package briefing

import (
	"testing"
	"time"
)

func TestCheckLink(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	used := now.Add(-time.Minute)
	live := func(k LinkKind) *Link { return &Link{Kind: k, ExpiresAt: now.Add(time.Hour)} }
	tests := []struct {
		name string
		l    *Link
		want LinkKind
		ok   bool
	}{
		{"unknown", nil, LinkWelcome, false},
		{"live welcome", live(LinkWelcome), LinkWelcome, true},
		{"of another kind", live(LinkWelcome), LinkReset, false},
		{"expired at the instant", &Link{Kind: LinkReset, ExpiresAt: now}, LinkReset, false},
		{"spent welcome", &Link{Kind: LinkWelcome, ExpiresAt: now.Add(time.Hour), UsedAt: &used}, LinkWelcome, false},
		{"briefing link used before", &Link{Kind: LinkBriefing, ExpiresAt: now.Add(time.Hour), UsedAt: &used}, LinkBriefing, true},
	}
	for _, tt := range tests {
		if err := CheckLink(tt.l, tt.want, now); (err == nil) != tt.ok {
			t.Errorf("%s: CheckLink = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
	if WelcomeLinkTTL != 7*24*time.Hour || ResetLinkTTL != time.Hour || BriefingLinkTTL != 14*24*time.Hour {
		t.Error("the link lifetimes differ from API.md")
	}
}

func TestCanSignInByLink(t *testing.T) {
	tests := []struct {
		roles  []Role
		active bool
		want   bool
	}{
		{[]Role{RoleEmployee}, true, true},
		{[]Role{"reviewer"}, true, true},
		{[]Role{RoleEmployee, "reviewer"}, true, true},
		{[]Role{RoleAuthor}, true, false},
		{[]Role{RoleEmployee, RoleManager}, true, false},
		{[]Role{RoleAdmin}, true, false},
		{[]Role{RoleEmployee}, false, false},
	}
	for _, tt := range tests {
		if got := CanSignInByLink(&User{Roles: tt.roles, Active: tt.active}); got != tt.want {
			t.Errorf("CanSignInByLink(%v, active %v) = %v, want %v", tt.roles, tt.active, got, tt.want)
		}
	}
	if CanSignInByLink(nil) {
		t.Error("CanSignInByLink(nil) = true")
	}
}
