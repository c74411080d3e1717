// Package static holds the stylesheet, the little JavaScript and the icons,
// embedded in the binary.
package static

import "embed"

// FS holds every static file, served under /static/.
//
//go:embed *.css *.js *.svg
var FS embed.FS
