package store

import (
	"testing"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

func mkKindChannel(t *testing.T, s *Store, name string, kind briefing.ChannelKind, config any) *briefing.Channel {
	t.Helper()
	c := &briefing.Channel{Name: name, Kind: kind, Config: channel.ConfigJSON(config)}
	mustNoErr(t, s.CreateChannel(c, "test"))
	return c
}

// TestWithdrawCreatesRetractions: in the withdrawal's transaction, every
// post that went out gets a retraction: in the outbox where the platform
// deletes it, awaiting a person (who is mailed) where it cannot; nothing
// for a post that never went out.
func TestWithdrawCreatesRetractions(t *testing.T) {
	s, _ := openStore(t)
	author := mkUser(t, s, "author@example.com", "PR", briefing.RoleAuthor)
	x := mkKindChannel(t, s, "X", channel.KindX, channel.XConfig{AccessToken: "t"})
	chat := mkKindChannel(t, s, "Chat", channel.KindSlack, channel.SlackConfig{URL: "https://hooks.example/T/B/c"})
	failed := mkKindChannel(t, s, "LinkedIn", channel.KindLinkedIn, channel.LinkedInConfig{AccessToken: "t", Author: "urn:li:organization:1"})
	a, out := releasedWith(t, s, author.ID, x, chat, failed)
	byChannel := map[string]string{}
	for _, d := range out {
		byChannel[d.ChannelID] = d.ID
	}
	_, err := s.RecordAttempt(byChannel[x.ID], Attempt{PostID: "181", PostURL: "https://x.com/i/web/status/181"})
	mustNoErr(t, err)
	_, err = s.RecordAttempt(byChannel[chat.ID], Attempt{})
	mustNoErr(t, err)
	_, err = s.RecordAttempt(byChannel[failed.ID], Attempt{Err: errString("refused"), GiveUp: true})
	mustNoErr(t, err)
	jobsBefore, _ := s.DueMailJobs()

	_, err = s.Withdraw(a.ID, "user:author", "wrong figures")
	mustNoErr(t, err)
	ds, err := s.Deliveries(a.ID)
	mustNoErr(t, err)
	retractions := map[string]*briefing.Delivery{}
	for _, d := range ds {
		if d.Action == briefing.ActionRetract {
			retractions[d.ChannelID] = d
		} else if d.Action != briefing.ActionPost {
			t.Errorf("delivery %s has action %q, want post or retract", d.ID, d.Action)
		}
	}
	if len(retractions) != 2 {
		t.Fatalf("%d retractions, want 2 (X and chat; LinkedIn never posted)", len(retractions))
	}
	if r := retractions[x.ID]; r.State != briefing.DeliveryPending || r.PostID != "181" || r.RetractsID != byChannel[x.ID] || r.Reason != "wrong figures" {
		t.Errorf("X retraction = %+v, want pending, deleting post 181", r)
	}
	if r := retractions[chat.ID]; r.State != briefing.DeliveryAwaiting {
		t.Errorf("chat retraction = %+v, want awaiting a person", r)
	}
	if out := outboxOf(t, s, a.ID); len(out) != 1 || out[0].ChannelID != x.ID {
		t.Errorf("outbox = %+v, want only X's retraction", out)
	}
	jobs, _ := s.DueMailJobs()
	var byHand int
	for _, j := range jobs {
		if j.Kind == MailRetractByHand && j.DeliveryID == retractions[chat.ID].ID {
			byHand++
		}
	}
	if byHand != 1 || len(jobs) != len(jobsBefore)+1 {
		t.Errorf("%d by-hand mail jobs for the chat post (%d jobs, %d before), want 1 new", byHand, len(jobs), len(jobsBefore))
	}
}

type errString string

func (e errString) Error() string { return string(e) }
