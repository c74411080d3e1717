package store

import (
	"errors"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

func mkKind(tb testing.TB, s *Store, name string, kind briefing.ChannelKind, cfg any) *briefing.Channel {
	tb.Helper()
	c := &briefing.Channel{Name: name, Kind: kind, Config: channel.ConfigJSON(cfg)}
	if err := s.CreateChannel(c, "test"); err != nil {
		tb.Fatalf("CreateChannel(%s): %v", name, err)
	}
	return c
}

func newsroomOf(tb testing.TB, s *Store) *briefing.Channel {
	tb.Helper()
	list, err := s.Channels()
	mustNoErr(tb, err)
	for _, c := range list {
		if c.Kind == briefing.KindNewsroom {
			return c
		}
	}
	tb.Fatal("no newsroom")
	return nil
}

// releasedTo publishes an announcement to the channels and releases it.
func releasedTo(tb testing.TB, s *Store, cs ...*briefing.Channel) *briefing.Announcement {
	tb.Helper()
	a := mkPublished(tb, s, briefing.Announcement{Audience: briefing.Audience{All: true}, Channels: channels(cs...), Policy: briefing.Policy{Threshold: 1}})
	if _, err := s.Release(a.ID, testManager, "test"); err != nil {
		tb.Fatal(err)
	}
	return a
}

// TestNewsroomDeliveryIsLocal: the newsroom alone is enough to release
// (not internal only), and its delivery is sent at release, never queued.
func TestNewsroomDeliveryIsLocal(t *testing.T) {
	s, clk := openStore(t)
	mkUsers(t, s, 3, inDept("Sales"))
	a := releasedTo(t, s, newsroomOf(t, s))
	ds, err := s.Deliveries(a.ID)
	mustNoErr(t, err)
	if len(ds) != 1 || ds[0].State != briefing.DeliverySent || ds[0].SentAt == nil || !ds[0].SentAt.Equal(clk.Now()) {
		t.Fatalf("newsroom deliveries = %+v, want one sent at release", ds)
	}
	if n := len(outboxOf(t, s, a.ID)); n != 0 {
		t.Errorf("%d outbox rows for the newsroom, want none", n)
	}
	if _, err := s.ReleasedBySlug(a.Slug); err != nil {
		t.Errorf("the newsroom page of a newsroom-only release: %v", err)
	}
}

// TestManualDeliveryConfirm: a manual delivery awaits its person; only an
// assignee (or an author, manager, admin) confirms it, and that is audited.
func TestManualDeliveryConfirm(t *testing.T) {
	s, clk := openStore(t)
	mkUsers(t, s, 3, inDept("Sales"))
	poster := mkUser(t, s, "poster@example.com", "PR")
	other := mkUser(t, s, "other@example.com", "PR")
	xing := mkKind(t, s, "Xing", channel.KindManual, channel.ManualConfig{Platform: "Xing", Assignees: []string{"Poster@Example.com"}})
	a := releasedTo(t, s, xing)
	ds, _ := s.Deliveries(a.ID)
	if len(ds) != 1 || ds[0].State != briefing.DeliveryAwaiting {
		t.Fatalf("deliveries = %+v, want one awaiting", ds)
	}
	d := ds[0]
	if n := len(outboxOf(t, s, a.ID)); n != 0 {
		t.Errorf("%d outbox rows for a manual channel, want none", n)
	}
	if tasks, _ := s.Awaiting("poster@example.com"); len(tasks) != 1 || tasks[0].Delivery.ID != d.ID {
		t.Errorf("poster's tasks = %+v, want the delivery", tasks)
	}
	if tasks, _ := s.Awaiting("other@example.com"); len(tasks) != 0 {
		t.Errorf("a non-assignee has tasks %+v", tasks)
	}

	_, err := s.ConfirmDelivery(a.ID, d.ID, other, "https://xing.example/p/1")
	wantKind(t, err, briefing.ErrNotFound)

	// The reminder after 30 minutes, once.
	clk.Add(29 * time.Minute)
	if n, _ := s.RemindAwaiting(); n != 0 {
		t.Errorf("reminded %d after 29 minutes, want 0", n)
	}
	clk.Add(time.Minute)
	if n, _ := s.RemindAwaiting(); n != 1 {
		t.Errorf("reminded %d after 30 minutes, want 1", n)
	}
	if n, _ := s.RemindAwaiting(); n != 0 {
		t.Errorf("reminded again: %d, want once", n)
	}

	got, err := s.ConfirmDelivery(a.ID, d.ID, poster, "https://xing.example/p/1")
	mustNoErr(t, err)
	if got.State != briefing.DeliverySent || got.PostURL != "https://xing.example/p/1" || got.ConfirmedBy != poster.ID {
		t.Errorf("confirmed = %+v", got)
	}
	if tasks, _ := s.Awaiting(""); len(tasks) != 0 {
		t.Errorf("awaiting after the confirmation: %+v", tasks)
	}
	_, err = s.ConfirmDelivery(a.ID, d.ID, poster, "")
	wantKind(t, err, briefing.ErrConflict)
	events, _, _ := s.AuditEvents(AuditFilter{Action: "delivery.confirm", Target: "announcement:" + a.ID})
	if len(events) != 1 || events[0].Actor != "user:"+poster.ID {
		t.Errorf("audit = %+v, want one delivery.confirm by the poster", events)
	}
}

// TestUnansweredAttempts: Slack has no idempotency key, so an attempt with
// no answer is unconfirmed at once; Mastodon's key lasts an hour, so it is
// retried until the first unanswered attempt is an hour old. A retry of an
// unconfirmed delivery needs "not posted".
func TestUnansweredAttempts(t *testing.T) {
	s, clk := openStore(t)
	mkUsers(t, s, 3, inDept("Sales"))
	slack := mkKind(t, s, "Chat", channel.KindSlack, channel.SlackConfig{URL: "https://chat.example/h"})
	toot := mkKind(t, s, "Toot", channel.KindMastodon, channel.MastodonConfig{Instance: "https://m.example", AccessToken: "t"})
	a := releasedTo(t, s, slack, toot)
	ds, _ := s.Deliveries(a.ID)
	noAnswer := Attempt{Err: errors.New("no answer in time"), NoAnswer: true, NextDelay: time.Second}

	for _, d := range ds {
		_, ok, err := s.BeginAttempt(d.ID)
		mustNoErr(t, err)
		if !ok {
			t.Fatalf("BeginAttempt(%s) not ok", d.Kind)
		}
		got, err := s.RecordAttempt(d.ID, noAnswer)
		mustNoErr(t, err)
		want := briefing.DeliveryPending
		if d.Kind == channel.KindSlack {
			want = briefing.DeliveryUnconfirmed
		}
		if got.State != want {
			t.Errorf("%s after one unanswered attempt: %s, want %s", d.Kind, got.State, want)
		}
	}
	var masto *briefing.Delivery
	for _, d := range ds {
		if d.Kind == channel.KindMastodon {
			masto = d
		}
	}
	clk.Add(time.Hour)
	_, _, _ = s.BeginAttempt(masto.ID)
	if got, _ := s.RecordAttempt(masto.ID, noAnswer); got.State != briefing.DeliveryUnconfirmed {
		t.Errorf("mastodon an hour after its first unanswered attempt: %s, want unconfirmed", got.State)
	}

	_, err := s.RetryDelivery(a.ID, masto.ID, "user:author", false)
	if briefing.ErrorField(err) != "not_posted" {
		t.Errorf("retry of an unconfirmed delivery without not_posted = %v, want invalid not_posted", err)
	}
	got, err := s.RetryDelivery(a.ID, masto.ID, "user:author", true)
	mustNoErr(t, err)
	if got.State != briefing.DeliveryPending || got.FirstUnansweredAt != nil {
		t.Errorf("retried = %+v, want pending with a fresh window", got)
	}
	events, _, _ := s.AuditEvents(AuditFilter{Action: "delivery.", Target: "announcement:" + a.ID})
	if len(events) != 3 { // unconfirmed twice, retry once
		t.Errorf("audit = %+v, want two delivery.unconfirmed and a delivery.retry", events)
	}
}

// TestCrashMidSendIsUnconfirmed: what a retry needs is in the row before
// the request goes out; a Slack attempt whose outcome was never recorded
// (the server died) is unconfirmed at the next start, never re-sent.
func TestCrashMidSendIsUnconfirmed(t *testing.T) {
	s, _ := openStore(t)
	mkUsers(t, s, 3, inDept("Sales"))
	slack := mkKind(t, s, "Chat", channel.KindSlack, channel.SlackConfig{URL: "https://chat.example/h"})
	hook := mkChannel(t, s, "Hook")
	a := releasedTo(t, s, slack, hook)
	ds, _ := s.Deliveries(a.ID)
	for _, d := range ds {
		if _, ok, _ := s.BeginAttempt(d.ID); !ok {
			t.Fatal("first BeginAttempt not ok")
		}
	}
	s = reopen(t, s)
	for _, d := range ds {
		got, ok, err := s.BeginAttempt(d.ID)
		mustNoErr(t, err)
		if d.Kind == channel.KindSlack && (ok || got.State != briefing.DeliveryUnconfirmed) {
			t.Errorf("slack after a crash mid-send: ok %v state %s, want unconfirmed", ok, got.State)
		}
		if d.Kind == channel.KindWebhook && (!ok || got.State != briefing.DeliveryPending) {
			t.Errorf("webhook after a crash mid-send: ok %v state %s, want sent again (its webhook-id makes it safe)", ok, got.State)
		}
	}
}
