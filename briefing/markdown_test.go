package briefing

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
)

// hostile are inputs that try to smuggle script into a briefing. They seed
// the fuzzer as well as the table test.
var hostile = []string{
	`<script>alert(1)</script>`,
	"hello <script>alert(1)</script> world",
	"<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
	`[x](javascript:alert(1))`,
	`[x](JaVaScRiPt:alert(1))`,
	`[x](&#106;avascript:alert(1))`,
	`[x](&#x6A;&#x61;vascript:alert(1))`,
	`[x](java&#x09;script:alert(1))`,
	`[x](  javascript:alert(1)  )`,
	`[x](<javascript:alert(1)>)`,
	"[x][r]\n\n[r]: javascript:alert(1)",
	`<javascript:alert(1)>`,
	`![x](javascript:alert(1))`,
	`[x](vbscript:msgbox(1))`,
	`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)`,
	`<img src=x onerror=alert(1)>`,
	`<iframe src="https://evil.example"></iframe>`,
	`<div onmouseover="alert(1)">hover</div>`,
	`<a href="JaVaScRiPt:alert(1)">click</a>`,
	`<a href="&#106;avascript:alert(1)">click</a>`,
	`<a href="jav&#x09;ascript:alert(1)">click</a>`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
	`<form action="https://evil.example"><input name=pw><button>go</button></form>`,
	`<p style="background:url(javascript:alert(1))">styled</p>`,
	`<object data="javascript:alert(1)"></object>`,
	`<body onload=alert(1)>`,
	`[x](https://example.com "t\" onclick=\"alert(1)")`,
	"- [x] <img src=x onerror=alert(1)>",
	"| a |\n|---|\n| <script>alert(1)</script> |",
	"`<script>` in code, **<b onclick=alert(1)>bold</b>**",
	"<details open ontoggle=alert(1)><summary>s</summary></details>",
	"<a href=\"https://example.com\" rel=\"opener\" target=\"_blank\">x</a>",
}

var (
	scriptTag = regexp.MustCompile(`(?i)<\s*(script|iframe|frame|object|embed|form|style|svg|math|base|meta|link)\b`)
	dangerous = []string{"javascript:", "vbscript:", "data:"}
)

// unsafeHTML reports the first thing in out that could run script or reach
// out of the page, or "" if there is none. It parses the HTML the way a
// browser tokenises it (entities decoded, case folded), so it is a check
// independent of the code under test.
func unsafeHTML(out string) string {
	// The sanitiser escapes every literal "<" in text, so a tag name found
	// in the raw string is a real tag.
	if m := scriptTag.FindString(out); m != "" {
		return "element " + m
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on"):
					return fmt.Sprintf("event handler %s on <%s>", a.Key, tok.Data)
				case key == "style":
					return fmt.Sprintf("style attribute on <%s>", tok.Data)
				case key == "href" || key == "src" || key == "action" || key == "formaction" || key == "xlink:href":
					// Browsers drop ASCII whitespace and control characters
					// anywhere in a scheme: "java\tscript:" is javascript:.
					v := strings.Map(func(r rune) rune {
						if r <= ' ' {
							return -1
						}
						return r
					}, strings.ToLower(a.Val))
					for _, d := range dangerous {
						if strings.HasPrefix(v, d) {
							return fmt.Sprintf("%s URL in %s of <%s>", d, a.Key, tok.Data)
						}
					}
				case key == "target" && !strings.Contains(attr(tok, "rel"), "noopener"):
					return fmt.Sprintf("target without noopener on <%s>", tok.Data)
				}
			}
			if tok.Data == "a" && !strings.Contains(attr(tok, "rel"), "nofollow") {
				return "link without rel=nofollow"
			}
			if tok.Data == "input" && attr(tok, "type") != "checkbox" {
				return "an input other than a checkbox"
			}
		}
	}
}

func attr(tok html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// checkRendered fails t if RenderMarkdown's output is unsafe or has a link
// without the full rel every rendered link must carry.
func checkRendered(t *testing.T, src, got string) {
	t.Helper()
	if bad := unsafeHTML(got); bad != "" {
		t.Fatalf("RenderMarkdown(%q) = %q: %s", src, got, bad)
	}
	if links, rels := strings.Count(got, "<a "), strings.Count(got, ` rel="`+linkRel+`"`); links != rels {
		t.Fatalf("RenderMarkdown(%q) = %q: %d links, %d with rel=%q", src, got, links, rels, linkRel)
	}
	// Task-list checkboxes show state; readers must not be able to tick them.
	if inputs, disabled := strings.Count(got, "<input "), strings.Count(got, ` disabled=""`); inputs != disabled {
		t.Fatalf("RenderMarkdown(%q) = %q: %d inputs, %d disabled", src, got, inputs, disabled)
	}
}

func TestRenderMarkdownHostile(t *testing.T) {
	for _, in := range hostile {
		t.Run(in, func(t *testing.T) {
			got, err := RenderMarkdown(in)
			if err != nil {
				t.Fatalf("RenderMarkdown: %v", err)
			}
			checkRendered(t, in, got)
		})
	}
}

// TestRenderMarkdownKeeps checks that sanitising leaves the Markdown a
// briefing is written in intact.
func TestRenderMarkdownKeeps(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"bold and emphasis", "**bold** and *soft*", []string{"<strong>bold</strong>", "<em>soft</em>"}},
		{"strikethrough", "~~old~~ new", []string{"<del>old</del>"}},
		{"heading", "# Pricing", []string{"<h1>Pricing</h1>"}},
		{"bullet list", "- one\n- two", []string{"<ul>", "<li>one</li>", "<li>two</li>"}},
		{"ordered list", "1. first\n2. second", []string{"<ol>", "<li>first</li>"}},
		{"task list", "- [x] done\n- [ ] open", []string{
			`<li><input checked="" disabled="" type="checkbox"> done</li>`,
			`<li><input disabled="" type="checkbox"> open</li>`,
		}},
		{"table", "| Plan | Price |\n|:-----|------:|\n| Basic | 5 € |", []string{
			"<table>", `<th align="left">Plan</th>`, `<th align="right">Price</th>`, `<td align="right">5 €</td>`,
		}},
		{"link", "[pricing](https://example.com/p?a=1&b=2)", []string{
			`<a href="https://example.com/p?a=1&amp;b=2" rel="nofollow noopener">pricing</a>`,
		}},
		{"relative link", "[news](/news/pricing)", []string{`<a href="/news/pricing" rel="nofollow noopener">news</a>`}},
		{"link title", `[x](https://example.com "More")`, []string{`title="More"`}},
		{"mailto", "[press](mailto:press@example.com)", []string{`href="mailto:press@example.com"`}},
		{"autolink", "<https://example.com/a>", []string{`<a href="https://example.com/a" rel="nofollow noopener">https://example.com/a</a>`}},
		{"linkify", "see www.example.com today", []string{`<a href="http://www.example.com" rel="nofollow noopener">www.example.com</a>`}},
		{"fenced code", "```go\nif a < b && c {}\n<script>x</script>\n```", []string{
			`<pre><code class="language-go">if a &lt; b &amp;&amp; c {}` + "\n" + `&lt;script&gt;x&lt;/script&gt;`,
		}},
		{"inline code", "run `go test`", []string{"<code>go test</code>"}},
		{"blockquote", "> quoted", []string{"<blockquote>", "quoted"}},
		{"image", "![logo](https://example.com/logo.png)", []string{`<img src="https://example.com/logo.png" alt="logo">`}},
		{"text with angle brackets", "a < b > c", []string{"a &lt; b &gt; c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RenderMarkdown(tt.in)
			if err != nil {
				t.Fatalf("RenderMarkdown: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("got %q, want it to contain %q", got, w)
				}
			}
			checkRendered(t, tt.in, got)
		})
	}
}

// TestPolicyAlone feeds raw HTML to the sanitiser directly. goldmark's safe
// mode already drops raw HTML, so without this test the second layer would
// never be exercised and could silently rot.
func TestPolicyAlone(t *testing.T) {
	for _, in := range hostile {
		got := policy.Sanitize(in)
		if bad := unsafeHTML(got); bad != "" {
			t.Errorf("policy.Sanitize(%q) = %q: %s", in, got, bad)
		}
	}
	keep := `<p><a href="https://example.com" rel="nofollow noopener">x</a> <input checked="" disabled="" type="checkbox"></p>`
	if got := policy.Sanitize(keep); got != keep {
		t.Errorf("policy.Sanitize(%q) = %q, want it unchanged", keep, got)
	}
	// A raw link without our rel still gets nofollow from bluemonday.
	if got := policy.Sanitize(`<a href="/x" rel="opener">x</a>`); got != `<a href="/x" rel="nofollow">x</a>` {
		t.Errorf("got %q, want the foreign rel replaced by nofollow", got)
	}
}

// TestRenderMarkdownConcurrent renders from many goroutines so that the race
// detector sees the shared renderer and policy in use at once.
func TestRenderMarkdownConcurrent(t *testing.T) {
	const in = "# T\n\n- [x] a\n\n| a |\n|---|\n| 1 |\n\n[l](https://example.com) <img src=x onerror=alert(1)>"
	want, err := RenderMarkdown(in)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 50 {
				got, err := RenderMarkdown(in)
				if err != nil || got != want {
					t.Errorf("concurrent render = %q, %v; want %q", got, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func FuzzRenderMarkdown(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("**bold** [l](https://example.com) www.example.com\n\n- [ ] t\n\n| a |\n|---|\n| b |")
	f.Add("<a href=\"java\x00script:alert(1)\">x</a> [y](java\nscript:alert(1))")
	f.Fuzz(func(t *testing.T, src string) {
		got, err := RenderMarkdown(src)
		if err != nil {
			t.Fatalf("RenderMarkdown(%q): %v", src, err)
		}
		checkRendered(t, src, got)
	})
}
