package web

import (
	"encoding/json"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

func (a *pgApp) mastodonChannel(name string) *briefing.Channel {
	a.t.Helper()
	ch := &briefing.Channel{Name: name, Kind: channel.KindMastodon,
		Config: channel.ConfigJSON(channel.MastodonConfig{Instance: "https://social.example", AccessToken: "mastodon-token-for-preview"})}
	if err := a.st.CreateChannel(ch, "test"); err != nil {
		a.t.Fatal(err)
	}
	return ch
}

// Mastodon counts a link as 23 wherever it stands, and the newsroom link
// after a blank line: "Hallo 👋 " is 8, the link in it 23, then 2 and 23.
func TestPostPreviewAPICountsAsThePlatform(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ch := a.mastodonChannel("Fediverse")
	ask := func(in postPreviewInput) postPreview {
		t.Helper()
		b, _ := json.Marshal(in)
		r := a.send(&o.author, http.MethodPost, "/api/v1/channels/"+ch.ID+"/preview", strings.NewReader(string(b)), "application/json", "")
		pgWant(t, "preview", r, http.StatusOK)
		var p postPreview
		if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := ask(postPreviewInput{Text: "Hallo 👋 https://example.com/a/very/long/path/that/is/long", Title: "Neue Preise"})
	if p.Count != 8+23+2+23 || p.Limit != 500 || p.Over {
		t.Errorf("count %d of %d (over %v), want 56 of 500", p.Count, p.Limit, p.Over)
	}
	if p.Link != "http://news.example.test/news/"+briefing.Slugify("Neue Preise") {
		t.Errorf("link %q, want the newsroom page the title gives", p.Link)
	}
	if p = ask(postPreviewInput{Summary: "Der Summary"}); p.Text != "Der Summary" || p.Count != 11+2+23 {
		t.Errorf("empty text: preview %q counted %d, want the summary counted 36", p.Text, p.Count)
	}
	if p = ask(postPreviewInput{Text: strings.Repeat("ü", 480)}); !p.Over || p.Count != 480+2+23 {
		t.Errorf("480 characters and the link: count %d over %v, want 505 and over", p.Count, p.Over)
	}
	// Employees have no editor.
	emp := a.member("emp@example.com", "Sales")
	r := a.send(&emp, http.MethodPost, "/api/v1/channels/"+ch.ID+"/preview", strings.NewReader(`{"text":"x"}`), "application/json", "")
	pgWant(t, "an employee", r, http.StatusForbidden)
}

// Without a script, the editor shows each post as the server counts it,
// after every submit.
func TestEditorShowsEachPostWithoutScript(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ch := a.mastodonChannel("Fediverse")
	r := a.get(o.author, "/announcements/new")
	pgWant(t, "editor", r, http.StatusOK)
	pgContains(t, "new editor", r.Body, `data-post-preview="`+ch.ID+`"`, "How the post will look on Mastodon")

	f := pgDraftForm()
	f.Set("channel", ch.ID)
	f.Set("text_"+ch.ID, strings.Repeat("é", 476)) // 476 + 2 + 23 = 501
	f.Set("action", "preview")
	r = a.post(o.author, "/announcements/new", f)
	body := html.UnescapeString(r.Body)
	for _, want := range []string{strings.Repeat("é", 476) + "</p>", "501 of 500, counted as Mastodon counts: too long",
		"http://news.example.test/news/" + briefing.Slugify("New pricing")} {
		if !strings.Contains(body, want) {
			t.Errorf("the re-rendered editor lacks %q", want)
		}
	}
}

// In a browser the preview follows the typing, counted by the server: a
// link of any length is 23 on Mastodon, which no character count in the
// page would say. The editor still fits a phone.
func TestBrowserPostPreviewFollowsTyping(t *testing.T) {
	var chID string
	e := newBrowserEnv(t, func(st *store.Store) {
		addPeople(t, st, briefing.User{Email: "paula@example.com", Name: "Paula", Roles: []briefing.Role{briefing.RoleAuthor}})
		ch := &briefing.Channel{Name: "Fediverse", Kind: channel.KindMastodon,
			Config: channel.ConfigJSON(channel.MastodonConfig{Instance: "https://social.example", AccessToken: "mastodon-token-for-preview"})}
		if err := st.CreateChannel(ch, "test"); err != nil {
			t.Fatal(err)
		}
		chID = ch.ID
	})
	ctx := e.tab(390, 844, true)
	e.signIn(ctx, "paula@example.com")
	typed := "Neu: https://example.com/" + strings.Repeat("pfad/", 20)
	e.do(ctx, "type a channel text",
		chromedp.Navigate(e.url+"/announcements/new"),
		chromedp.WaitVisible(chromedp.ID("text_"+chID)),
		chromedp.SendKeys(chromedp.ID("text_"+chID), typed),
	)
	fig := `[data-post-preview="` + chID + `"]`
	e.waitJS(ctx, "the server's count in the preview",
		`(document.querySelector('`+fig+` [data-post-count]').textContent || "").startsWith("53 of 500")`, 10*time.Second)
	if got := e.text(ctx, fig+" [data-post-text]"); got != typed {
		t.Errorf("the preview shows %q, want the typed text", got)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > 390`))
	if err != nil || wide {
		t.Errorf("the editor is wider than 390 px (%v)", err)
	}
	if f := e.foreign(); len(f) != 0 {
		t.Errorf("requests elsewhere: %v", f)
	}
}
