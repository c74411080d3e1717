package web

import (
	"encoding/xml"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// TestNewsFeedIsValidAtomAndSummaryIsText: the feed names its author and
// its own address, and a summary is text, never markup: a summary
// written as "<img src=x onerror=alert(1)>" reaches a feed reader as those
// characters. The newsroom pages' <time datetime> is RFC 3339.
func TestNewsFeedIsValidAtomAndSummaryIsText(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	ch := a.webhook(s.admin, "Press")
	d := draftOf("Feed Check", "Sales")
	d["summary"] = `Now <img src=x onerror=alert(1)> & more`
	d["channels"] = []map[string]any{{"channel_id": ch}}
	ann := a.create(s.author, d)
	a.publish(s.author, ann.ID)
	wantStatus(t, "release", a.do("POST", "/api/v1/announcements/"+ann.ID+"/release", s.admin.Token, map[string]string{"reason": "go"}), 200)

	r := a.send(req{method: "GET", path: "/news/feed.atom"})
	wantStatus(t, "feed", r, http.StatusOK)
	raw := string(r.Body)
	f, err := gofeed.NewParser().ParseString(raw)
	if err != nil {
		t.Fatalf("feed: %v", err)
	}
	if len(f.Authors) == 0 || f.Authors[0].Name == "" {
		t.Errorf("feed: got authors %v, want a named <author>", f.Authors)
	}
	if f.FeedLink != "http://news.example.test/news/feed.atom" {
		t.Errorf(`feed: got self link %q, want <link rel="self" href="http://news.example.test/news/feed.atom">`, f.FeedLink)
	}
	if f.Link != "http://news.example.test/news" {
		t.Errorf("feed: got alternate link %q, want the newsroom", f.Link)
	}
	if len(f.Items) != 1 || f.Items[0].Description != d["summary"] {
		t.Fatalf("feed: got items %+v, want one with the summary as text", f.Items)
	}

	var doc struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Entries []struct {
			Summary struct {
				Type string `xml:"type,attr"`
				Text string `xml:",chardata"`
			} `xml:"summary"`
			Content struct {
				Type string `xml:"type,attr"`
			} `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(r.Body, &doc); err != nil {
		t.Fatalf("feed XML: %v", err)
	}
	if len(doc.Entries) != 1 || doc.Entries[0].Summary.Type != "text" || doc.Entries[0].Summary.Text != d["summary"] {
		t.Errorf("feed: got summary %+v, want type=\"text\" with the summary's characters", doc.Entries)
	}
	if strings.Contains(raw, "<img") {
		t.Errorf("feed: the raw XML carries an <img> element:\n%s", raw)
	}

	datetime := regexp.MustCompile(`<time datetime="([^"]*)"`)
	slug := decode[announcement](t, "GET", a.get("/api/v1/announcements/"+ann.ID, s.author.Token), 200).Slug
	for _, path := range []string{"/news", "/news/" + slug} {
		r := a.send(req{method: "GET", path: path})
		wantStatus(t, path, r, http.StatusOK)
		ms := datetime.FindAllStringSubmatch(string(r.Body), -1)
		if len(ms) == 0 {
			t.Errorf("%s: no <time datetime>", path)
		}
		for _, m := range ms {
			if _, err := time.Parse(time.RFC3339, m[1]); err != nil {
				t.Errorf("%s: <time datetime=%q> is not RFC 3339", path, m[1])
			}
		}
	}
}
