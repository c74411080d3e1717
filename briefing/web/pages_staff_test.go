package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
)

// TestPageStaffNotices: the briefing page and the inbox say in words what
// staff may say outside, with times in the reader's zone; the talking
// points are there as "What to tell customers"; a withdrawn briefing tells
// its recipient when and why (410), and stays 404 to anyone else.
func TestPageStaffNotices(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ch := a.webhookChannel("wire")
	chans := []briefing.ChannelText{{ChannelID: ch.ID}}
	embargo := time.Date(2030, 12, 3, 8, 0, 0, 0, time.UTC) // 09:00 in Berlin
	internal := a.published(o, "Internal news", briefing.Policy{}, nil, "Sales")
	embargoed := a.published(o, "Embargoed news", briefing.Policy{NotBefore: &embargo}, chans, "Sales")
	pending := a.published(o, "Pending news", briefing.Policy{}, chans, "Sales")
	released := a.published(o, "Released news", briefing.Policy{}, chans, "Sales")
	if _, err := a.st.Release(released.ID, o.manager.User, "launch"); err != nil {
		t.Fatal(err)
	}
	reader := o.sales[0]
	berlin := func(path string) pgResp { return a.send(&reader, http.MethodGet, path, nil, "", "Europe/Berlin") }
	for _, tt := range []struct {
		id   string
		want []string
	}{
		{internal.ID, []string{`data-public="internal"`, "Internal: not for customers."}},
		{embargoed.ID, []string{`data-public="embargoed"`, "Embargoed until Tue 3 Dec 2030, 09:00 CET:", "don't discuss it outside before."}},
		{pending.ID, []string{`data-public="pending"`, "Waiting for staff acknowledgement:", "not public yet"}},
		{released.ID, []string{`data-public="released"`, "Public since"}},
	} {
		r := berlin("/briefings/" + tt.id)
		pgWant(t, "briefing "+tt.id, r, http.StatusOK)
		pgContains(t, "briefing "+tt.id, r.Body, tt.want...)
	}
	inbox := berlin("/")
	pgWant(t, "inbox", inbox, http.StatusOK)
	pgContains(t, "inbox", inbox.Body, "Internal: not for customers.", "Embargoed until Tue 3 Dec 2030, 09:00 CET:",
		"Waiting for staff acknowledgement:", "Public since")

	tp := &briefing.Announcement{AuthorID: o.author.ID, Title: "With points", Body: "Body",
		TalkingPoints: "- **Old contracts** keep their price.", Audience: briefing.Audience{Departments: []string{"Sales"}}}
	if err := a.st.CreateAnnouncement(tp, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Publish(tp.ID, "test"); err != nil {
		t.Fatal(err)
	}
	r := a.get(reader, "/briefings/"+tp.ID)
	pgContains(t, "talking points", r.Body, "What to tell customers", "<strong>Old contracts</strong> keep their price.")
	if r := a.get(reader, "/briefings/"+pending.ID); strings.Contains(r.Body, "What to tell customers") {
		t.Error("a briefing without talking points shows the section")
	}

	if _, err := a.st.Withdraw(pending.ID, "test", "the figures were wrong"); err != nil {
		t.Fatal(err)
	}
	r = berlin("/briefings/" + pending.ID)
	pgWant(t, "withdrawn, to a recipient", r, http.StatusGone)
	pgContains(t, "withdrawn", r.Body, "This briefing was withdrawn", "because: the figures were wrong", " CET")
	pgWant(t, "withdrawn, to someone else", a.get(o.support[0], "/briefings/"+pending.ID), http.StatusNotFound)
}
