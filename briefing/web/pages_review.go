package web

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/i18n"
)

// The approval's pages: the review queue, one announcement as a reviewer
// reads it (without author rights), and the forms to submit, approve and
// reject. The rules are the store's (briefing.CanSubmit, CanApprove,
// CanReject), as for the API; the buttons are offered by the same rules.

// reviewsView is the review queue.
type reviewsView struct {
	Items []*briefing.Announcement
}

func (s *Server) reviewsPage(c *gin.Context) {
	list, err := s.st.InReview()
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "reviews", s.locale(c).T("author.reviews_title"), "reviews", reviewsView{Items: list})
}

// reviewView is one announcement in the reviewer's read-only view.
type reviewView struct {
	A        *briefing.Announcement
	HTML     template.HTML
	Channels []*briefing.Channel
	Creator  string
	Review   reviewForms
}

// reviewForms are the approve and reject forms with what the rules allow
// and what was typed.
type reviewForms struct {
	ID                    string
	CanApprove, CanReject bool
	NotYours              string // why this reviewer may not approve it
	Note, Reason          string
	Errors                formErrors
}

// reviewFormsFor asks the rules which review buttons u gets for a; a
// refusal is said in l's language.
func reviewFormsFor(l *i18n.Locale, u *briefing.User, a *briefing.Announcement) reviewForms {
	f := reviewForms{ID: a.ID, CanReject: briefing.CanReject(u, a) == nil}
	err := briefing.CanApprove(u, a)
	f.CanApprove = err == nil
	if err != nil && f.CanReject { // in review, a reviewer, and still refused: their own item
		f.NotYours = refusal(l, err)
	}
	return f
}

func (s *Server) reviewPage(c *gin.Context) {
	s.renderReview(c, http.StatusOK, nil)
}

func (s *Server) renderReview(c *gin.Context, status int, typed *reviewForms) {
	a, err := s.st.Announcement(c.Param("id"))
	if err != nil || a.PublishedAt != nil || a.State == briefing.StateWithdrawn {
		// A reviewer reads what has not gone out yet; the rest is the
		// dashboard's, which needs author or manager rights.
		s.fail(c, briefing.NotFound("there is no such announcement to review"))
		return
	}
	html, err := briefing.RenderMarkdown(a.Body)
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.locale(c)
	v := reviewView{A: a, HTML: trusted(html), Review: reviewFormsFor(l, currentUser(c), a)}
	if typed != nil {
		v.Review.Note, v.Review.Reason, v.Review.Errors = typed.Note, typed.Reason, typed.Errors
	}
	if v.Channels, err = s.channelsOf(a); err != nil {
		s.fail(c, err)
		return
	}
	if u, err := s.st.User(a.Creator()); err == nil {
		v.Creator = u.Name
	}
	s.render(c, status, "review", l.T("author.review_title", "Title", a.Title), "reviews", v)
}

// submitForm sends a draft to the reviewers.
func (s *Server) submitForm(c *gin.Context) {
	if _, err := s.st.Submit(c.Param("id"), currentUser(c)); err != nil {
		s.formRefused(c, err, "submit", dashForm{})
		return
	}
	redirectFlash(c, dashboardURL(c, ""), s.locale(c).T("author.flash_submitted"))
}

func (s *Server) approveForm(c *gin.Context) {
	note := c.PostForm("note")
	if _, err := s.st.Approve(c.Param("id"), currentUser(c), note); err != nil {
		s.reviewRefused(c, err, "approve_note", reviewForms{Note: note})
		return
	}
	redirectFlash(c, "/reviews", s.locale(c).T("author.flash_approved"))
}

func (s *Server) rejectForm(c *gin.Context) {
	reason := c.PostForm("reason")
	if _, err := s.st.Reject(c.Param("id"), currentUser(c), reason); err != nil {
		s.reviewRefused(c, err, "reject_reason", reviewForms{Reason: reason})
		return
	}
	redirectFlash(c, "/reviews", s.locale(c).T("author.flash_rejected"))
}

// reviewRefused shows a refusal (a missing reason, a wrong state, one's
// own item) on the review page next to the form, what was typed kept.
func (s *Server) reviewRefused(c *gin.Context, err error, field string, f reviewForms) {
	status, _ := classify(err)
	switch status {
	case http.StatusConflict, http.StatusUnprocessableEntity, http.StatusForbidden:
	default:
		s.fail(c, err)
		return
	}
	f.Errors.Add(field, "%s", refusal(s.locale(c), err))
	s.renderReview(c, status, &f)
}
