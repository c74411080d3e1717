package web

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"firsthand/briefing"
)

// TestPageFlashComesOnlyFromTheServer: a note in the URL is not shown (a
// link from someone else cannot put words on our page); a note the server
// left in the flash cookie is shown once.
func TestPageFlashComesOnlyFromTheServer(t *testing.T) {
	a := newPgApp(t)
	u := a.member("flash@example.com", "Sales", briefing.RoleEmployee)
	r := a.get(u, "/?flash=Your+account+is+locked:+call+555-0100")
	pgWant(t, "inbox with a flash in the URL", r, http.StatusOK)
	if strings.Contains(r.Body, "555-0100") {
		t.Error("the inbox shows a note taken from the URL")
	}

	req, _ := http.NewRequest("GET", a.ts.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: u.session})
	req.AddCookie(&http.Cookie{Name: flashCookie, Value: "Saved+the+draft"})
	res, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(body), "Saved the draft") {
		t.Error("the note from the flash cookie is not shown")
	}
	cleared := false
	for _, ck := range res.Cookies() {
		cleared = cleared || (ck.Name == flashCookie && ck.MaxAge < 0)
	}
	if !cleared {
		t.Error("the flash cookie was not cleared after it was shown")
	}
}
