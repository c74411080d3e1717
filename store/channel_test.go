package store

import (
	"errors"
	"testing"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

func TestChannels(t *testing.T) {
	s, clk := openStore(t)
	bad := &briefing.Channel{Name: "Hook", Kind: channel.KindWebhook,
		Config: channel.ConfigJSON(channel.WebhookConfig{URL: "https://x.example", Secret: "not-whsec"})}
	err := s.CreateChannel(bad, "admin")
	if !errors.Is(err, briefing.ErrInvalid) || briefing.ErrorField(err) != "config.secret" {
		t.Errorf("CreateChannel with a bad secret = %v, want invalid config.secret", err)
	}

	hook := mkChannel(t, s, "Partners")
	slack := &briefing.Channel{Name: "Chat", Kind: channel.KindSlack, Config: channel.ConfigJSON(channel.SlackConfig{URL: "https://chat.example/hook"})}
	mustNoErr(t, s.CreateChannel(slack, "admin"))
	if hook.ID == "" || slack.ID == hook.ID || !slack.CreatedAt.Equal(clk.Now()) {
		t.Errorf("ids %q %q, created %v", hook.ID, slack.ID, slack.CreatedAt)
	}

	got, err := s.Channel(hook.ID)
	mustNoErr(t, err)
	if got.Name != "Partners" || string(got.Config) != string(hook.Config) {
		t.Errorf("Channel(%s) = %+v: the store must keep the config to sign deliveries", hook.ID, got)
	}
	list, err := s.Channels()
	mustNoErr(t, err)
	if len(list) != 3 || list[0].Kind != briefing.KindNewsroom || list[1].ID != hook.ID || list[2].ID != slack.ID {
		t.Errorf("Channels() = %+v, want Newsroom, Partners, Chat", list)
	}

	mustNoErr(t, s.SetChannelDisabled(slack.ID, "admin", true, "spam complaints"))
	if c, _ := s.Channel(slack.ID); !c.Disabled || c.Note != "spam complaints" {
		t.Errorf("disabled channel = %+v", c)
	}
	mustNoErr(t, s.SetChannelDisabled(slack.ID, "admin", false, ""))
	if c, _ := s.Channel(slack.ID); c.Disabled {
		t.Error("the channel is still disabled")
	}
	events, _, err := s.AuditEvents(AuditFilter{Action: "channel.", Target: "channel:" + slack.ID})
	mustNoErr(t, err)
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	if len(actions) != 3 || actions[0] != "channel.enable" || actions[1] != "channel.disable" || actions[2] != "channel.create" {
		t.Errorf("audit = %v, want enable, disable, create", actions)
	}

	_, err = s.Channel("999")
	wantKind(t, err, briefing.ErrNotFound)
	wantKind(t, s.SetChannelDisabled("999", "admin", true, ""), briefing.ErrNotFound)
}

// TestNewsroomChannel: every database has the newsroom from its first
// start; it can be neither added again nor disabled.
func TestNewsroomChannel(t *testing.T) {
	s, _ := openStore(t)
	list, err := s.Channels()
	mustNoErr(t, err)
	if len(list) != 1 || list[0].Kind != briefing.KindNewsroom || list[0].Name != briefing.NewsroomName {
		t.Fatalf("a new database's channels = %+v, want the newsroom alone", list)
	}
	wantKind(t, s.SetChannelDisabled(list[0].ID, "admin", true, "no"), briefing.ErrConflict)
	wantKind(t, s.CreateChannel(&briefing.Channel{Name: "Second", Kind: briefing.KindNewsroom}, "admin"), briefing.ErrConflict)
}
