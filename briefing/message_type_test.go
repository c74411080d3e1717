package briefing

import "testing"

func TestCheckType(t *testing.T) {
	typ := &MessageType{ID: "1", Name: "Price change", Channels: []string{"10", "11"}}
	for _, tt := range []struct {
		name         string
		a            *Announcement
		t            *MessageType
		exist, isNew bool
		wantField    string
	}{
		{"no types, no type", &Announcement{}, nil, false, true, ""},
		{"types exist, a new one without", &Announcement{}, nil, true, true, "type_id"},
		{"types exist, an old draft without", &Announcement{}, nil, true, false, ""},
		{"an unknown type", &Announcement{TypeID: "9"}, nil, true, true, "type_id"},
		{"channels of the type", &Announcement{TypeID: "1", Channels: []ChannelText{{ChannelID: "11"}}}, typ, true, true, ""},
		{"a channel outside", &Announcement{TypeID: "1", Channels: []ChannelText{{ChannelID: "12"}}}, typ, true, false, "channels"},
	} {
		err := CheckType(tt.a, tt.t, tt.exist, tt.isNew)
		if got := ErrorField(err); got != tt.wantField || (tt.wantField == "" && err != nil) {
			t.Errorf("%s: got %v (field %q), want field %q", tt.name, err, got, tt.wantField)
		}
	}
}

func TestMessageTypeValidate(t *testing.T) {
	exists := func(id string) bool { return id == "10" }
	bad := 1.5
	for _, tt := range []struct {
		t     MessageType
		field string
	}{
		{MessageType{Name: "ok", Channels: []string{"10"}}, ""},
		{MessageType{Name: " "}, "name"},
		{MessageType{Name: "x", Channels: []string{"99"}}, "channels"},
		{MessageType{Name: "x", Policy: &Policy{Threshold: bad}}, "policy.threshold"},
		{MessageType{Name: "x", Audience: &Audience{Roles: []Role{"boss"}}}, "audience.roles"},
	} {
		tt.t.Normalize()
		if got := ErrorField(tt.t.Validate(exists)); got != tt.field {
			t.Errorf("Validate(%+v): field %q, want %q", tt.t, got, tt.field)
		}
	}
}
