package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// A form posted by someone whose session has ended. Redirecting to the
// form's action would land, after sign-in, on a GET the action does not
// answer ("GET is not supported here"), and an editor's text would be
// lost. So the sign-in names the page the form belongs to, and the
// editor's text travels through the sign-in form and comes back.

// editorPath is the address of the editor's own form.
var editorPath = regexp.MustCompile(`^/announcements/(new|[0-9]+/edit)$`)

// formPage is the page a posted form belongs to: the page it was sent
// from (Referer, this site only), else the action without its last step
// (/briefings/7/ack belongs to /briefings/7).
func (s *Server) formPage(c *gin.Context) string {
	if ref, err := url.Parse(c.GetHeader("Referer")); err == nil && ref.Path != "" &&
		(ref.Host == "" || ref.Host == c.Request.Host) {
		if p := safeNext(ref.RequestURI()); p != "/" {
			return p
		}
	}
	p := c.Request.URL.Path
	if editorPath.MatchString(p) {
		return p
	}
	if i := strings.LastIndex(p, "/"); i > 0 {
		return p[:i]
	}
	return "/"
}

// hiddenField is one posted value carried through the sign-in form.
type hiddenField struct{ Name, Value string }

// signInAgain answers a signed-out form post with the sign-in form. For
// the editor it carries the text along (resumeEditor puts it back after
// sign-in); anything else is not repeated: the person does it again on
// the page they return to.
func (s *Server) signInAgain(c *gin.Context) {
	l := s.locale(c)
	d := signInData{Next: s.formPage(c), Error: l.T("staff.session_ended"), OIDC: s.oidcName()}
	if editorPath.MatchString(c.Request.URL.Path) && c.Request.ParseForm() == nil {
		d.Next, d.Resume = c.Request.URL.Path, "editor"
		d.Error = l.T("staff.session_ended_editor")
		for name, vals := range c.Request.PostForm {
			if name == "email" || name == "password" || name == "next" || name == "resume" {
				continue
			}
			for _, v := range vals {
				d.Carry = append(d.Carry, hiddenField{name, v})
			}
		}
	}
	c.Abort()
	s.render(c, http.StatusUnauthorized, "signin", l.T("staff.signin_title"), "", d)
}

// resumeEditor shows the editor, after a sign-in, with the text that was
// carried through it. Nothing is saved until the author saves.
func (s *Server) resumeEditor(c *gin.Context, u *briefing.User, path string) bool {
	m := editorPath.FindStringSubmatch(path)
	if m == nil || !u.Has(briefing.RoleAuthor) {
		return false
	}
	c.Set(userKey, u)
	id := strings.TrimSuffix(m[1], "/edit")
	if id == "new" {
		id = ""
	}
	var f editorForm
	f.fromRequest(c)
	var errs formErrors
	errs.Add("title", "%s", s.locale(c).T("staff.signed_in_again"))
	s.renderEditor(c, http.StatusOK, id, f, errs, nil, false)
	return true
}
