// Package templates holds the html/template files of the pages, embedded in
// the binary.
package templates

import "embed"

// FS holds every template file.
//
//go:embed *.html
var FS embed.FS
