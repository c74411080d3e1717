package web

import (
	"net/http"
	"slices"
	"testing"
)

type messageType struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Channels []string `json:"channels"`
	Audience *struct {
		Departments []string `json:"departments"`
	} `json:"audience"`
	Policy *struct {
		Threshold float64 `json:"threshold"`
	} `json:"policy"`
}

func TestAPIMessageTypes(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	press := a.webhook(s.admin, "Press wire")
	partners := a.webhook(s.admin, "Partners")

	// Before any type exists, an announcement needs none.
	a.create(s.author, draftOf("Before types", "Sales"))

	wantError(t, "author creates a type", a.do(http.MethodPost, "/api/v1/message-types", s.author.Token, map[string]any{"name": "x"}), http.StatusForbidden, "forbidden", "")
	wantError(t, "no name", a.do(http.MethodPost, "/api/v1/message-types", s.admin.Token, map[string]any{"channels": []string{press}}), http.StatusUnprocessableEntity, "invalid", "name")
	wantError(t, "unknown channel", a.do(http.MethodPost, "/api/v1/message-types", s.admin.Token, map[string]any{"name": "x", "channels": []string{"999"}}), http.StatusUnprocessableEntity, "invalid", "channels")
	pricing := decode[messageType](t, "create type", a.do(http.MethodPost, "/api/v1/message-types", s.admin.Token, map[string]any{
		"name": "Price change", "channels": []string{press},
		"audience": map[string]any{"departments": []string{"Sales", "Support"}}, "policy": map[string]any{"threshold": 0.5},
	}), http.StatusCreated)
	if pricing.ID == "" || pricing.Name != "Price change" || !slices.Equal(pricing.Channels, []string{press}) ||
		pricing.Audience == nil || len(pricing.Audience.Departments) != 2 || pricing.Policy == nil || pricing.Policy.Threshold != 0.5 {
		t.Fatalf("created type: %+v", pricing)
	}
	for _, u := range []testUser{s.admin, s.author, s.salesMgr} {
		list := decode[struct {
			MessageTypes []messageType `json:"message_types"`
		}](t, "list types", a.get("/api/v1/message-types", u.Token), http.StatusOK)
		if len(list.MessageTypes) != 1 || list.MessageTypes[0].ID != pricing.ID {
			t.Errorf("list as %s: %+v", u.Email, list.MessageTypes)
		}
	}
	wantError(t, "employee lists types", a.get("/api/v1/message-types", s.sales1.Token), http.StatusForbidden, "forbidden", "")

	// Now every new announcement names its type; its channels are the type's.
	wantError(t, "no type_id", a.do(http.MethodPost, "/api/v1/announcements", s.author.Token, draftOf("No type", "Sales")), http.StatusUnprocessableEntity, "invalid", "type_id")
	bad := map[string]any{"title": "Unknown type", "type_id": "999"}
	wantError(t, "unknown type", a.do(http.MethodPost, "/api/v1/announcements", s.author.Token, bad), http.StatusUnprocessableEntity, "invalid", "type_id")
	outside := map[string]any{"title": "Outside", "type_id": pricing.ID, "channels": []map[string]string{{"channel_id": partners}}}
	wantError(t, "channel outside the type", a.do(http.MethodPost, "/api/v1/announcements", s.author.Token, outside), http.StatusUnprocessableEntity, "invalid", "channels")
	got := decode[struct {
		ID       string `json:"id"`
		TypeID   string `json:"type_id"`
		Audience struct {
			Departments []string `json:"departments"`
		} `json:"audience"`
		Policy struct {
			Threshold float64 `json:"threshold"`
		} `json:"policy"`
	}](t, "typed announcement", a.do(http.MethodPost, "/api/v1/announcements", s.author.Token, map[string]any{
		"title": "New prices", "type_id": pricing.ID, "channels": []map[string]string{{"channel_id": press}}}), http.StatusCreated)
	if got.TypeID != pricing.ID || len(got.Audience.Departments) != 2 || got.Policy.Threshold != 0.5 {
		t.Errorf("the type's audience and policy are not the defaults: %+v", got)
	}
	own := decode[struct {
		Policy struct {
			Threshold float64 `json:"threshold"`
		} `json:"policy"`
	}](t, "typed, own policy", a.do(http.MethodPost, "/api/v1/announcements", s.author.Token, map[string]any{
		"title": "Own", "type_id": pricing.ID, "policy": map[string]any{"threshold": 0.9}}), http.StatusCreated)
	if own.Policy.Threshold != 0.9 {
		t.Errorf("a policy in the request does not override the type's: %+v", own)
	}
	wantError(t, "patch a channel outside the type", a.do(http.MethodPatch, "/api/v1/announcements/"+got.ID, s.author.Token,
		map[string]any{"channels": []map[string]string{{"channel_id": partners}}}), http.StatusUnprocessableEntity, "invalid", "channels")

	// PATCH merges; the type then allows the other channel.
	wantError(t, "author patches a type", a.do(http.MethodPatch, "/api/v1/message-types/"+pricing.ID, s.author.Token, map[string]any{"name": "x"}), http.StatusForbidden, "forbidden", "")
	wantError(t, "patch an unknown type", a.do(http.MethodPatch, "/api/v1/message-types/999", s.admin.Token, map[string]any{"name": "x"}), http.StatusNotFound, "not_found", "")
	patched := decode[messageType](t, "patch type", a.do(http.MethodPatch, "/api/v1/message-types/"+pricing.ID, s.admin.Token,
		map[string]any{"channels": []string{press, partners}}), http.StatusOK)
	if patched.Name != "Price change" || len(patched.Channels) != 2 || patched.Policy == nil || patched.Policy.Threshold != 0.5 {
		t.Errorf("merge: got %+v", patched)
	}
	wantStatus(t, "patch a channel now in the type", a.do(http.MethodPatch, "/api/v1/announcements/"+got.ID, s.author.Token,
		map[string]any{"channels": []map[string]string{{"channel_id": partners}}}), http.StatusOK)

	events := decode[auditPage](t, "audit", a.get("/api/v1/audit?target=message_type:"+pricing.ID, s.admin.Token), http.StatusOK)
	var actions []string
	for _, e := range events.Events {
		actions = append(actions, e.Action)
	}
	if !slices.Contains(actions, "message_type.create") || !slices.Contains(actions, "message_type.update") {
		t.Errorf("audit of the type: %v", actions)
	}
}
