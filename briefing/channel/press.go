package channel

import (
	"bytes"
	"html/template"
	"strings"
)

// pressTemplate is the HTML part of a press e-mail. The body is the
// announcement's Markdown rendered and sanitised at publish (briefing's
// renderer), so it is trusted here; everything else is escaped.
var pressTemplate = template.Must(template.New("press").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 0 auto; padding: 1em; line-height: 1.5">
<h1 style="font-size: 1.4em">{{.Title}}</h1>
{{with .Text}}<p><strong>{{.}}</strong></p>{{end}}
{{.Body}}
{{with .URL}}<p><a href="{{.}}">{{.}}</a></p>{{end}}
</body></html>
`))

// pressHTML renders the HTML part of m's press e-mail.
func pressHTML(m Message) string {
	var b bytes.Buffer
	err := pressTemplate.Execute(&b, struct {
		Title, Text, URL string
		Body             template.HTML
	}{m.Title, strings.TrimSpace(m.Text), m.URL, template.HTML(m.HTML)}) // #nosec: sanitised at publish
	if err != nil {
		return ""
	}
	return b.String()
}
