package channel

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"firsthand/briefing"
)

func TestParseHostPolicy(t *testing.T) {
	tests := []struct {
		setting string
		addr    string
		allowed bool
	}{
		{"", "93.184.216.34", true},
		{"external", "127.0.0.1", false},
		{"external", "::1", false},
		{"external", "10.1.2.3", false},
		{"external", "192.168.0.1", false},
		{"external", "100.64.0.1", false},
		{"external", "169.254.169.254", false}, // the cloud metadata address
		{"external", "fe80::1", false},
		{"external", "224.0.0.1", false},
		{"external", "0.0.0.0", false},
		{"external", "::ffff:127.0.0.1", false}, // IPv4-mapped loopback
		{"private", "10.1.2.3", true},
		{"private", "127.0.0.1", false},
		{"loopback", "127.0.0.1", true},
		{"loopback", "10.1.2.3", false},
		{"*", "169.254.169.254", true},
		{"10.20.0.0/16, intranet.example", "10.20.3.4", true},
		{"10.20.0.0/16", "10.21.3.4", false},
		{"192.168.1.5", "192.168.1.5", true},
	}
	for _, tt := range tests {
		p, err := ParseHostPolicy(tt.setting)
		if err != nil {
			t.Fatalf("ParseHostPolicy(%q): %v", tt.setting, err)
		}
		if got := p.refuses(netip.MustParseAddr(tt.addr)) == ""; got != tt.allowed {
			t.Errorf("%q: %s allowed = %v, want %v", tt.setting, tt.addr, got, tt.allowed)
		}
	}
	if _, err := ParseHostPolicy("external, not a host!"); err == nil {
		t.Error(`ParseHostPolicy("not a host!") = nil error, want one`)
	}
}

// TestGuardedDialerRefusesLoopback: under the default policy a channel to
// a loopback receiver is refused when the connection is made, with a
// sentence that says why; under "loopback" the same send goes through.
func TestGuardedDialerRefusesLoopback(t *testing.T) {
	got := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got++ }))
	defer srv.Close()
	ch := briefing.Channel{Name: "hook", Kind: KindWebhook, Config: ConfigJSON(WebhookConfig{URL: srv.URL + "/h", Secret: testSecret})}

	external := Env{Dialer: NewGuardedDialer(AllowExternal())}
	s, err := New(ch, external)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), testMessage())
	var e *Error
	if !errors.As(err, &e) || !e.Refused || !strings.Contains(e.Msg, "127.0.0.1 is a loopback address") {
		t.Fatalf("Send under external = %v, want a refusal naming the loopback address", err)
	}
	if got != 0 {
		t.Fatalf("the receiver got %d requests, want none", got)
	}
	if r := Check(t.Context(), ch, external); r.OK || !strings.Contains(r.Message, "loopback") {
		t.Errorf("Check under external = %+v, want a failed check naming loopback", r)
	}

	s, _ = New(ch, Env{Dialer: NewGuardedDialer(AllowLoopback())})
	if err := s.Send(t.Context(), testMessage()); err != nil || got != 1 {
		t.Fatalf("Send under loopback = %v (%d requests), want it delivered", err, got)
	}
}

// TestGuardedDialerChecksTheDialedAddress: the check runs on the address
// dialled, after resolution, so a name that resolves to loopback (as a
// rebinding DNS answer would) is refused although its name looks public.
func TestGuardedDialerChecksTheDialedAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	g := NewGuardedDialer(AllowExternal())
	// "localhost" stands for any name whose DNS answer is 127.0.0.1.
	_, err = g.DialContext(context.Background(), "tcp", net.JoinHostPort("localhost", port))
	var re *RefusedError
	if !errors.As(err, &re) || !re.Addr.IsLoopback() {
		t.Fatalf("dial localhost under external = %v, want a RefusedError on the resolved loopback address", err)
	}
	// A host the admin listed by name is trusted whatever it resolves to.
	p, _ := ParseHostPolicy("localhost")
	conn, err := NewGuardedDialer(p).DialContext(context.Background(), "tcp", net.JoinHostPort("localhost", port))
	if err != nil {
		t.Fatalf("dial a listed host: %v", err)
	}
	conn.Close()
}
