package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

// releasedWith publishes to one Sales employee, with the given author, and
// releases through the gate; it returns the announcement and its outbox.
func releasedWith(t *testing.T, s *Store, authorID string, cs ...*briefing.Channel) (*briefing.Announcement, []*briefing.Delivery) {
	t.Helper()
	u := mkUser(t, s, "reader@example.com", "Sales")
	a := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{Users: []string{u.Email}}, Policy: briefing.Policy{Threshold: 1},
		Channels: channels(cs...), AuthorID: authorID,
	})
	if !ack(t, s, a.ID, u).Released {
		t.Fatal("not released")
	}
	return a, outboxOf(t, s, a.ID)
}

func TestRecordAttemptRetryThenSent(t *testing.T) {
	s, clk := openStore(t)
	c := mkChannel(t, s, "Press")
	_, out := releasedWith(t, s, "", c)
	if len(out) != 1 {
		t.Fatalf("%d outbox rows, want 1", len(out))
	}
	id := out[0].ID

	clk.Add(time.Second)
	d, err := s.RecordAttempt(id, Attempt{Err: errors.New("503 Service Unavailable"), NextDelay: 2 * time.Second})
	mustNoErr(t, err)
	if d.State != briefing.DeliveryPending || d.Attempts != 1 || d.LastError != "503 Service Unavailable" ||
		!d.NextAttemptAt.Equal(clk.Now().Add(2*time.Second)) {
		t.Errorf("after a failed attempt: %+v, want pending, 1 attempt, the error, due in 2 s", d)
	}
	if got := outboxOf(t, s, d.AnnouncementID); len(got) != 1 || got[0].ID != id || got[0].Attempts != 1 {
		t.Errorf("outbox after a retry = %+v, want the same delivery with 1 attempt", got)
	}

	clk.Add(2 * time.Second)
	d, err = s.RecordAttempt(id, Attempt{})
	mustNoErr(t, err)
	if d.State != briefing.DeliverySent || d.Attempts != 2 || d.LastError != "" || d.SentAt == nil || !d.SentAt.Equal(clk.Now()) {
		t.Errorf("after success: %+v, want sent after 2 attempts, now", d)
	}
	if d.ID != id {
		t.Errorf("the delivery id (the idempotency key) changed from %s to %s", id, d.ID)
	}
	if got := outboxOf(t, s, d.AnnouncementID); len(got) != 0 {
		t.Errorf("a sent delivery is still in the outbox: %+v", got)
	}
	stored, err := s.Delivery(id)
	mustNoErr(t, err)
	if stored.State != briefing.DeliverySent {
		t.Errorf("Delivery(%s).State = %s, want sent", id, stored.State)
	}

	_, err = s.RecordAttempt(id, Attempt{})
	wantKind(t, err, briefing.ErrConflict)
	_, err = s.RecordAttempt("999", Attempt{})
	wantKind(t, err, briefing.ErrNotFound)
	_, err = s.Delivery("999")
	wantKind(t, err, briefing.ErrNotFound)
	if jobs, _ := s.DueMailJobs(); slices.ContainsFunc(jobs, func(j MailJob) bool { return j.Kind == MailDeliveryFailed }) {
		t.Error("a sent delivery queued a failure mail")
	}
}

func TestRecordAttemptGiveUp(t *testing.T) {
	s, _ := openStore(t)
	// Managers of Sales get lower ids than the author, to check that the
	// failure mail reaches all of them whatever the order.
	m1 := mkUser(t, s, "m1@example.com", "Sales", briefing.RoleManager)
	mkUser(t, s, "elsewhere@example.com", "Support", briefing.RoleManager) // not a recipient's department
	m2 := mkUser(t, s, "m2@example.com", "Sales", briefing.RoleManager)
	gone := mkUser(t, s, "gone@example.com", "Sales", briefing.RoleManager)
	_, err := s.UpdateUser(gone.ID, "admin", func(u *briefing.User) error { u.Active = false; return nil })
	mustNoErr(t, err)
	author := mkUser(t, s, "author@example.com", "Comms", briefing.RoleAuthor)
	c := mkChannel(t, s, "Press")
	a, out := releasedWith(t, s, author.ID, c)

	d, err := s.RecordAttempt(out[0].ID, Attempt{Err: errors.New("timeout"), GiveUp: true})
	mustNoErr(t, err)
	if d.State != briefing.DeliveryFailed || d.Attempts != 1 || d.LastError != "timeout" {
		t.Errorf("given up: %+v, want failed with the error", d)
	}
	if got := outboxOf(t, s, a.ID); len(got) != 0 {
		t.Errorf("a failed delivery is still in the outbox")
	}

	jobs, err := s.DueMailJobs()
	mustNoErr(t, err)
	i := slices.IndexFunc(jobs, func(j MailJob) bool { return j.Kind == MailDeliveryFailed })
	if i < 0 {
		t.Fatalf("no %s mail job among %+v", MailDeliveryFailed, jobs)
	}
	job := jobs[i]
	if job.AnnouncementID != a.ID || job.DeliveryID != d.ID {
		t.Errorf("job = %+v, want announcement %s delivery %s", job, a.ID, d.ID)
	}
	got := walkJob(t, s, job.ID, 1)
	if want := []string{m1.ID, m2.ID, author.ID}; !slices.Equal(got, want) {
		t.Errorf("failure mail goes to %v, want %v (managers of Sales and the author)", got, want)
	}

	events, _, err := s.AuditEvents(AuditFilter{Action: "delivery.failed", Target: "announcement:" + a.ID})
	mustNoErr(t, err)
	if len(events) != 1 || !strings.Contains(events[0].Detail, "timeout") {
		t.Errorf("audit = %+v, want one delivery.failed with the error", events)
	}
}

func TestRecordAttemptDisable(t *testing.T) {
	s, _ := openStore(t)
	c := mkChannel(t, s, "Gone")
	_, out := releasedWith(t, s, "", c)
	d, err := s.RecordAttempt(out[0].ID, Attempt{Err: errors.New("410 Gone"), Disable: true})
	mustNoErr(t, err)
	if d.State != briefing.DeliveryFailed {
		t.Errorf("state = %s, want failed", d.State)
	}
	ch, err := s.Channel(c.ID)
	mustNoErr(t, err)
	if !ch.Disabled || !strings.Contains(ch.Note, "410") {
		t.Errorf("channel = disabled %v, note %q; want disabled with the reason", ch.Disabled, ch.Note)
	}
	events, _, err := s.AuditEvents(AuditFilter{Action: "channel.disable", Target: "channel:" + c.ID})
	mustNoErr(t, err)
	if len(events) != 1 {
		t.Errorf("%d channel.disable events, want 1", len(events))
	}
}

func TestRetryDelivery(t *testing.T) {
	s, clk := openStore(t)
	c := mkChannel(t, s, "Press")
	a, out := releasedWith(t, s, "", c)
	id := out[0].ID

	_, err := s.RetryDelivery(a.ID, id, "admin", false)
	wantKind(t, err, briefing.ErrConflict) // still pending

	_, err = s.RecordAttempt(id, Attempt{Err: errors.New("boom"), GiveUp: true})
	mustNoErr(t, err)
	_, err = s.RetryDelivery("999", id, "admin", false)
	wantKind(t, err, briefing.ErrNotFound)

	clk.Add(time.Hour)
	d, err := s.RetryDelivery(a.ID, id, "admin", false)
	mustNoErr(t, err)
	if d.ID != id || d.State != briefing.DeliveryPending || !d.NextAttemptAt.Equal(clk.Now()) {
		t.Errorf("retried: %+v, want the same id pending and due now", d)
	}
	if got := outboxOf(t, s, a.ID); len(got) != 1 || got[0].ID != id {
		t.Errorf("outbox = %+v, want %s back in it", got, id)
	}

	// A withdrawn announcement is never delivered again.
	_, err = s.Withdraw(a.ID, "admin", "pulled")
	mustNoErr(t, err)
	_, err = s.RetryDelivery(a.ID, id, "admin", false)
	wantKind(t, err, briefing.ErrConflict)
}

func TestDeliveriesList(t *testing.T) {
	s, _ := openStore(t)
	c1, c2, c3 := mkChannel(t, s, "One"), mkChannel(t, s, "Two"), mkChannel(t, s, "Three")
	a, _ := releasedWith(t, s, "", c2, c1, c3)
	ds, err := s.Deliveries(a.ID)
	mustNoErr(t, err)
	var names []string
	for _, d := range ds {
		names = append(names, d.ChannelName)
		if d.Kind != channel.KindWebhook || d.AnnouncementID != a.ID {
			t.Errorf("delivery %+v", d)
		}
	}
	if want := []string{"Two", "One", "Three"}; !slices.Equal(names, want) {
		t.Errorf("deliveries = %v, want the announcement's channel order %v", names, want)
	}
	_, err = s.Deliveries("999")
	wantKind(t, err, briefing.ErrNotFound)
	other := mkDraft(t, s, briefing.Announcement{})
	if ds, err := s.Deliveries(other.ID); err != nil || ds == nil || len(ds) != 0 {
		t.Errorf("Deliveries(draft) = %v, %v; want an empty list", ds, err)
	}
}
