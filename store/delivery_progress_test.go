package store

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

func TestClaimDeliveryLease(t *testing.T) {
	s, clk := openStore(t)
	_, out := releasedWith(t, s, "", mkChannel(t, s, "Press"))
	id := out[0].ID
	d, err := s.ClaimDelivery(id, clk.Now().Add(time.Minute))
	mustNoErr(t, err)
	if d.LeaseUntil == nil || !d.LeaseUntil.Equal(clk.Now().Add(time.Minute)) {
		t.Errorf("lease = %v, want a minute from now", d.LeaseUntil)
	}
	if _, err := s.ClaimDelivery(id, clk.Now().Add(time.Minute)); !errors.Is(err, briefing.ErrConflict) {
		t.Errorf("second claim during the lease: %v, want a conflict", err)
	}
	clk.Add(time.Minute + time.Second)
	if _, err := s.ClaimDelivery(id, clk.Now().Add(time.Minute)); err != nil {
		t.Errorf("claim after the lease ran out: %v, want it granted (the first worker died)", err)
	}
	// A lease a crashed process left is void at once: only one process
	// opens the file.
	old := processID
	processID = "msg_another_process"
	if _, err := s.ClaimDelivery(id, clk.Now().Add(time.Minute)); err != nil {
		t.Errorf("claim of a lease left by another process: %v, want it granted", err)
	}
	processID = old
	d, err = s.RecordAttempt(id, Attempt{PostID: "181", PostURL: "https://x.com/i/web/status/181", Note: "noted"})
	mustNoErr(t, err)
	if d.LeaseUntil != nil || d.PostID != "181" || d.PostURL != "https://x.com/i/web/status/181" || d.Note != "noted" || d.Action != briefing.ActionPost {
		t.Errorf("after success: %+v, want no lease, the post's id, URL and note, action post", d)
	}
	if _, err := s.ClaimDelivery(id, clk.Now().Add(time.Minute)); !errors.Is(err, briefing.ErrConflict) {
		t.Errorf("claim of a sent delivery: %v, want a conflict", err)
	}
}

func TestSaveDeliveryProgress(t *testing.T) {
	s, _ := openStore(t)
	_, out := releasedWith(t, s, "", mkChannel(t, s, "Press"))
	id := out[0].ID
	mustNoErr(t, s.SaveDeliveryProgress(id, "bluesky_rkey", "3l7nqn2vwkc2a"))
	d, err := s.Delivery(id)
	mustNoErr(t, err)
	if d.Progress["bluesky_rkey"] != "3l7nqn2vwkc2a" {
		t.Errorf("progress = %v, want the rkey stored", d.Progress)
	}
	_, err = s.RecordAttempt(id, Attempt{})
	mustNoErr(t, err)
	if err := s.SaveDeliveryProgress(id, "x", "y"); !errors.Is(err, briefing.ErrConflict) {
		t.Errorf("progress for a sent delivery: %v, want a conflict", err)
	}
}

// TestKeepSessionSealedWithTheChannel: a kept session lands in the
// channel's config, never in what the API lists.
func TestKeepSessionSealedWithTheChannel(t *testing.T) {
	s, _ := openStore(t)
	c := &briefing.Channel{Name: "Bluesky", Kind: channel.KindBluesky, Config: channel.ConfigJSON(channel.BlueskyConfig{Identifier: "acme.bsky.social", AppPassword: "app-pass"})}
	mustNoErr(t, s.CreateChannel(c, "test"))
	mustNoErr(t, s.KeepSession(t.Context(), c.ID, json.RawMessage(`{"did":"did:plc:x","accessJwt":"secret-access-jwt"}`)))
	got, err := s.Channel(c.ID)
	mustNoErr(t, err)
	if !strings.Contains(string(got.Config), "secret-access-jwt") || !strings.Contains(string(got.Config), "app-pass") {
		t.Errorf("config %s, want the session beside the app password", got.Config)
	}
	listed, _ := json.Marshal(got)
	if strings.Contains(string(listed), "secret-access-jwt") {
		t.Errorf("the channel as listed carries the session: %s", listed)
	}
}

// TestFailedDeliveryTellsAdmins: a token only an admin can reconnect
// tells the admins too.
func TestFailedDeliveryTellsAdmins(t *testing.T) {
	s, _ := openStore(t)
	admin := mkUser(t, s, "admin@example.com", "IT", briefing.RoleAdmin)
	_, out := releasedWith(t, s, "", mkChannel(t, s, "Press"))
	_, err := s.RecordAttempt(out[0].ID, Attempt{Err: errors.New("x: the account's token expired or was revoked: connect the account again"), GiveUp: true, TellAdmins: true})
	mustNoErr(t, err)
	jobs, err := s.DueMailJobs()
	mustNoErr(t, err)
	var ids []string
	for _, j := range jobs {
		if j.Kind == MailDeliveryFailed {
			rs, err := s.NextMailRecipients(j.ID, 100)
			mustNoErr(t, err)
			for _, r := range rs {
				ids = append(ids, r.UserID)
			}
		}
	}
	if !slices.Contains(ids, admin.ID) {
		t.Errorf("told %v, want the admin %s among them", ids, admin.ID)
	}
}
