package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// Corrections after publish on the pages: the author's form on the
// dashboard, and what a recipient sees of a change on the briefing page
// (the notes, and a word diff from the version they last acknowledged).

// changesView is what changed between two versions, for the briefing page.
type changesView struct {
	From, To              int
	Title, Summary, Body  []briefing.DiffPart
	TitleChanged, Changed bool
}

// changesFor diffs the version a recipient last acknowledged (or the one
// before the current, when they acknowledged none or the current one)
// against the current version. Nil when there is nothing to compare.
func (s *Server) changesFor(b briefing.Briefing) (*changesView, error) {
	if b.Version < 2 {
		return nil, nil
	}
	from := b.Version - 1
	if b.AcknowledgedVersion > 0 && b.AcknowledgedVersion < b.Version {
		from = b.AcknowledgedVersion
	}
	old, cur, err := s.st.VersionTexts(b.ID, from, b.Version)
	if err != nil {
		return nil, err
	}
	v := &changesView{From: from, To: b.Version,
		Title:   briefing.WordDiff(old.Title, cur.Title),
		Summary: briefing.WordDiff(old.Summary, cur.Summary),
		Body:    briefing.WordDiff(old.Body, cur.Body)}
	v.TitleChanged = briefing.Changed(v.Title)
	v.Changed = v.TitleChanged || briefing.Changed(v.Summary) || briefing.Changed(v.Body)
	return v, nil
}

// reviseForm is what an author typed into the correction form.
type reviseForm struct {
	Title, Summary, Body, Note string
	Material                   bool
}

// reviseFormPost posts a correction as the API does; the store's rules
// (briefing.CanRevise, RevisionNote) refuse next to the form, text kept.
func (s *Server) reviseFormPost(c *gin.Context) {
	f := reviseForm{Title: c.PostForm("title"), Summary: c.PostForm("summary"), Body: c.PostForm("body"),
		Note: c.PostForm("note"), Material: c.PostForm("material") == "on"}
	a, err := s.st.Announcement(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	rev := briefing.Revision{Material: f.Material, Note: f.Note}
	// Only what the author changed is revised: the form shows the current text.
	if strings.TrimSpace(f.Title) != a.Title {
		rev.Title = &f.Title
	}
	if strings.TrimSpace(f.Summary) != a.Summary {
		rev.Summary = &f.Summary
	}
	if normalizeNewlines(f.Body) != a.Body {
		body := normalizeNewlines(f.Body)
		rev.Body = &body
	}
	ch, err := s.st.Revise(a.ID, currentUser(c), rev)
	if err != nil {
		status, body := classify(err)
		if status != http.StatusConflict && status != http.StatusUnprocessableEntity {
			s.fail(c, err)
			return
		}
		field := "revise_" + body.Field
		if body.Field == "" || (body.Field != "note" && body.Field != "title" && body.Field != "summary" && body.Field != "body") {
			field = "revise_note"
		}
		df := dashForm{Revise: &f}
		df.Errors.Add(field, "%s", upperFirst(s.locale(c).Error(err)))
		s.renderDashboard(c, status, df)
		return
	}
	id := "dash.flash_corrected"
	if ch.Material {
		id = "dash.flash_changed"
	}
	redirectFlash(c, dashboardURL(c, ""), s.locale(c).T(id, "Version", ch.Version))
}

// normalizeNewlines makes a textarea's CRLF the LF the API stores.
func normalizeNewlines(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
