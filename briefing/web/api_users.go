package web

import (
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"firsthand/briefing"
	"firsthand/store"
)

type userInput struct {
	Email      string          `json:"email"`
	Name       string          `json:"name"`
	Department string          `json:"department"`
	Location   string          `json:"location"`
	Roles      []briefing.Role `json:"roles"`
	Password   string          `json:"password"`
}

// HashPassword checks the password rule and hashes with bcrypt.
func HashPassword(p string) ([]byte, error) {
	if err := briefing.ValidatePassword(p); err != nil {
		return nil, err
	}
	return bcrypt.GenerateFromPassword([]byte(p), bcrypt.DefaultCost)
}

func (s *Server) createUser(c *gin.Context) {
	var in userInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	u, err := s.addUser(in, actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, u)
}

func (s *Server) addUser(in userInput, by string) (*briefing.User, error) {
	u := &briefing.User{Email: in.Email, Name: in.Name, Department: in.Department, Location: in.Location, Roles: in.Roles}
	if in.Password != "" {
		h, err := HashPassword(in.Password)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = h
	}
	return u, s.st.CreateUser(u, by)
}

// userPatch is the body of PATCH /api/v1/users/{id}: merge semantics by
// presence, so a field sent empty ("department": "") is set empty, and one
// left out is kept.
type userPatch struct {
	Email      *string         `json:"email"`
	Name       *string         `json:"name"`
	Department *string         `json:"department"`
	Location   *string         `json:"location"`
	Roles      []briefing.Role `json:"roles"`
	Password   string          `json:"password"`
	Active     *bool           `json:"active"`
}

func (s *Server) patchUser(c *gin.Context) {
	var in userPatch
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	var hash []byte
	if in.Password != "" {
		var err error
		if hash, err = HashPassword(in.Password); err != nil {
			s.fail(c, err)
			return
		}
	}
	u, err := s.st.UpdateUserIn(c.Param("id"), actor(c), currentSession(c), func(u *briefing.User) error {
		for _, f := range []struct {
			in  *string
			out *string
		}{{in.Email, &u.Email}, {in.Name, &u.Name}, {in.Department, &u.Department}, {in.Location, &u.Location}} {
			if f.in != nil {
				*f.out = *f.in
			}
		}
		if in.Roles != nil {
			u.Roles = in.Roles
		}
		if in.Active != nil {
			u.Active = *in.Active
		}
		if hash != nil {
			u.PasswordHash = hash
		}
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

func (s *Server) listUsers(c *gin.Context) {
	scope, err := briefing.DirectoryScope(currentUser(c), c.Query("department"))
	if err != nil {
		s.fail(c, err)
		return
	}
	dept := scope.Department
	if wantsCSV(c) {
		s.usersCSV(c, dept)
		return
	}
	limit, after, err := page(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	users, next, err := s.st.Users(store.UserFilter{Department: dept, After: after, Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	if users == nil {
		users = []*briefing.User{}
	}
	body := gin.H{"users": users}
	if next != "" {
		body["next"] = next
	}
	c.JSON(http.StatusOK, body)
}

func (s *Server) usersCSV(c *gin.Context, dept string) {
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="users.csv"`)
	w := newCSVWriter(c.Writer)
	_ = w.Write([]string{"id", "email", "name", "department", "location", "roles", "active"})
	err := s.st.EachUser("", func(u *briefing.User) bool {
		if dept != "" && u.Department != dept {
			return true
		}
		roles := make([]string, len(u.Roles))
		for i, r := range u.Roles {
			roles[i] = string(r)
		}
		active := "true"
		if !u.Active {
			active = "false"
		}
		return w.Write([]string{u.ID, u.Email, u.Name, u.Department, u.Location, strings.Join(roles, ";"), active}) == nil
	})
	w.Flush()
	logErr(s.log, "users csv", err)
}

func (s *Server) createToken(c *gin.Context) {
	token, err := s.st.CreateToken(c.Param("id"), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"token": token})
}

// revokeTokens revokes every API token of a person (their sessions stay).
func (s *Server) revokeTokens(c *gin.Context) {
	if _, err := s.st.RevokeTokens(c.Param("id"), actor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// importUsers reads a directory CSV (email,name,department,location,roles)
// and creates or updates by e-mail. A bad line is reported with its number
// and does not stop the good ones.
func (s *Server) importUsers(c *gin.Context) {
	invite := c.Query("invite") == "true"
	if invite && s.mailer == nil {
		// Refused before anything is imported: nothing is lost, and the
		// import can be repeated without invite=true.
		s.fail(c, errNoMail("invitations"))
		return
	}
	res, err := s.importCSV(c.Request.Body, actor(c))
	if err == nil && invite {
		err = s.inviteCreated(&res, actor(c))
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// inviteCreated invites every person an import created (they have no
// password: an import never sets one).
func (s *Server) inviteCreated(res *store.ImportResult, by string) error {
	n, err := s.st.Invite(res.CreatedIDs, by)
	res.Invited = n
	if err == nil && n > 0 {
		s.mailSignal()
	}
	return err
}

func (s *Server) importCSV(body io.Reader, by string) (store.ImportResult, error) {
	r := csv.NewReader(body)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return store.ImportResult{}, readCSVError(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"email", "name"} {
		if _, ok := col[need]; !ok {
			return store.ImportResult{}, briefing.Invalid("header", "the first line must name the columns email,name,department,location,roles; %q is missing", need)
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var rows []store.ImportRow
	var bad []store.ImportError
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, errTooLarge) || isMaxBytes(err) {
				return store.ImportResult{}, &briefing.Error{Kind: errTooLarge, Message: "the file is larger than 64 MiB: split it"}
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, store.ImportError{Line: pe.Line, Message: pe.Err.Error()})
				continue
			}
			return store.ImportResult{}, err
		}
		// FieldPos only after a good read: after a parse error it panics.
		line, _ := r.FieldPos(0)
		u := briefing.User{Email: get(rec, "email"), Name: get(rec, "name"), Department: get(rec, "department"), Location: get(rec, "location")}
		var roleErr string
		for _, rs := range strings.Split(get(rec, "roles"), ";") {
			if rs = strings.TrimSpace(rs); rs == "" {
				continue
			}
			role, ok := briefing.ParseRole(rs)
			if !ok {
				roleErr = "role " + rs + " is not one of " + briefing.RoleNames
				break
			}
			u.Roles = append(u.Roles, role)
		}
		if roleErr != "" {
			bad = append(bad, store.ImportError{Line: line, Message: roleErr})
			continue
		}
		rows = append(rows, store.ImportRow{Line: line, User: u})
	}
	res, err := s.st.ImportUsers(rows, by)
	res.Errors = append(bad, res.Errors...)
	slices.SortFunc(res.Errors, func(a, b store.ImportError) int { return a.Line - b.Line })
	return res, err
}

func isMaxBytes(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

func readCSVError(err error) error {
	if err == io.EOF {
		return briefing.Invalid("header", "the file is empty: the first line must be email,name,department,location,roles")
	}
	if isMaxBytes(err) {
		return &briefing.Error{Kind: errTooLarge, Message: "the file is larger than 64 MiB: split it"}
	}
	return briefing.Invalid("header", "the first line cannot be read: %v", err)
}
