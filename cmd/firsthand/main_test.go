package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"firsthand/briefing/testkit"
)

// This file holds the helpers every test of the command shares: running a
// subcommand in-process through run, a server started the same way, and a
// small JSON client for the API. The tests of main.go itself come last.

// envOf is a getenv over a fixed map: the tests never read the real
// environment, so a FIRSTHAND_* variable on the machine cannot change them.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// runCLI runs one subcommand in-process, as main would.
func runCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, envOf(env), &out, &errOut)
	return out.String(), errOut.String(), err
}

// mustCLI runs a subcommand that has to succeed and returns its stdout.
func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := runCLI(t, nil, args...)
	if err != nil {
		t.Fatalf("firsthand %s: %v\nstderr: %s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// oneLine returns the only line of s, failing unless s is exactly one line.
func oneLine(t *testing.T, what, s string) string {
	t.Helper()
	line, rest, _ := strings.Cut(s, "\n")
	if strings.TrimSpace(line) == "" || rest != "" {
		t.Fatalf("%s printed %q, want exactly one non-empty line", what, s)
	}
	return strings.TrimSpace(line)
}

// freeAddr finds a free port on the loopback interface. Another process
// may take it before the server does; on a test machine that is rare enough.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// testServer is `firsthand serve` running in-process in a goroutine.
type testServer struct {
	URL    string
	stdout *testkit.LockedBuffer
	stderr *testkit.LockedBuffer
	cancel context.CancelFunc
	exited chan struct{} // closed when run has returned, err
	err    error
}

// startServe runs `serve` with args (and --addr on a free port unless args
// name one; and --channel-allowed-hosts loopback, for the tests' local
// receivers, unless args or env set the policy) and waits until /healthz answers. The server is stopped when
// the test ends, and must then shut down cleanly.
func startServe(t *testing.T, env map[string]string, args ...string) *testServer {
	t.Helper()
	addr := ""
	for i, a := range args {
		if a == "--addr" && i+1 < len(args) {
			addr = args[i+1]
		}
	}
	if addr == "" {
		addr = freeAddr(t)
		args = append(args, "--addr", addr)
	}
	if env["FIRSTHAND_CHANNEL_ALLOWED_HOSTS"] == "" && !slices.Contains(args, "--channel-allowed-hosts") {
		args = append(args, "--channel-allowed-hosts", "loopback")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{URL: "http://" + addr, stdout: &testkit.LockedBuffer{}, stderr: &testkit.LockedBuffer{}, cancel: cancel, exited: make(chan struct{})}
	go func() {
		defer close(s.exited)
		s.err = run(ctx, append([]string{"serve"}, args...), envOf(env), s.stdout, s.stderr)
	}()
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("serve did not shut down cleanly: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", tail(s.stderr.String(), 4000))
		}
	})
	if err := waitHealthy(s.URL, 15*time.Second, s.exited); err != nil {
		cancel()
		t.Fatalf("serve %v: %v\nstderr: %s", args, err, s.stderr.String())
	}
	return s
}

// stop cancels the server's context and waits for run to return.
func (s *testServer) stop() error {
	s.cancel()
	select {
	case <-s.exited:
		return s.err
	case <-time.After(30 * time.Second):
		return errors.New("serve did not return within 30s of its context ending")
	}
}

// waitHealthy polls /healthz until it answers 200, the deadline passes or
// the server gives up (exited is closed).
func waitHealthy(base string, within time.Duration, exited <-chan struct{}) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(within)
	for {
		resp, err := c.Get(base + "/healthz")
		if err == nil {
			var body struct{ Status string }
			decErr := json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && decErr == nil && body.Status == "ok" {
				return nil
			}
			err = fmt.Errorf("/healthz answered %d %+v", resp.StatusCode, body)
		}
		select {
		case <-exited:
			return errors.New("the server stopped before it was healthy")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not healthy after %v: %v", within, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// apiClient calls the JSON API with a bearer token.
type apiClient struct {
	base, token string
	hc          *http.Client
}

func newAPI(base, token string) *apiClient {
	return &apiClient{base: base, token: token, hc: &http.Client{Timeout: 15 * time.Second}}
}

// call sends in (if not nil) as JSON, decodes a JSON answer into out (if not
// nil) and returns the status and the raw body.
func (a *apiClient) call(method, path string, in, out any) (int, []byte, error) {
	var body []byte
	contentType := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, nil, err
		}
		body, contentType = b, "application/json"
	}
	status, raw, err := a.send(method, path, contentType, body)
	if err != nil {
		return status, raw, err
	}
	if out != nil && status/100 == 2 {
		if err := json.Unmarshal(raw, out); err != nil {
			return status, raw, fmt.Errorf("%s %s: answer is not the JSON we expect: %v: %s", method, path, err, raw)
		}
	}
	return status, raw, nil
}

// send makes one request with a body of any type.
func (a *apiClient) send(method, path, contentType string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(method, a.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// must is call for a request that has to answer want; it may only be used
// from the test's goroutine.
func (a *apiClient) must(t *testing.T, method, path string, in any, want int, out any) {
	t.Helper()
	got, raw, err := a.call(method, path, in, out)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if got != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, got, want, raw)
	}
}

// waitFor polls cond every 20 ms until it holds or within has passed.
func waitFor(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRunVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		out, errOut, err := runCLI(t, nil, arg)
		if err != nil {
			t.Fatalf("firsthand %s: %v", arg, err)
		}
		line := oneLine(t, "firsthand "+arg, out)
		if want := "firsthand " + version; line != want {
			t.Errorf("firsthand %s printed %q, want %q", arg, line, want)
		}
		if errOut != "" {
			t.Errorf("firsthand %s wrote to stderr: %q", arg, errOut)
		}
	}
}

func TestRunRejectsBadCommands(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no command", nil},
		{"unknown command", []string{"frobnicate"}},
		{"user without add", []string{"user"}},
		{"user with another verb", []string{"user", "delete", "--email", "a@example.com"}},
		{"token without create", []string{"token"}},
		{"unknown flag", []string{"user", "add", "--db", "x.db", "--colour", "blue"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for i, a := range tt.args {
				if a == "x.db" {
					tt.args[i] = dir + "/x.db"
				}
			}
			out, _, err := runCLI(t, nil, tt.args...)
			if err == nil {
				t.Fatalf("firsthand %q succeeded, want an error", tt.args)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans several lines, want one", err)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		})
	}
}

// TestFlagWinsOverEnvironment: every flag reads its FIRSTHAND_* variable,
// and a flag given on the command line wins over it.
func TestFlagWinsOverEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // a bug that ignores both would write firsthand.db here, not in the source tree
	envDB, flagDB := dir+"/env.db", dir+"/flag.db"
	env := map[string]string{"FIRSTHAND_DB": envDB}

	// The variable alone chooses the database.
	if _, errOut, err := runCLI(t, env, "user", "add", "--email", "env@example.com", "--name", "From Env"); err != nil {
		t.Fatalf("user add with FIRSTHAND_DB: %v (%s)", err, errOut)
	}
	// The flag wins over it.
	if _, errOut, err := runCLI(t, env, "user", "add", "--db", flagDB, "--email", "flag@example.com", "--name", "From Flag"); err != nil {
		t.Fatalf("user add with --db and FIRSTHAND_DB: %v (%s)", err, errOut)
	}
	if got := userEmails(t, envDB); !equalStrings(got, []string{"env@example.com"}) {
		t.Errorf("users in the FIRSTHAND_DB database = %v, want [env@example.com]", got)
	}
	if got := userEmails(t, flagDB); !equalStrings(got, []string{"flag@example.com"}) {
		t.Errorf("users in the --db database = %v, want [flag@example.com]", got)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
