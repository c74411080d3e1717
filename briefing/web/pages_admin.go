package web

import (
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/store"
)

// pageSizeUsers is how many people the directory list shows at a time.
const pageSizeUsers = 50

// adminUserForm is a person as the admin typed them. A password is never
// written back into a page.
type adminUserForm struct {
	Email, Name, Department, Location string
	Roles                             []string
}

func (f *adminUserForm) fromRequest(c *gin.Context) {
	*f = adminUserForm{Email: strings.TrimSpace(c.PostForm("email")), Name: c.PostForm("name"),
		Department: c.PostForm("department"), Location: c.PostForm("location"), Roles: c.PostFormArray("role")}
}

func (f *adminUserForm) roles() []briefing.Role {
	out := make([]briefing.Role, len(f.Roles))
	for i, r := range f.Roles {
		out[i] = briefing.Role(r)
	}
	return out
}

var userFields = map[string]string{"email": "email", "name": "name", "roles": "roles", "password": "password"}

type adminUsersView struct {
	Users            []*briefing.User
	Next, Department string
	Paged            bool
	Form             adminUserForm
	Errors           formErrors
	Import           *store.ImportResult
	ImportErrors     formErrors
	CSV              string
	AllRoles         []string
	Invite           bool // the import invites the people it creates
	CanMail          bool
}

var roleChoices = []string{"employee", "author", "manager", "reviewer", "admin"}

func (s *Server) usersAdminPage(c *gin.Context) {
	s.renderUsers(c, http.StatusOK, adminUsersView{Form: adminUserForm{Roles: []string{"employee"}}})
}

func (s *Server) renderUsers(c *gin.Context, status int, v adminUsersView) {
	v.Department, v.Paged, v.AllRoles = strings.TrimSpace(c.Query("department")), c.Query("after") != "", roleChoices
	v.CanMail = s.mailer != nil
	users, next, err := s.st.Users(store.UserFilter{Department: v.Department, After: c.Query("after"), Limit: pageSizeUsers})
	if err != nil {
		s.fail(c, err)
		return
	}
	v.Users = users
	if next != "" {
		v.Next = "/admin/users?after=" + urlEscape(next)
		if v.Department != "" {
			v.Next += "&department=" + urlEscape(v.Department)
		}
	}
	s.render(c, status, "admin_users", s.locale(c).T("admin.users_title"), "admin", v)
}

func (s *Server) addUserForm(c *gin.Context) {
	var f adminUserForm
	f.fromRequest(c)
	u, err := s.addUser(userInput{Email: f.Email, Name: f.Name, Department: f.Department, Location: f.Location,
		Roles: f.roles(), Password: c.PostForm("password")}, actor(c))
	l := s.locale(c)
	if err != nil {
		v := adminUsersView{Form: f}
		if status, _ := classify(err); status == http.StatusConflict {
			v.Errors.Add("email", "%s", refusal(l, err))
		} else if !v.Errors.addDomain(l, err, userFields, "email") {
			s.fail(c, err)
			return
		}
		s.renderUsers(c, http.StatusUnprocessableEntity, v)
		return
	}
	redirectFlash(c, "/admin/users/"+u.ID, l.T("admin.flash_added", "Name", u.Name))
}

// importForm takes a directory CSV as an uploaded file or pasted text and
// reports every line it could not take. Pages carry at most 1 MiB; the
// API takes whole directories.
func (s *Server) importForm(c *gin.Context) {
	l := s.locale(c)
	var body io.Reader = strings.NewReader(c.PostForm("csv"))
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			s.fail(c, err)
			return
		}
		defer f.Close()
		body = f
	} else if strings.TrimSpace(c.PostForm("csv")) == "" {
		v := adminUsersView{Form: adminUserForm{Roles: []string{"employee"}}, CSV: c.PostForm("csv")}
		v.ImportErrors.Add("import-file", "%s", l.T("admin.import_choose"))
		s.renderUsers(c, http.StatusUnprocessableEntity, v)
		return
	}
	v := adminUsersView{Form: adminUserForm{Roles: []string{"employee"}}, CSV: c.PostForm("csv"), Invite: c.PostForm("invite") != ""}
	if v.Invite && s.mailer == nil {
		v.ImportErrors.Add("import-invite", "%s", refusal(l, errNoMail("invitations")))
		s.renderUsers(c, http.StatusConflict, v)
		return
	}
	res, err := s.importCSV(body, actor(c))
	if err == nil && v.Invite {
		err = s.inviteCreated(&res, actor(c))
	}
	if err != nil {
		if !v.ImportErrors.addDomain(l, err, map[string]string{}, "import-file") {
			s.fail(c, err)
			return
		}
		s.renderUsers(c, http.StatusUnprocessableEntity, v)
		return
	}
	v.Import = &res
	if len(res.Errors) == 0 {
		v.CSV = ""
	}
	s.renderUsers(c, http.StatusOK, v)
}

type adminUserView struct {
	CanMail     bool
	HasPassword bool
	U           *briefing.User
	Form        adminUserForm
	Errors      formErrors
	Self        bool
	Token       string
	AllRoles    []string
}

func (s *Server) userPage(c *gin.Context) {
	u, err := s.st.User(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	f := adminUserForm{Email: u.Email, Name: u.Name, Department: u.Department, Location: u.Location}
	for _, r := range u.Roles {
		f.Roles = append(f.Roles, string(r))
	}
	s.renderUser(c, http.StatusOK, adminUserView{U: u, Form: f})
}

func (s *Server) renderUser(c *gin.Context, status int, v adminUserView) {
	v.Self, v.AllRoles, v.CanMail = v.U.ID == currentUser(c).ID, roleChoices, s.mailer != nil
	v.HasPassword = len(v.U.PasswordHash) > 0
	s.render(c, status, "admin_user", v.U.Name, "admin", v)
}

// saveUserForm changes a person's details, roles and, if given, password.
// The store refuses to take the admin role from the last active admin
// (briefing.CanChangeUser), as for the API.
func (s *Server) saveUserForm(c *gin.Context) {
	l := s.locale(c)
	id := c.Param("id")
	var f adminUserForm
	f.fromRequest(c)
	old, err := s.st.User(id)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := adminUserView{U: old, Form: f}
	var hash []byte
	if p := c.PostForm("password"); p != "" {
		if hash, err = HashPassword(p); err != nil {
			v.Errors.addDomain(l, err, userFields, "password")
		}
	}
	if v.Errors.Any() {
		s.renderUser(c, http.StatusUnprocessableEntity, v)
		return
	}
	u, err := s.st.UpdateUserIn(id, actor(c), currentSession(c), func(u *briefing.User) error {
		u.Email, u.Name, u.Department, u.Location, u.Roles = f.Email, f.Name, f.Department, f.Location, f.roles()
		if hash != nil {
			u.PasswordHash = hash
		}
		return nil
	})
	if err != nil {
		if status, body := classify(err); status == http.StatusConflict && body.Field == "roles" {
			v.Errors.Add("roles", "%s", refusal(l, err))
			s.renderUser(c, status, v) // 409, as the API answers
			return
		} else if status == http.StatusConflict {
			v.Errors.Add("email", "%s", refusal(l, err))
		} else if !v.Errors.addDomain(l, err, userFields, "name") {
			s.fail(c, err)
			return
		}
		s.renderUser(c, http.StatusUnprocessableEntity, v)
		return
	}
	redirectFlash(c, "/admin/users/"+u.ID, l.T("admin.flash_saved"))
}

// activeForm deactivates or reactivates a person. A deactivated person
// cannot sign in and receives no new briefings; nothing is deleted. The
// last active admin cannot deactivate themselves (409, from the store).
func (s *Server) activeForm(c *gin.Context) {
	id, active := c.Param("id"), c.PostForm("active") == "true"
	u, err := s.st.UpdateUser(id, actor(c), func(u *briefing.User) error {
		u.Active = active
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.locale(c)
	msg := l.T("admin.flash_active", "Name", u.Name)
	if !active {
		msg = l.T("admin.flash_deactivated", "Name", u.Name)
	}
	redirectFlash(c, "/admin/users/"+u.ID, msg)
}

// tokenForm creates an API token and shows it once; only its hash is kept.
func (s *Server) tokenForm(c *gin.Context) {
	u, err := s.st.User(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	token, err := s.st.CreateToken(u.ID, actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	f := adminUserForm{Email: u.Email, Name: u.Name, Department: u.Department, Location: u.Location}
	for _, r := range u.Roles {
		f.Roles = append(f.Roles, string(r))
	}
	s.renderUser(c, http.StatusOK, adminUserView{U: u, Form: f, Token: token})
}

// inviteForm e-mails one person a link to set their password.
func (s *Server) inviteForm(c *gin.Context) {
	id := c.Param("id")
	if s.mailer == nil {
		s.fail(c, errNoMail("the invitation"))
		return
	}
	u, err := s.st.User(id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.st.Invite([]string{id}, actor(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.mailSignal()
	redirectFlash(c, "/admin/users/"+id, s.locale(c).T("admin.flash_invited", "Email", u.Email))
}

// inviteAllForm invites everyone who has no password yet.
func (s *Server) inviteAllForm(c *gin.Context) {
	if s.mailer == nil {
		s.fail(c, errNoMail("invitations"))
		return
	}
	n, err := s.st.InviteWithoutPassword(actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailSignal()
	redirectFlash(c, "/admin/users", s.locale(c).T("admin.flash_invited_all", "Count", n))
}
