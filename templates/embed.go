// Package templates holds the html/template files of the pages, embedded in
// the binary.
package templates

import "embed"

// FS holds every template file and the message catalogue (i18n/*.toml).
//
//go:embed *.html i18n/*.toml
var FS embed.FS
