package testkit

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestReceiverRecordsAndAnswers(t *testing.T) {
	rc := NewReceiver(t, func(n int, r Request) Response {
		if n == 1 {
			return Response{Status: http.StatusTooManyRequests, Header: map[string]string{"Retry-After": "3"}}
		}
		return Response{Status: http.StatusCreated, Body: `{"ok":true}`}
	})
	for range 2 {
		req, _ := http.NewRequest(http.MethodPost, rc.URL+"/hook?x=1", strings.NewReader("hello"))
		req.Header.Set("webhook-id", "msg_1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Logf("%d %s %q", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	got := rc.Requests()
	if len(got) != 2 {
		t.Fatalf("%d requests recorded, want 2", len(got))
	}
	if got[0].Status != 429 || got[1].Status != 201 {
		t.Errorf("statuses = %d, %d; want 429, 201", got[0].Status, got[1].Status)
	}
	if r := got[1]; r.Method != "POST" || r.Path != "/hook?x=1" || string(r.Body) != "hello" || r.Header.Get("webhook-id") != "msg_1" {
		t.Errorf("recorded %+v", r)
	}
}
