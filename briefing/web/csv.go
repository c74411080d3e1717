package web

import (
	"encoding/csv"
	"io"
	"strings"
)

// csvWriter is the one CSV writer of every export: it neutralises each
// cell with csvCell, so no export can forget to.
type csvWriter struct {
	w   *csv.Writer
	row []string
}

func newCSVWriter(w io.Writer) *csvWriter { return &csvWriter{w: csv.NewWriter(w)} }

// Write writes one record, every cell neutralised.
func (c *csvWriter) Write(record []string) error {
	c.row = c.row[:0]
	for _, cell := range record {
		c.row = append(c.row, csvCell(cell))
	}
	return c.w.Write(c.row)
}

// Flush writes what is buffered.
func (c *csvWriter) Flush() { c.w.Flush() }

// csvCell keeps a spreadsheet from running a cell as a formula (OWASP's
// CSV injection): a cell starting with =, +, -, @, tab or carriage return
// gets a leading apostrophe, which spreadsheets show as text. Names and
// departments come from people and directory imports, so any of them may
// start so.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
