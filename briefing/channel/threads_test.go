package channel

// The Threads stand-in follows the Threads API's published contract
// strictly: the token as a bearer header or access_token form field, else
// Graph's code 190; POST /v1.0/{user}/threads takes a form with
// media_type=TEXT and a text of at most 500 characters (an emoji counted as
// its UTF-8 bytes) and answers a container id; POST
// /v1.0/{user}/threads_publish publishes a FINISHED container once (a
// second publication is refused, code 24) and answers the media id;
// GET /v1.0/{container}?fields=status tells FINISHED or PUBLISHED.

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"firsthand/briefing"
)

const threadsToken = "THQV-threads-token-do-not-leak"

type threadsStandIn struct {
	*standIn
	mu         sync.Mutex
	mode       string            // "", "fail-after-publish", "fail-before-publish"
	containers map[string]string // id → status
	published  map[string]string // media id → text
	texts      map[string]string // container → text
	seq        int
}

func newThreadsStandIn(t *testing.T) *threadsStandIn {
	th := &threadsStandIn{containers: map[string]string{}, published: map[string]string{}, texts: map[string]string{}}
	th.standIn = newStandIn(t, th.serve)
	return th
}

func (th *threadsStandIn) serve(w http.ResponseWriter, r seen) {
	th.mu.Lock()
	defer th.mu.Unlock()
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" && r.Form != nil {
		token = r.Form.Get("access_token")
	}
	if token != threadsToken {
		graphFail(w, http.StatusBadRequest, 190, "Error validating access token")
		return
	}
	rest := strings.TrimPrefix(r.Path, "/v1.0/")
	switch {
	case r.Method == http.MethodGet && rest == "me" && r.Query.Get("fields") == "id,username":
		writeJSON(w, http.StatusOK, map[string]string{"id": "17841400000", "username": "acme"})
	case r.Method == http.MethodPost && rest == "17841400000/threads":
		if r.Form == nil || r.Form.Get("media_type") != "TEXT" || r.Form.Get("text") == "" || threadsTextCount(r.Form.Get("text")) > threadsLimit {
			graphFail(w, http.StatusBadRequest, 100, "Invalid parameter")
			return
		}
		th.seq++
		id := "1790000000" + itoa(int64(th.seq))
		th.containers[id], th.texts[id] = "FINISHED", r.Form.Get("text")
		writeJSON(w, http.StatusOK, map[string]string{"id": id})
	case r.Method == http.MethodPost && rest == "17841400000/threads_publish":
		id := r.Form.Get("creation_id")
		switch th.containers[id] {
		case "":
			graphFail(w, http.StatusBadRequest, 100, "Invalid parameter")
			return
		case "PUBLISHED":
			graphFail(w, http.StatusBadRequest, 24, "The media has already been published")
			return
		}
		if th.mode == "fail-before-publish" {
			th.mode = ""
			graphFail(w, http.StatusInternalServerError, 2, "An unexpected error has occurred. Please retry your request later.")
			return
		}
		th.containers[id] = "PUBLISHED"
		th.seq++
		media := "1800000000" + itoa(int64(th.seq))
		th.published[media] = th.texts[id]
		if th.mode == "fail-after-publish" {
			th.mode = ""
			graphFail(w, http.StatusInternalServerError, 2, "An unexpected error has occurred. Please retry your request later.")
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"id": media})
	case r.Method == http.MethodGet && r.Query.Get("fields") == "status" && th.containers[rest] != "":
		writeJSON(w, http.StatusOK, map[string]string{"id": rest, "status": th.containers[rest]})
	case r.Method == http.MethodGet && r.Query.Get("fields") == "permalink" && th.published[rest] != "":
		writeJSON(w, http.StatusOK, map[string]string{"id": rest, "permalink": "https://www.threads.com/@acme/post/DA" + rest})
	default:
		graphFail(w, http.StatusBadRequest, 100, "Unsupported request")
	}
}

func newTestThreads(t *testing.T, base string) *threads {
	t.Helper()
	c := ThreadsConfig{UserID: "17841400000", AccessToken: threadsToken, APIBase: base}
	s, err := New(briefing.Channel{ID: "8", Name: "Threads", Kind: KindThreads, Config: ConfigJSON(c)}, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*threads)
}

// savingMessage is a message whose Save records into a map, checking with
// before that nothing it depends on has gone out yet.
func savingMessage(saved map[string]string, before func()) Message {
	m := testMessage()
	m.Save = func(k, v string) error {
		if before != nil {
			before()
		}
		saved[k] = v
		return nil
	}
	return m
}

func TestThreadsPostExactRequest(t *testing.T) {
	srv := newThreadsStandIn(t)
	saved := map[string]string{}
	m := savingMessage(saved, func() {
		if n := len(srv.requests(http.MethodPost, "/v1.0/17841400000/threads_publish")); n != 0 {
			t.Errorf("the container was stored after %d publish requests, want before any", n)
		}
	})
	m.Text = nonASCII
	got, err := newTestThreads(t, srv.URL).Post(t.Context(), m)
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	create := srv.requests(http.MethodPost, "/v1.0/17841400000/threads")
	if len(create) != 1 || len(create[0].Form) != 2 || create[0].Form.Get("media_type") != "TEXT" ||
		create[0].Form.Get("text") != nonASCII+"\n\nhttps://news.example.com/news/new-pricing" {
		t.Fatalf("container requests %+v, want one form of media_type=TEXT and the text with its link", create)
	}
	pub := srv.requests(http.MethodPost, "/v1.0/17841400000/threads_publish")
	if len(pub) != 1 || pub[0].Form.Get("creation_id") != saved[progressContainer] || saved[progressContainer] == "" {
		t.Errorf("publish %+v, stored %v; want the stored container published", pub, saved)
	}
	if got.ID == "" || got.URL != "https://www.threads.com/@acme/post/DA"+got.ID {
		t.Errorf("posted = %+v, want the media id and its permalink", got)
	}
}

// TestThreadsContainerReuse: a publication whose answer failed is retried
// with the stored container: Threads published it already → sent; it did
// not → the same container is published; never a second container.
func TestThreadsContainerReuse(t *testing.T) {
	for _, mode := range []string{"fail-after-publish", "fail-before-publish"} {
		t.Run(mode, func(t *testing.T) {
			srv := newThreadsStandIn(t)
			srv.mode = mode
			s := newTestThreads(t, srv.URL)
			saved := map[string]string{}
			if _, err := s.Post(t.Context(), savingMessage(saved, nil)); err == nil {
				t.Fatal("first attempt: nil error, want the 500")
			} else if e := asError(t, err); e.Timeout || e.Permanent {
				t.Errorf("500 at publish: %+v, want a plain retry (the container makes it safe)", e)
			}
			retry := savingMessage(saved, nil)
			retry.Progress = map[string]string{progressContainer: saved[progressContainer]}
			if _, err := s.Post(t.Context(), retry); err != nil {
				t.Fatalf("retry: %v, want sent", err)
			}
			if n := len(srv.requests(http.MethodPost, "/v1.0/17841400000/threads")); n != 1 {
				t.Errorf("%d containers made, want 1", n)
			}
			if len(srv.published) != 1 {
				t.Errorf("%d posts published, want 1", len(srv.published))
			}
			if n := len(srv.requests(http.MethodGet, "/v1.0/"+saved[progressContainer])); n != 1 {
				t.Errorf("the retry asked the container's status %d times, want 1", n)
			}
		})
	}
}

func TestThreadsRefusalsAndCheck(t *testing.T) {
	srv := newThreadsStandIn(t)
	c := ThreadsConfig{UserID: "17841400000", AccessToken: "expired", APIBase: srv.URL}
	s, _ := New(briefing.Channel{ID: "8", Kind: KindThreads, Config: ConfigJSON(c)}, testEnv)
	_, err := s.(Poster).Post(t.Context(), testMessage())
	if e := asError(t, err); !e.Permanent || !e.TellAdmins || !strings.Contains(e.Msg, threadsExpired) {
		t.Errorf("code 190: %+v, want failed for good, admins told", e)
	}
	ch := briefing.Channel{ID: "8", Kind: KindThreads, Config: ConfigJSON(ThreadsConfig{UserID: "17841400000", AccessToken: threadsToken, APIBase: srv.URL})}
	if r := Check(t.Context(), ch, testEnv); !r.OK || r.Account != "@acme" {
		t.Errorf("check = %+v, want ok as @acme", r)
	}
	before := len(srv.requests(http.MethodPost, ""))
	m := testMessage()
	m.Text = strings.Repeat("a", 470) // 470 + 2 + 41 for the link = 513: refused, not cut
	_, err = newTestThreads(t, srv.URL).Post(t.Context(), m)
	if e := asError(t, err); !e.Permanent || len(srv.requests(http.MethodPost, "")) != before {
		t.Errorf("a post over 500 with its link: %+v, want refused before anything is sent", e)
	}
}

func TestThreadsCount(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"abc", 3},
		{"Grüße", 5},
		{"👋", 4},
		{"👍🏽", 8},
		{"❤️", 6},
	} {
		if got := threadsTextCount(tc.text); got != tc.want {
			t.Errorf("threadsTextCount(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
	if got, want := threadsCount("abc"), 3+2+threadsLinkAllowance; got != want {
		t.Errorf("threadsCount = %d, want %d", got, want)
	}
}
