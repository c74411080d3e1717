package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/i18n"
)

// TestDeliveryRowsSpeakTheReadersLanguage: every delivery state has a
// name in both languages, and what to do next is said in the reader's.
func TestDeliveryRowsSpeakTheReadersLanguage(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	manual := &briefing.Channel{ID: "1", Kind: channel.KindManual,
		Config: channel.ConfigJSON(channel.ManualConfig{Platform: "Xing", Assignees: []string{"paula@example.com"}})}
	hook := &briefing.Channel{ID: "2", Kind: channel.KindWebhook}
	ds := []*briefing.Delivery{
		{ChannelID: "2", State: briefing.DeliveryPending, NextAttemptAt: now.Add(time.Minute)},
		{ChannelID: "2", State: briefing.DeliveryFailed},
		{ChannelID: "2", State: briefing.DeliveryUnconfirmed},
		{ChannelID: "1", State: briefing.DeliveryAwaiting},
		{ChannelID: "0", Kind: briefing.KindNewsroom, State: briefing.DeliverySent},
	}
	a := &briefing.Announcement{State: briefing.StateReleased}
	channels := map[string]*briefing.Channel{"1": manual, "2": hook}
	for _, tc := range []struct {
		lang   string
		states []string
		next   []string
	}{
		{i18n.English, []string{"pending", "failed", "unconfirmed", "awaiting", "sent"},
			[]string{"Tried again at 1 Dec 2026, 10:01 CET.", "Given up", "No answer came back", "Still to post by hand: paula@example.com.", "On the newsroom"}},
		{i18n.German, []string{"ausstehend", "fehlgeschlagen", "ohne Rückmeldung", "von Hand zu posten", "gesendet"},
			[]string{"Nächster Versuch am 1. Dez. 2026, 10:01 MEZ.", "Nach mehreren Versuchen aufgegeben", "Keine Rückmeldung erhalten",
				"Noch von Hand zu posten: paula@example.com.", "Im Newsroom und im Feed."}},
	} {
		rows := deliveryRows(a, ds, channels, now, localeIn(t, tc.lang, "Europe/Berlin"))
		for i, r := range rows {
			if r.StateName != tc.states[i] || !strings.Contains(r.Next, tc.next[i]) {
				t.Errorf("%s, %s: got %q, %q; want %q, %q", tc.lang, r.State, r.StateName, r.Next, tc.states[i], tc.next[i])
			}
			if tc.lang == i18n.German {
				if en := englishIn("<p>" + r.Next + "</p>"); len(en) > 0 {
					t.Errorf("German %s delivery: %v", r.State, en)
				}
			}
		}
	}
}

// TestEveryDeliveryStateHasAName fails when briefing declares a delivery
// state the dashboard cannot name in every language.
func TestEveryDeliveryStateHasAName(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../delivery.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var states []briefing.DeliveryState
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "DeliveryState" {
				continue
			}
			for _, v := range vs.Values {
				if lit, ok := v.(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(lit.Value)
					states = append(states, briefing.DeliveryState(s))
				}
			}
		}
	}
	if len(states) < 5 {
		t.Fatalf("found the delivery states %v in briefing/delivery.go, want at least five", states)
	}
	for _, lang := range i18n.Languages {
		l := localeIn(t, lang, "UTC")
		for _, st := range states {
			if _, ok := deliveryStateIDs[st]; !ok {
				t.Errorf("the delivery state %q is not in deliveryStateIDs", st)
			} else if got := deliveryState(l, st); strings.HasPrefix(got, "[") {
				t.Errorf("%s: the delivery state %q has no name: %s", lang, st, got)
			}
		}
	}
}
