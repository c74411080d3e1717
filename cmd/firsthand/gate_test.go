package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// within is how long a test waits for a release the contract wants within
// 2 s: generous, for a loaded machine under -race.
const within = 10 * time.Second

// TestGateThreshold: 10 recipients, threshold 0.6. Five acknowledgements
// release nothing; the sixth releases to every channel once; more and
// repeated acknowledgements release nothing more.
func TestGateThreshold(t *testing.T) {
	t.Parallel()
	e := newGateEnv(t)
	a := e.announce(10, func() map[string]any { return map[string]any{"threshold": 0.6} })

	first := make([]time.Time, 10)
	for i := 0; i < 5; i++ {
		first[i] = e.ack(a, i)
	}
	time.Sleep(1500 * time.Millisecond)
	e.expectNothing(a, "after 5 of 10 acknowledgements")
	r := e.readiness(a)
	if r.State != "briefing" || r.Recipients != 10 || r.Acknowledged != 5 || r.Gates.ThresholdMet {
		t.Errorf("readiness after 5 acks = %+v, want briefing, 10 recipients, 5 acknowledged, threshold not met", r)
	}
	if got, _, _ := newAPI(e.base, "").call("GET", "/news/"+a.Slug, nil, nil); got != http.StatusNotFound {
		t.Errorf("GET /news/%s before release: %d, want 404", a.Slug, got)
	}

	gate := time.Now()
	first[5] = e.ack(a, 5)
	if !e.awaitAll(a, 1, within) {
		t.Fatalf("%v after the 6th acknowledgement: %s; want every channel once", within, e.counts(a.Tag))
	}
	e.expectNotBefore(a, gate, "the 6th acknowledgement")
	e.latency(a, gate)

	// More, and repeated, acknowledgements: nothing more goes out, and a
	// repeat answers the first timestamp.
	for i := 6; i < 10; i++ {
		first[i] = e.ack(a, i)
	}
	for _, i := range []int{0, 5, 9} {
		if again := e.ack(a, i); !again.Equal(first[i]) {
			t.Errorf("repeated ack of recipient %d answered %v, want the first %v", i, again, first[i])
		}
	}
	time.Sleep(3 * time.Second)
	for i, hs := range e.hits(a.Tag) {
		if len(hs) != 1 {
			t.Errorf("%s received the announcement %d times, want once", sinks[i], len(hs))
		}
	}

	ds := e.deliveries(a)
	for _, kind := range sinks {
		d, ok := ds[kind]
		if !ok || d.State != "sent" || d.Attempts != 1 || d.SentAt == nil || d.SentAt.Before(gate.Add(-time.Second)) {
			t.Errorf("delivery %s = %+v (found %v), want sent after 1 attempt", kind, d, ok)
		}
	}
	r = e.readiness(a)
	if r.State != "released" || r.Acknowledged != 10 || r.ReleasedAt == nil {
		t.Errorf("readiness at the end = %+v, want released with 10 acknowledged", r)
	}
	if got, _, _ := newAPI(e.base, "").call("GET", "/news/"+a.Slug, nil, nil); got != http.StatusOK {
		t.Errorf("GET /news/%s after release: %d, want 200", a.Slug, got)
	}
	// What went out is this announcement, with the channel's own text.
	for i, hs := range e.hits(a.Tag) {
		if want := sinks[i] + " text " + a.Tag; !strings.Contains(hs[0].body, want) {
			t.Errorf("%s got %q, want the channel text %q", sinks[i], hs[0].body, want)
		}
	}
	if hs := e.webhook.tagged(a.Tag); !strings.Contains(hs[0].body, `"id":"`+a.ID+`"`) || !strings.Contains(hs[0].body, "/news/"+a.Slug) {
		t.Errorf("webhook body %s, want data.id %s and the newsroom URL", hs[0].body, a.ID)
	}
}

// TestGateNotBefore: with the threshold met before not_before, nothing
// goes out before not_before, not even on a manual release, and everything
// goes out after it.
func TestGateNotBefore(t *testing.T) {
	t.Parallel()
	e := newGateEnv(t)
	var notBefore time.Time
	a := e.announce(10, func() map[string]any {
		notBefore = time.Now().Add(3 * time.Second).Truncate(time.Second).Round(0)
		return map[string]any{"threshold": 0.6, "not_before": notBefore}
	})
	for i := 0; i < 6; i++ {
		e.ack(a, i)
	}
	if left := time.Until(notBefore); left < 300*time.Millisecond {
		t.Fatalf("the set-up took too long: the threshold was met only %v before not_before", left)
	}
	r := e.readiness(a)
	if r.State != "briefing" || !r.Gates.ThresholdMet || r.Gates.EmbargoPassed {
		t.Errorf("readiness before not_before = %+v, want briefing, threshold met, embargo not passed", r)
	}
	got, raw, err := e.admin.call("POST", "/api/v1/announcements/"+a.ID+"/release", map[string]string{"reason": "launch early"}, nil)
	if err != nil || got != http.StatusConflict {
		t.Errorf("manual release before not_before: %d %s %v, want 409", got, raw, err)
	}

	if !e.awaitAll(a, 1, time.Until(notBefore)+within) {
		t.Fatalf("%v after not_before: %s; want every channel once", within, e.counts(a.Tag))
	}
	e.expectNotBefore(a, notBefore, "not_before")
	e.latency(a, notBefore)
	time.Sleep(2 * time.Second)
	for i, hs := range e.hits(a.Tag) {
		if len(hs) != 1 {
			t.Errorf("%s received the announcement %d times, want once", sinks[i], len(hs))
		}
	}
}

// TestGateDeadline: below the threshold at the deadline, on_deadline
// release releases and hold does not.
func TestGateDeadline(t *testing.T) {
	t.Parallel()
	e := newGateEnv(t)
	var releaseAt, holdAt time.Time
	rel := e.announce(10, func() map[string]any {
		releaseAt = time.Now().Add(3 * time.Second).Truncate(time.Second).Round(0)
		return map[string]any{"threshold": 0.6, "deadline": releaseAt, "on_deadline": "release"}
	})
	hold := e.announce(10, func() map[string]any {
		holdAt = time.Now().Add(3 * time.Second).Truncate(time.Second).Round(0)
		return map[string]any{"threshold": 0.6, "deadline": holdAt, "on_deadline": "hold"}
	})
	for i := 0; i < 2; i++ {
		e.ack(rel, i)
		e.ack(hold, i)
	}
	if left := time.Until(releaseAt); left < 300*time.Millisecond {
		t.Fatalf("the set-up took too long: %v left before the deadline", left)
	}
	e.expectNothing(rel, "before the deadline")

	if !e.awaitAll(rel, 1, time.Until(releaseAt)+within) {
		t.Fatalf("%v after the deadline: %s; want on_deadline release to release to every channel", within, e.counts(rel.Tag))
	}
	e.expectNotBefore(rel, releaseAt, "the deadline")
	e.latency(rel, releaseAt)
	if r := e.readiness(rel); r.State != "released" || r.Acknowledged != 2 {
		t.Errorf("readiness of the released one = %+v, want released with 2 acknowledged", r)
	}

	// hold: well past its deadline, still nothing.
	if wait := time.Until(holdAt.Add(3 * time.Second)); wait > 0 {
		time.Sleep(wait)
	}
	e.expectNothing(hold, "3s after the deadline with on_deadline hold")
	if r := e.readiness(hold); r.State != "briefing" || r.ReleasedAt != nil {
		t.Errorf("readiness of the held one = %+v, want still in briefing", r)
	}
	if ds := e.deliveries(hold); len(ds) != 0 {
		t.Errorf("the held announcement has deliveries %+v, want none", ds)
	}
}

// TestGateRetry: a webhook receiver that fails twice and then accepts gets
// three attempts with one webhook-id, and the delivery ends sent after 3
// attempts. The real retry delays (2 s, then 20 s) apply: this takes ~25 s.
func TestGateRetry(t *testing.T) {
	t.Parallel()
	e := newGateEnv(t)
	e.webhook.answer(func(n int) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	})
	a := e.announce(1, func() map[string]any { return map[string]any{"threshold": 1} })
	gate := time.Now()
	e.ack(a, 0)

	var ds map[string]delivery
	if !waitFor(60*time.Second, func() bool {
		ds = e.deliveries(a)
		return len(e.webhook.tagged(a.Tag)) >= 3 && ds["webhook"].State == "sent"
	}) {
		t.Fatalf("after 60s: webhook requests %d, delivery %+v; want 3 attempts and sent", len(e.webhook.tagged(a.Tag)), ds["webhook"])
	}
	hs := e.webhook.tagged(a.Tag)
	if len(hs) != 3 {
		t.Errorf("the webhook got %d requests, want 3 (two failures, one success)", len(hs))
	}
	for i, h := range hs {
		if h.key == "" || h.key != hs[0].key {
			t.Errorf("attempt %d has webhook-id %q, want %q on every attempt", i+1, h.key, hs[0].key)
		}
	}
	t.Logf("webhook attempts at +%v, +%v, +%v after the gate", hs[0].at.Sub(gate).Round(time.Millisecond),
		hs[min(1, len(hs)-1)].at.Sub(gate).Round(time.Millisecond), hs[len(hs)-1].at.Sub(gate).Round(time.Millisecond))
	if d := ds["webhook"]; d.State != "sent" || d.Attempts != 3 || d.SentAt == nil {
		t.Errorf("webhook delivery = %+v, want sent after 3 attempts", d)
	}
	for _, kind := range sinks[1:] {
		if d := ds[kind]; d.State != "sent" || d.Attempts != 1 {
			t.Errorf("%s delivery = %+v, want sent after 1 attempt", kind, d)
		}
	}
	for i, hs := range e.hits(a.Tag)[1:] {
		if len(hs) != 1 {
			t.Errorf("%s received the announcement %d times, want once", sinks[i+1], len(hs))
		}
	}
}

// TestGateFailingReceiver: a webhook receiver that always answers 500 does
// not hold back the other channels, which get the announcement once, and
// its error shows in the deliveries.
func TestGateFailingReceiver(t *testing.T) {
	t.Parallel()
	e := newGateEnv(t)
	e.webhook.answer(func(int) int { return http.StatusInternalServerError })
	a := e.announce(1, func() map[string]any { return map[string]any{"threshold": 1} })
	e.ack(a, 0)

	var ds map[string]delivery
	if !waitFor(within, func() bool {
		ds = e.deliveries(a)
		return ds["webhook"].LastError != "" && ds["slack"].State == "sent" && ds["mastodon"].State == "sent" && ds["email"].State == "sent"
	}) {
		t.Fatalf("after %v: deliveries %+v (%s); want the webhook's error recorded and the others sent", within, ds, e.counts(a.Tag))
	}
	d := ds["webhook"]
	if d.State == "sent" || d.Attempts < 1 || !strings.Contains(d.LastError, "500") {
		t.Errorf("webhook delivery = %+v, want not sent, at least 1 attempt, last_error naming the 500", d)
	}
	if strings.Contains(d.LastError, e.secret) {
		t.Errorf("last_error %q carries the webhook secret", d.LastError)
	}
	// Wait past the first retry (2 s): the others still have it once.
	time.Sleep(3 * time.Second)
	hits := e.hits(a.Tag)
	for i, hs := range hits[1:] {
		if len(hs) != 1 {
			t.Errorf("%s received the announcement %d times, want once", sinks[i+1], len(hs))
		}
	}
	for _, h := range hits[0] {
		if h.key != hits[0][0].key {
			t.Errorf("webhook retries carry webhook-ids %q and %q, want one", hits[0][0].key, h.key)
		}
	}
	for _, kind := range sinks[1:] {
		if d := e.deliveries(a)[kind]; d.State != "sent" || d.Attempts != 1 || d.LastError != "" {
			t.Errorf("%s delivery = %+v, want sent after 1 attempt without error", kind, d)
		}
	}
}
