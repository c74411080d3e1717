package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"firsthand/briefing"
)

// flashOf is the one-time note an answer leaves for the next page.
func flashOf(r *response) string {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == flashCookie && c.MaxAge > 0 {
			v, _ := url.QueryUnescape(c.Value)
			return v
		}
	}
	return ""
}

// TestTaskPageGerman: a German assignee finds the post by hand in the
// inbox, and its page, its refusal of a bad address, the note after
// posting and the page afterwards all speak German; the copy button's
// note comes from the page.
func TestTaskPageGerman(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	xing := decode[struct {
		ID string `json:"id"`
	}](t, "create manual", a.do(http.MethodPost, "/api/v1/channels", s.admin.Token, map[string]any{
		"name": "Xing", "kind": "manual", "config": map[string]any{"platform": "Xing", "assignees": []string{s.sales2.Email}, "instructions": "Auf der Firmenseite"},
	}), http.StatusCreated).ID
	ann := a.create(s.author, map[string]any{"title": "Neue Tarife", "summary": "Drei Tarife statt fünf.", "body": "Niemand zahlt mehr.",
		"audience": map[string]any{"departments": []string{"Sales"}}, "channels": []map[string]any{{"channel_id": xing, "text": "Neue Tarife ab April"}}})
	a.publish(s.author, ann.ID)
	wantStatus(t, "release", a.do(http.MethodPost, "/api/v1/announcements/"+ann.ID+"/release", s.admin.Token, map[string]string{"reason": "test"}), http.StatusOK)
	ds := decode[struct {
		Deliveries []briefing.Delivery `json:"deliveries"`
	}](t, "deliveries", a.get("/api/v1/announcements/"+ann.ID+"/deliveries", s.author.Token), http.StatusOK).Deliveries
	if len(ds) != 1 {
		t.Fatalf("deliveries = %+v, want one", ds)
	}
	german := map[string]string{"Accept-Language": acceptGerman, "Sec-Fetch-Site": "same-origin"}
	page := func(path string) string {
		t.Helper()
		r := a.send(req{method: http.MethodGet, path: path, token: s.sales2.Token, header: german})
		wantStatus(t, "GET "+path, r, http.StatusOK)
		return string(r.Body)
	}
	post := func(path string, form url.Values) *response {
		t.Helper()
		h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
		for k, v := range german {
			h[k] = v
		}
		return a.send(req{method: http.MethodPost, path: path, token: s.sales2.Token, body: strings.NewReader(form.Encode()), header: h})
	}

	inbox := page("/")
	pgGerman(t, "German inbox with a task", inbox)
	pgContains(t, "German inbox with a task", inbox, "Von Hand zu posten", "Auf Xing posten: Neue Tarife", "Offen", "Öffentlich seit ")

	task := "/tasks/" + ds[0].ID
	body := page(task)
	pgGerman(t, "German task", body)
	pgContains(t, "German task", body, "<title>Auf Xing posten · Firsthand</title>", "„Neue Tarife“ ist öffentlich.", "Anleitung:",
		"Text kopieren", `data-copied-text="Kopiert."`, "Adresse des Beitrags", "Als gepostet markieren")

	r := post(task+"/confirm", url.Values{"post_url": {"javascript:alert(1)"}})
	wantStatus(t, "a bad address", r, http.StatusUnprocessableEntity)
	pgGerman(t, "German task, a bad address", string(r.Body))
	pgContains(t, "German task, a bad address", string(r.Body), "Geben Sie die Adresse des Beitrags ein, beginnend mit https://, oder lassen Sie das Feld leer")

	r = post(task+"/confirm", url.Values{"post_url": {"https://xing.example/p"}})
	wantStatus(t, "confirm", r, http.StatusSeeOther)
	if got := flashOf(r); got != "Vielen Dank: als auf Xing gepostet markiert." {
		t.Errorf("the note after posting: got %q", got)
	}
	body = page(task)
	pgGerman(t, "German task, done", body)
	pgContains(t, "German task, done", body, "Erledigt", "Status: gepostet", `href="https://xing.example/p"`, "Es ist nichts mehr zu tun.")

	english := a.send(req{method: http.MethodGet, path: task, token: s.sales2.Token, header: map[string]string{"Accept-Language": "en"}})
	pgContains(t, "English task, done", string(english.Body), "Post on Xing", "It is sent", "Nothing more to do.")
}
