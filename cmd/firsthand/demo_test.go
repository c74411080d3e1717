package main

import (
	"io"
	"path/filepath"
	"testing"

	"firsthand/briefing"
	"firsthand/store"
)

// TestDemoOneAckOpensTheGate: the demo's published announcement goes to the
// newsroom and the manual Xing channel, and is one acknowledgement short:
// the printed employee's acknowledgement releases it.
func TestDemoOneAckOpensTheGate(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := seedDemo(st, "http://demo.example", true, io.Discard); err != nil {
		t.Fatal(err)
	}
	list, _, err := st.Announcements(store.AnnouncementFilter{State: briefing.StateBriefing})
	if err != nil || len(list) != 1 {
		t.Fatalf("published demo announcements = %v, %v; want one", list, err)
	}
	a := list[0]
	kinds := map[briefing.ChannelKind]bool{}
	for _, ct := range a.Channels {
		c, err := st.Channel(ct.ChannelID)
		if err != nil {
			t.Fatal(err)
		}
		kinds[c.Kind] = true
	}
	if !kinds[briefing.KindNewsroom] || !kinds["manual"] || len(kinds) != 2 {
		t.Errorf("demo channels = %v, want the newsroom and a manual one", kinds)
	}
	_, r, err := st.Readiness(a.ID)
	if err != nil || r.Gates.ThresholdMet || float64(r.Acknowledged+1)/float64(r.Recipients) < r.Threshold {
		t.Fatalf("readiness = %+v, %v; want one acknowledgement short of the threshold", r, err)
	}
	anna, err := st.UserByEmail("anna.sales1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Acknowledge(a.ID, anna.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Announcement(a.ID); err != nil || got.State != briefing.StateReleased {
		t.Fatalf("after anna's acknowledgement: %v, %v; want released", got.State, err)
	}
	ds, _ := st.Deliveries(a.ID)
	states := map[briefing.ChannelKind]briefing.DeliveryState{}
	for _, d := range ds {
		states[d.Kind] = d.State
	}
	if states[briefing.KindNewsroom] != briefing.DeliverySent || states["manual"] != briefing.DeliveryAwaiting {
		t.Errorf("deliveries = %v, want the newsroom sent and Xing awaiting", states)
	}
}
