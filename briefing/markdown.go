package briefing

import (
	"bytes"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkRel is what every rendered link carries: nofollow so that authors'
// links lend the newsroom's reputation to nobody, noopener so that a page
// opened from a briefing cannot reach back through window.opener.
const linkRel = "nofollow noopener"

// The renderer and the policy are built once: both are safe for concurrent
// use once configured, and building them per call would cost far more than
// rendering a briefing.
var (
	markdown = goldmark.New(
		goldmark.WithExtensions(
			// GFM, spelled out so that tables can align cells with the align
			// attribute: the default style="text-align:…" is stripped, since
			// no style attribute passes the sanitiser.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
		),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(util.Prioritized(linkRelTransformer{}, 500)),
		),
		// goldmark's safe mode stays on (no html.WithUnsafe): raw HTML is
		// dropped and dangerous link targets are emptied before bluemonday
		// ever sees them. Two independent layers, so that a gap in one is
		// not yet a hole in the invariant "no script in a briefing".
	)

	policy = newPolicy()
)

// newPolicy is bluemonday's policy for user-generated content, narrowed to
// what the Markdown renderer produces plus the pieces GFM needs.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy() // no script, style, iframe, form, on*; only http(s), mailto and relative URLs
	// Task-list items are rendered as disabled checkboxes. Allow exactly
	// that input and nothing of a form: an input without a form posts nowhere.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
	// The rel set by linkRelTransformer survives; any other rel is dropped,
	// and bluemonday still adds nofollow to a link that lost its rel.
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	p.RequireNoFollowOnLinks(true)
	// A fenced block's language ("```go") becomes class="language-go": keep
	// it for styling, nothing else in class.
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+#.-]{1,40}$`)).OnElements("code")
	return p
}

// RenderMarkdown turns an announcement's Markdown (GitHub flavour) into
// HTML that is safe to embed in a page: no script, no event handlers, no
// javascript:, vbscript: or data: URLs, no iframes, forms or style
// attributes, whatever the author wrote.
func RenderMarkdown(src string) (string, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return policy.SanitizeReader(&buf).String(), nil
}

// linkRelTransformer marks every link, written or autolinked, with linkRel.
// Doing it in the AST rather than in the sanitiser keeps the rel on links
// that point inside the site too (bluemonday adds noopener only to links it
// also makes open in a new tab).
type linkRelTransformer struct{}

func (linkRelTransformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Link, *ast.AutoLink:
			n.SetAttributeString("rel", []byte(linkRel))
		}
		return ast.WalkContinue, nil
	})
}
