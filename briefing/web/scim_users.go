package web

import (
	"net/http"
	"strings"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/scim2/filter-parser/v2"

	"firsthand/briefing"
)

// scimUsers connects SCIM Users to the directory. userName is the e-mail
// address; name and displayName are the person's name (Firsthand keeps one
// name, so givenName and familyName are its first words and its last);
// the enterprise extension's department is the department; the work
// address's locality is the location. Deactivation (DELETE, active: false)
// goes through store.UpdateUser like the API and the admin page.
type scimUsers struct{ s *Server }

// scimPerson is a person as SCIM edits them, before it becomes a User.
type scimPerson struct {
	userName, displayName, givenName, familyName, formatted string
	department, location                                    string
	active                                                  bool
	// Which names this request set: the one name Firsthand keeps comes
	// from them, whatever order the operations came in.
	setDisplay, setFormatted, setParts bool
}

func personOf(u *briefing.User) scimPerson {
	p := scimPerson{userName: u.Email, displayName: u.Name, formatted: u.Name,
		department: u.Department, location: u.Location, active: u.Active}
	if i := strings.LastIndex(u.Name, " "); i > 0 {
		p.givenName, p.familyName = u.Name[:i], u.Name[i+1:]
	} else {
		p.givenName = u.Name
	}
	return p
}

// name is the one name Firsthand keeps: the displayName this request set,
// else its formatted name, else its given and family name, else the name
// as it was, else the address's local part.
func (p scimPerson) name() string {
	candidates := []string{}
	if p.setDisplay {
		candidates = append(candidates, p.displayName)
	}
	if p.setFormatted {
		candidates = append(candidates, p.formatted)
	}
	if p.setParts {
		candidates = append(candidates, p.givenName+" "+p.familyName)
	}
	candidates = append(candidates, p.displayName)
	for _, n := range candidates {
		if n = strings.TrimSpace(n); n != "" {
			return n
		}
	}
	local, _, _ := strings.Cut(p.userName, "@")
	return local
}

func (p scimPerson) applyTo(u *briefing.User) {
	u.Email, u.Name, u.Department, u.Location, u.Active = p.userName, p.name(), p.department, p.location, p.active
}

func resourceOf(u *briefing.User) scim.Resource {
	p := personOf(u)
	attrs := scim.ResourceAttributes{
		"userName":    u.Email,
		"displayName": u.Name,
		"name":        map[string]any{"formatted": u.Name, "givenName": p.givenName, "familyName": p.familyName},
		"emails":      []any{map[string]any{"value": u.Email, "type": "work", "primary": true}},
		"active":      u.Active,
	}
	if u.Location != "" {
		attrs["addresses"] = []any{map[string]any{"type": "work", "locality": u.Location, "primary": true}}
	}
	if u.Department != "" {
		attrs[enterpriseUser] = map[string]any{"department": u.Department}
	}
	created := u.CreatedAt
	return scim.Resource{ID: u.ID, Attributes: attrs, Meta: scim.Meta{Created: &created}}
}

// set applies one attribute, named as in a PATCH path ("name.givenName",
// "emails.value", "addresses.locality", enterprise "department"), to p.
// Unknown and read-only attributes are ignored, as RFC 7644 lets a
// service provider do for what it does not keep.
func (p *scimPerson) set(attr, sub string, value any, remove bool) {
	str := func() string {
		if remove {
			return ""
		}
		s, _ := value.(string)
		return s
	}
	switch strings.ToLower(attr) {
	case "username":
		if !remove {
			p.userName = str()
		}
	case "displayname":
		p.displayName, p.setDisplay = str(), true
	case "active":
		if !remove {
			p.active = truthy(value)
		}
	case "department":
		p.department = str()
	case "name":
		if sub == "" {
			p.setComplex(value, remove, p.set, "name")
			return
		}
		switch strings.ToLower(sub) {
		case "givenname":
			p.givenName, p.setParts = str(), true
		case "familyname":
			p.familyName, p.setParts = str(), true
		case "formatted":
			p.formatted, p.setFormatted = str(), true
		}
	case "emails":
		if sub == "" {
			p.setComplex(value, remove, p.set, "emails")
			return
		}
		if strings.EqualFold(sub, "value") && !remove && str() != "" {
			p.userName = str()
		}
	case "addresses":
		if sub == "" {
			p.setComplex(value, remove, p.set, "addresses")
			return
		}
		if strings.EqualFold(sub, "locality") {
			p.location = str()
		}
	case strings.ToLower(enterpriseUser):
		if m, ok := value.(map[string]any); ok {
			for k, v := range m {
				p.set(k, "", v, remove)
			}
		}
	}
}

// setComplex applies a complex value (name) or a list of them (emails,
// addresses: the work or primary one, else the first).
func (p *scimPerson) setComplex(value any, remove bool, set func(attr, sub string, v any, remove bool), attr string) {
	if remove {
		switch attr {
		case "name":
			p.givenName, p.familyName, p.formatted = "", "", ""
		case "addresses":
			p.location = ""
		}
		return
	}
	var m map[string]any
	switch v := value.(type) {
	case map[string]any:
		m = v
	case []any:
		for i, item := range v {
			im, _ := item.(map[string]any)
			if t, _ := im["type"].(string); i == 0 || strings.EqualFold(t, "work") || im["primary"] == true {
				m = im
			}
		}
	}
	for k, v := range m {
		set(attr, k, v, false)
	}
}

func truthy(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return strings.EqualFold(b, "true")
	}
	return false
}

// fromAttributes reads a whole SCIM User (POST, PUT) over p.
func (p *scimPerson) fromAttributes(attrs scim.ResourceAttributes) {
	for k, v := range attrs {
		if strings.EqualFold(k, enterpriseUser) {
			p.set(enterpriseUser, "", v, false)
			continue
		}
		p.set(k, "", v, false)
	}
}

// Create adds a person; a duplicate userName is 409 uniqueness.
func (h scimUsers) Create(r *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	p := scimPerson{active: true}
	p.fromAttributes(attrs)
	u := &briefing.User{}
	p.applyTo(u)
	if err := h.s.st.CreateUser(u, "scim"); err != nil {
		return scim.Resource{}, scimError(err)
	}
	if !p.active {
		var err error
		if u, err = h.s.st.UpdateUser(u.ID, "scim", func(u *briefing.User) error { u.Active = false; return nil }); err != nil {
			return scim.Resource{}, scimError(err)
		}
	}
	return resourceOf(u), nil
}

// Get returns one person.
func (h scimUsers) Get(r *http.Request, id string) (scim.Resource, error) {
	u, err := h.s.st.User(id)
	if err != nil {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	return resourceOf(u), nil
}

// GetAll lists people a page at a time. `userName eq "…"`, the filter every
// identity provider sends before it creates someone, is a lookup in the
// e-mail index; any other filter is checked person by person.
func (h scimUsers) GetAll(r *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	page := scim.Page{Resources: []scim.Resource{}}
	if params.FilterValidator != nil {
		if email, ok := userNameEq(params.FilterValidator.GetFilter()); ok {
			u, err := h.s.st.UserByEmail(email)
			if err == nil && params.StartIndex <= 1 && params.Count > 0 {
				page.Resources = append(page.Resources, resourceOf(u))
			}
			if err == nil {
				page.TotalResults = 1
			}
			return page, nil
		}
	}
	err := h.s.st.EachUser("", func(u *briefing.User) bool {
		res := resourceOf(u)
		if params.FilterValidator != nil {
			attrs := map[string]any(res.Attributes)
			attrs["id"] = res.ID
			if params.FilterValidator.PassesFilter(attrs) != nil {
				return true
			}
		}
		page.TotalResults++
		if page.TotalResults >= params.StartIndex && len(page.Resources) < params.Count {
			page.Resources = append(page.Resources, res)
		}
		return true
	})
	return page, err
}

// userNameEq recognises the filter `userName eq "address"`.
func userNameEq(e filter.Expression) (string, bool) {
	ae, ok := e.(*filter.AttributeExpression)
	if !ok || ae.Operator != filter.EQ || ae.AttributePath.SubAttribute != nil || !strings.EqualFold(ae.AttributePath.AttributeName, "userName") {
		return "", false
	}
	if uri := ae.AttributePath.URI(); uri != "" && uri != "urn:ietf:params:scim:schemas:core:2.0:User" {
		return "", false
	}
	s, ok := ae.CompareValue.(string)
	return s, ok
}

// Replace (PUT) sets every attribute Firsthand keeps; what the request
// leaves out is cleared, except active, which stays as it is.
func (h scimUsers) Replace(r *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	return h.update(id, func(p *scimPerson) error {
		active := p.active
		*p = scimPerson{active: active, displayName: p.displayName}
		p.fromAttributes(attrs)
		return nil
	})
}

// Delete deactivates: nothing is deleted, the person's receipts and
// history stay, and their tokens and sessions end.
func (h scimUsers) Delete(r *http.Request, id string) error {
	_, err := h.update(id, func(p *scimPerson) error { p.active = false; return nil })
	return err
}

// Patch applies RFC 7644 operations, with a path or (as Entra ID sends
// {"op":"replace","value":{"active":false}}) without one.
func (h scimUsers) Patch(r *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	return h.update(id, func(p *scimPerson) error {
		for _, op := range ops {
			remove := strings.EqualFold(op.Op, scim.PatchOperationRemove)
			if op.Path == nil {
				m, ok := op.Value.(map[string]any)
				if !ok {
					return scimerrors.ScimErrorInvalidValue
				}
				for k, v := range m {
					if path, err := filter.ParsePath([]byte(k)); err == nil && !strings.EqualFold(k, enterpriseUser) {
						p.setPath(path, v, remove)
					} else {
						p.set(k, "", v, remove)
					}
				}
				continue
			}
			p.setPath(*op.Path, op.Value, remove)
		}
		return nil
	})
}

func (p *scimPerson) setPath(path filter.Path, value any, remove bool) {
	sub := path.SubAttributeName()
	if sub == "" {
		sub = path.AttributePath.SubAttributeName()
	}
	if uri := path.AttributePath.URI(); strings.EqualFold(uri, enterpriseUser) {
		p.set(path.AttributePath.AttributeName, sub, value, remove)
		return
	}
	if list, ok := value.([]any); ok && sub == "" && len(list) > 0 {
		// A value expression's list wraps the one element it targets.
		if path.ValueExpression != nil {
			value = list[0]
		}
	}
	if m, ok := value.(map[string]any); ok && sub == "" && path.ValueExpression != nil {
		for k, v := range m {
			p.set(path.AttributePath.AttributeName, k, v, remove)
		}
		return
	}
	p.set(path.AttributePath.AttributeName, sub, value, remove)
}

// update edits a person through store.UpdateUser, so a deactivation by
// SCIM ends credentials and leaves briefings as every other door does.
func (h scimUsers) update(id string, fn func(p *scimPerson) error) (scim.Resource, error) {
	var fnErr error
	u, err := h.s.st.UpdateUser(id, "scim", func(u *briefing.User) error {
		p := personOf(u)
		if fnErr = fn(&p); fnErr != nil {
			return fnErr
		}
		p.applyTo(u)
		return nil
	})
	if fnErr != nil {
		return scim.Resource{}, fnErr
	}
	if err != nil {
		return scim.Resource{}, scimError(err)
	}
	return resourceOf(u), nil
}
