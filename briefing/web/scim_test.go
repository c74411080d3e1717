package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"firsthand/briefing"
)

// scim sends a SCIM request with a bearer token.
func (a *testApp) scim(method, path, token, body string) *response {
	a.t.Helper()
	r := req{method: method, path: "/scim/v2" + path, token: token, header: map[string]string{"Content-Type": "application/scim+json"}}
	if body != "" {
		r.body = body
	}
	return a.send(r)
}

func scimJSON(t *testing.T, what string, r *response, status int) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: got %s, want status %d", what, r, status)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/scim+json") {
		t.Errorf("%s: Content-Type %q, want application/scim+json", what, ct)
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("%s: %v in %s", what, err, r.Body)
	}
	return m
}

// wantSCIMError checks the SCIM error schema: status as a string, and the
// scimType when one is expected.
func wantSCIMError(t *testing.T, what string, r *response, status int, scimType string) {
	t.Helper()
	m := scimJSON(t, what, r, status)
	schemas, _ := m["schemas"].([]any)
	if len(schemas) != 1 || schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error" || m["status"] != itoa(status) {
		t.Errorf("%s: %s, want the SCIM error schema with status %q", what, r.Body, itoa(status))
	}
	if scimType != "" && m["scimType"] != scimType {
		t.Errorf("%s: scimType %v, want %s", what, m["scimType"], scimType)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

const scimNina = `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
  "userName": "Nina.Berg@example.com",
  "active": true,
  "displayName": "Nina Berg",
  "name": {"givenName": "Nina", "familyName": "Berg", "formatted": "Nina Berg"},
  "emails": [{"primary": true, "type": "work", "value": "Nina.Berg@example.com"}],
  "addresses": [{"type": "work", "locality": "Hamburg", "primary": true}],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Sales"}
}`

// TestSCIMProvisioning: create → filter → duplicate 409 uniqueness → PATCH
// deactivate (as Entra ID sends it) → the person's token refused → DELETE,
// with nothing deleted.
func TestSCIMProvisioning(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	created := scimJSON(t, "POST /Users", a.scim("POST", "/Users", s.admin.Token, scimNina), http.StatusCreated)
	id, _ := created["id"].(string)
	ent, _ := created["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
	if id == "" || created["userName"] != "nina.berg@example.com" || created["active"] != true || ent["department"] != "Sales" {
		t.Fatalf("POST /Users: %v", created)
	}
	u, err := a.st.User(id)
	if err != nil || u.Name != "Nina Berg" || u.Department != "Sales" || u.Location != "Hamburg" || !u.Has(briefing.RoleEmployee) {
		t.Fatalf("stored: %+v, %v; want Nina Berg in Sales, Hamburg", u, err)
	}

	list := scimJSON(t, "filter", a.scim("GET", "/Users?filter="+url.QueryEscape(`userName eq "nina.berg@example.com"`), s.admin.Token, ""), 200)
	res, _ := list["Resources"].([]any)
	if list["totalResults"] != float64(1) || len(res) != 1 || res[0].(map[string]any)["id"] != id {
		t.Errorf("filter by userName: %v, want just %s", list, id)
	}
	none := scimJSON(t, "filter nobody", a.scim("GET", "/Users?filter="+url.QueryEscape(`userName eq "nobody@example.com"`), s.admin.Token, ""), 200)
	if none["totalResults"] != float64(0) {
		t.Errorf("filter for nobody: %v", none)
	}

	wantSCIMError(t, "duplicate", a.scim("POST", "/Users", s.admin.Token, scimNina), http.StatusConflict, "uniqueness")

	token, err := a.st.CreateToken(id, "test")
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "the person's token before", a.get("/api/v1/me", token), 200)
	patched := scimJSON(t, "PATCH active false", a.scim("PATCH", "/Users/"+id, s.admin.Token,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","value":{"active":false}}]}`), 200)
	if patched["active"] != false {
		t.Errorf("PATCH active false: %v", patched)
	}
	wantError(t, "the person's token after deactivation", a.get("/api/v1/me", token), 401, "unauthenticated", "")

	wantStatus(t, "DELETE", a.scim("DELETE", "/Users/"+id, s.admin.Token, ""), http.StatusNoContent)
	if u, err := a.st.User(id); err != nil || u.Active {
		t.Errorf("after DELETE: %+v, %v; want the person kept, deactivated", u, err)
	}
	got := scimJSON(t, "GET after DELETE", a.scim("GET", "/Users/"+id, s.admin.Token, ""), 200)
	if got["active"] != false {
		t.Errorf("GET after DELETE: %v, want active false", got)
	}
	events := decode[struct {
		Events []struct{ Actor, Action string } `json:"events"`
	}](t, "audit", a.get("/api/v1/audit?target=user:"+id, s.admin.Token), 200)
	actions := map[string]bool{}
	for _, e := range events.Events {
		actions[e.Action] = true
	}
	if !actions["user.create"] || !actions["user.deactivate"] {
		t.Errorf("audit of the person: %+v, want user.create and user.deactivate", events.Events)
	}
}

// TestSCIMPatchPaths: the path forms identity providers send.
func TestSCIMPatchPaths(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	id := scimJSON(t, "POST", a.scim("POST", "/Users", s.admin.Token, scimNina), 201)["id"].(string)
	patch := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
	  {"op":"replace","path":"name.givenName","value":"Nadine"},
	  {"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Support"},
	  {"op":"replace","path":"addresses[type eq \"work\"].locality","value":"Leipzig"},
	  {"op":"replace","path":"emails[type eq \"work\"].value","value":"nadine.berg@example.com"}]}`
	scimJSON(t, "PATCH paths", a.scim("PATCH", "/Users/"+id, s.admin.Token, patch), 200)
	u, _ := a.st.User(id)
	if u.Name != "Nadine Berg" || u.Department != "Support" || u.Location != "Leipzig" || u.Email != "nadine.berg@example.com" || !u.Active {
		t.Errorf("after PATCH with paths: %+v", u)
	}
	// Entra's form without a path, keys as paths; Okta's active:false with a path.
	scimJSON(t, "PATCH value map", a.scim("PATCH", "/Users/"+id, s.admin.Token, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
	  "Operations":[{"op":"Replace","value":{"displayName":"N. Berg","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"Legal"}}]}`), 200)
	if u, _ := a.st.User(id); u.Name != "N. Berg" || u.Department != "Legal" {
		t.Errorf("after PATCH without a path: %+v", u)
	}
	scimJSON(t, "PATCH remove", a.scim("PATCH", "/Users/"+id, s.admin.Token, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
	  "Operations":[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"},{"op":"replace","path":"active","value":false}]}`), 200)
	if u, _ := a.st.User(id); u.Department != "" || u.Active {
		t.Errorf("after remove department and active false: %+v", u)
	}
	// PUT replaces: what it leaves out is cleared.
	put := scimJSON(t, "PUT", a.scim("PUT", "/Users/"+id, s.admin.Token,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"nadine.berg@example.com","name":{"givenName":"Nadine","familyName":"Berg"},"active":true}`), 200)
	if u, _ := a.st.User(id); u.Name != "Nadine Berg" || u.Location != "" || !u.Active || put["active"] != true {
		t.Errorf("after PUT: %+v (%v)", u, put)
	}
	wantSCIMError(t, "PATCH unknown", a.scim("PATCH", "/Users/424242", s.admin.Token,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}`), 404, "")
	wantSCIMError(t, "bad address", a.scim("POST", "/Users", s.admin.Token, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"not an address"}`), 400, "invalidValue")
}

// TestSCIMDiscoveryPagingAndAuth: discovery endpoints, startIndex and
// count, and that only an admin's token gets in.
func TestSCIMDiscoveryPagingAndAuth(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	for _, p := range []string{"/ServiceProviderConfig", "/Schemas", "/ResourceTypes", "/ResourceTypes/User",
		"/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"} {
		scimJSON(t, "GET "+p, a.scim("GET", p, s.admin.Token, ""), 200)
	}
	spc := scimJSON(t, "ServiceProviderConfig", a.scim("GET", "/ServiceProviderConfig", s.admin.Token, ""), 200)
	if patch, _ := spc["patch"].(map[string]any); patch["supported"] != true {
		t.Errorf("ServiceProviderConfig: patch %v, want supported", spc["patch"])
	}
	page := scimJSON(t, "page", a.scim("GET", "/Users?startIndex=3&count=2", s.admin.Token, ""), 200)
	res, _ := page["Resources"].([]any)
	if page["totalResults"] != float64(10) || len(res) != 2 || page["startIndex"] != float64(3) || res[0].(map[string]any)["id"] != s.salesMgr.ID {
		t.Errorf("startIndex=3&count=2 of 10: %v, want 2 resources from the third (%s)", page, s.salesMgr.ID)
	}
	wantSCIMError(t, "no token", a.scim("GET", "/Users", "", ""), 401, "")
	wantSCIMError(t, "bad token", a.scim("GET", "/Users", "fh_nonsense", ""), 401, "")
	wantSCIMError(t, "a manager's token", a.scim("GET", "/Users", s.salesMgr.Token, ""), 403, "")
	wantSCIMError(t, "a session cookie", a.send(req{method: "GET", path: "/scim/v2/Users", cookie: "whatever"}), 401, "")
}

// BenchmarkSCIMCreate: provisioning one person at a time, as an identity
// provider's cycle does, through the router over loopback into a real
// bbolt file (fsync on) that already holds 100,000 people. "create" is the
// POST alone; "filter+create" is what Entra ID and Okta send for a new
// person: the userName lookup first, then the POST.
//
//	go test -run '^$' -bench SCIMCreate -benchtime 2000x ./briefing/web/
func BenchmarkSCIMCreate(b *testing.B) {
	for _, withFilter := range []bool{false, true} {
		name := "create"
		if withFilter {
			name = "filter+create"
		}
		b.Run(name, func(b *testing.B) {
			st, ts, client := benchServer(b)
			if _, err := st.ImportUsers(benchPeople(100_000, 50), "bench"); err != nil {
				b.Fatal(err)
			}
			admin := &briefing.User{Email: "scim@bench.test", Name: "SCIM", Roles: []briefing.Role{briefing.RoleAdmin}}
			if err := st.CreateUser(admin, "bench"); err != nil {
				b.Fatal(err)
			}
			token, err := st.CreateToken(admin.ID, "bench")
			if err != nil {
				b.Fatal(err)
			}
			do := func(method, path, body string, want int) {
				r, _ := http.NewRequest(method, ts.URL+"/scim/v2"+path, strings.NewReader(body))
				r.Header.Set("Authorization", "Bearer "+token)
				r.Header.Set("Content-Type", "application/scim+json")
				res, err := client.Do(r)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != want {
					b.Fatalf("%s %s: %d, want %d", method, path, res.StatusCode, want)
				}
			}
			cpu0 := cpuTime()
			b.ResetTimer()
			for i := range b.N {
				email := fmt.Sprintf("new%d@bench.test", i)
				if withFilter {
					do("GET", "/Users?filter="+url.QueryEscape(`userName eq "`+email+`"`), "", 200)
				}
				do("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
				  "userName":"`+email+`","name":{"givenName":"New","familyName":"Person"},"active":true,
				  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D1"}}`, 201)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/create")
		})
	}
}
