package briefing

import (
	"slices"
	"strings"
	"time"
)

// MessageType is the channel policy for one kind of news: which channels
// it may go out on, and to whom and under which release rule it goes by
// default ("which messages over which channels to which audiences").
type MessageType struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Channels  []string  `json:"channels"` // channel ids
	Audience  *Audience `json:"audience"`
	Policy    *Policy   `json:"policy"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxTypeName is the longest name of a message type.
const MaxTypeName = 100

// Normalize trims the name and drops repeated channels.
func (t *MessageType) Normalize() {
	t.Name = strings.TrimSpace(t.Name)
	t.Channels = compactStrings(t.Channels, strings.TrimSpace)
	if t.Policy != nil && t.Policy.Threshold == 0 {
		t.Policy.Threshold = DefaultThreshold
	}
	if t.Audience != nil {
		t.Audience.Users = compactStrings(t.Audience.Users, NormalizeEmail)
		t.Audience.Departments = compactStrings(t.Audience.Departments, strings.TrimSpace)
		t.Audience.Locations = compactStrings(t.Audience.Locations, strings.TrimSpace)
		t.Audience.Roles = canonicalRoles(t.Audience.Roles)
	}
}

// Validate checks a type; channelExists tells whether a channel id is known.
func (t *MessageType) Validate(channelExists func(id string) bool) error {
	if t.Name == "" {
		return Invalid("name", "a name is required")
	}
	if len(t.Name) > MaxTypeName {
		return Invalid("name", "the name must be at most %d characters", MaxTypeName)
	}
	for i, id := range t.Channels {
		if !channelExists(id) {
			return Invalid("channels", "channel %d (%q) does not exist", i, id)
		}
	}
	if t.Policy != nil {
		probe := Announcement{Title: "probe", Policy: *t.Policy}
		if probe.Policy.OnDeadline == "" {
			probe.Policy.OnDeadline = DeadlineHold
		}
		if err := probe.Validate(func(string) bool { return true }); err != nil {
			return err
		}
	}
	if t.Audience != nil {
		for i, r := range t.Audience.Roles {
			if _, ok := ParseRole(string(r)); !ok {
				return Invalid("audience.roles", "role %d (%q) is not one of %s", i, r, RoleNames)
			}
		}
	}
	return nil
}

// CheckType applies the channel policy to an announcement: once any type
// exists (typesExist) a new one must name its type, and an announcement of
// a type goes out only on the type's channels. t is a's type, nil when it
// names none or one that does not exist.
func CheckType(a *Announcement, t *MessageType, typesExist, isNew bool) error {
	switch {
	case a.TypeID == "" && typesExist && isNew:
		return Invalid("type_id", "choose the message type: it decides the channels this news may go out on")
	case a.TypeID == "":
		return nil
	case t == nil:
		return Invalid("type_id", "message type %q does not exist", a.TypeID)
	}
	for i, c := range a.Channels {
		if !slices.Contains(t.Channels, c.ChannelID) {
			return Invalid("channels", "channel %d (%q) is not one of the channels of the type %q", i, c.ChannelID, t.Name)
		}
	}
	return nil
}
