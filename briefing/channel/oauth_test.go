package channel

import (
	"encoding/json"
	"testing"

	"golang.org/x/oauth2"

	"firsthand/briefing"
)

func TestOAuthConfigPerPlatform(t *testing.T) {
	cases := []struct {
		kind        briefing.ChannelKind
		config      string
		auth, token string
		style       oauth2.AuthStyle
		scopes      int
	}{
		{"x", `{"client_id":"c","client_secret":"s"}`, "https://x.com/i/oauth2/authorize", "https://api.x.com/2/oauth2/token", oauth2.AuthStyleInHeader, 4},
		{"x", `{"client_id":"c"}`, "https://x.com/i/oauth2/authorize", "https://api.x.com/2/oauth2/token", oauth2.AuthStyleInParams, 4},
		{"x", `{"client_id":"c","client_secret":"s","api_base":"https://proxy.example/x/","auth_base":"https://auth.example"}`,
			"https://auth.example/i/oauth2/authorize", "https://proxy.example/x/2/oauth2/token", oauth2.AuthStyleInHeader, 4},
		{"linkedin", `{"client_id":"c","client_secret":"s"}`, "https://www.linkedin.com/oauth/v2/authorization", "https://www.linkedin.com/oauth/v2/accessToken", oauth2.AuthStyleInParams, 3},
	}
	for _, tc := range cases {
		cfg, _, ok, err := OAuthConfig(briefing.Channel{Name: "n", Kind: tc.kind, Config: json.RawMessage(tc.config)}, "https://fh.example/cb")
		if !ok || err != nil {
			t.Fatalf("%s %s: ok %v, %v", tc.kind, tc.config, ok, err)
		}
		if cfg.Endpoint.AuthURL != tc.auth || cfg.Endpoint.TokenURL != tc.token || cfg.Endpoint.AuthStyle != tc.style ||
			len(cfg.Scopes) != tc.scopes || cfg.RedirectURL != "https://fh.example/cb" {
			t.Errorf("%s %s: got %+v scopes %v", tc.kind, tc.config, cfg.Endpoint, cfg.Scopes)
		}
	}
	if _, _, ok, _ := OAuthConfig(briefing.Channel{Kind: KindMastodon}, ""); ok {
		t.Errorf("mastodon connects an account")
	}
	if _, _, _, err := OAuthConfig(briefing.Channel{Kind: "x", Config: json.RawMessage(`{"access_token":"a"}`)}, ""); err == nil {
		t.Errorf("x without a client_id: no error")
	}
}

func TestConnected(t *testing.T) {
	for _, tc := range []struct {
		kind   briefing.ChannelKind
		config string
		want   bool
	}{
		{KindWebhook, `{}`, true},
		{"x", `{"client_id":"c","client_secret":"s"}`, false},
		{"x", `{"access_token":"a"}`, true},
		{"linkedin", `{"access_token":"a","token_failed":"refused"}`, false},
	} {
		if got := Connected(briefing.Channel{Kind: tc.kind, Config: json.RawMessage(tc.config)}); got != tc.want {
			t.Errorf("%s %s: connected %v, want %v", tc.kind, tc.config, got, tc.want)
		}
	}
}
