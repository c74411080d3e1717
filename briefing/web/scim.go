package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// SCIM 2.0 provisioning (RFC 7643/7644) at /scim/v2, on
// github.com/elimity-com/scim: it parses and validates requests against the
// User and enterprise-extension schemas (filters, PATCH paths, the
// operations Entra ID and Okta send), serves ServiceProviderConfig, Schemas
// and ResourceTypes, and writes the SCIM error schema. This file connects
// it to the directory; scim_users.go maps a SCIM User onto a person.

func init() {
	// Entra ID sends booleans as strings ("active": "False") in some
	// tenants; the library refuses them unless told otherwise. Global to
	// the library, and this is its only user in the process.
	schema.SetAllowStringValues(true)
}

const enterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// newSCIM builds the SCIM server for the directory.
func (s *Server) newSCIM() (http.Handler, error) {
	srv, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{
			DocumentationURI: optional.NewString(s.baseURL + "/scim/v2"),
			AuthenticationSchemes: []scim.AuthenticationScheme{{
				Type: scim.AuthenticationTypeOauthBearerToken, Name: "API token",
				Description: "An API token of a Firsthand admin, as Authorization: Bearer <token>", Primary: true,
			}},
			MaxResults: 1000, SupportFiltering: true, SupportPatch: true,
		},
		ResourceTypes: []scim.ResourceType{{
			ID: optional.NewString("User"), Name: "User", Endpoint: "/Users",
			Description:      optional.NewString("People in Firsthand's directory"),
			Schema:           schema.CoreUserSchema(),
			SchemaExtensions: []scim.SchemaExtension{{Schema: schema.ExtensionEnterpriseUser()}},
			Handler:          scimUsers{s},
		}},
	}, scim.WithBaseURL(s.baseURL+"/scim/v2"))
	if err != nil {
		return nil, err
	}
	// The library serves paths from /v2 on.
	return http.StripPrefix("/scim", srv), nil
}

// scimAuth admits an admin's API token and answers anyone else in the SCIM
// error schema. Browser sessions do not count: provisioning is a machine's
// job, and a cookie would make it reachable cross-site.
func (s *Server) scimAuth(c *gin.Context) {
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok {
		scimFail(c, http.StatusUnauthorized, "send an admin's API token as Authorization: Bearer <token>")
		return
	}
	u, err := s.st.UserByToken(strings.TrimSpace(token))
	if err != nil {
		scimFail(c, http.StatusUnauthorized, "the API token is not valid")
		return
	}
	if !u.Has(briefing.RoleAdmin) {
		scimFail(c, http.StatusForbidden, "SCIM provisioning needs an admin's API token")
		return
	}
	c.Set(userKey, u)
	c.Next()
}

func scimFail(c *gin.Context, status int, detail string) {
	c.Header("Content-Type", "application/scim+json")
	body, _ := scimerrors.ScimError{Status: status, Detail: detail}.MarshalJSON()
	c.Data(status, "application/scim+json", body)
	c.Abort()
}

// scimError turns a store error into the SCIM error the library writes:
// the status of API.md's mapping, and scimType uniqueness for a duplicate
// address.
func scimError(err error) error {
	switch {
	case errors.Is(err, briefing.ErrConflict):
		e := scimerrors.ScimErrorUniqueness
		e.Detail = upperFirst(briefing.ErrorMessage(err))
		return e
	case errors.Is(err, briefing.ErrNotFound):
		return scimerrors.ScimError{Status: http.StatusNotFound, Detail: "no such user"}
	case errors.Is(err, briefing.ErrInvalid):
		e := scimerrors.ScimErrorInvalidValue
		e.Detail = upperFirst(briefing.ErrorMessage(err))
		return e
	}
	return err
}
