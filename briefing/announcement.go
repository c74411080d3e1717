package briefing

import (
	"slices"
	"strings"
	"time"
	"unicode"
)

// State is where an announcement is in its life.
type State string

// The states: draft → review (a reviewer looks at it) → approved →
// briefing (staff can read it, nothing external) → released (gone out to
// its channels); any of them → withdrawn. A rejection or an edit takes
// review and approved back to draft; without approval_required a draft is
// published straight away.
const (
	StateDraft     State = "draft"
	StateReview    State = "review"
	StateApproved  State = "approved"
	StateBriefing  State = "briefing"
	StateReleased  State = "released"
	StateWithdrawn State = "withdrawn"
)

// Audience names who an announcement concerns: the union of its parts.
type Audience struct {
	All         bool     `json:"all"`
	Departments []string `json:"departments"`
	Locations   []string `json:"locations"`
	Roles       []Role   `json:"roles"`
	Users       []string `json:"users"` // e-mail addresses
}

// Matches reports whether u is a recipient. Roles do not exclude: a manager
// in Sales is a recipient of a Sales briefing.
func (a *Audience) Matches(u *User) bool {
	if !u.Active {
		return false
	}
	if a.All {
		return true
	}
	eq := func(want string) func(string) bool {
		return func(s string) bool { return strings.EqualFold(s, want) }
	}
	if u.Department != "" && slices.ContainsFunc(a.Departments, eq(u.Department)) {
		return true
	}
	if u.Location != "" && slices.ContainsFunc(a.Locations, eq(u.Location)) {
		return true
	}
	// Roles add up here as they do for permissions: every user is an
	// employee, and an admin is among the authors and the managers.
	for _, r := range a.Roles {
		if role, ok := ParseRole(string(r)); ok && u.Has(role) {
			return true
		}
	}
	return slices.ContainsFunc(a.Users, eq(u.Email))
}

// Empty reports whether the audience names nobody at all.
func (a *Audience) Empty() bool {
	return !a.All && len(a.Departments) == 0 && len(a.Locations) == 0 && len(a.Roles) == 0 && len(a.Users) == 0
}

// OnDeadline says what happens when the deadline passes below the threshold.
type OnDeadline string

// The deadline actions.
const (
	DeadlineHold    OnDeadline = "hold"
	DeadlineRelease OnDeadline = "release"
)

// Policy is an announcement's release rule.
type Policy struct {
	Threshold           float64    `json:"threshold"`
	DepartmentThreshold *float64   `json:"department_threshold"`
	NotBefore           *time.Time `json:"not_before"`
	Deadline            *time.Time `json:"deadline"`
	OnDeadline          OnDeadline `json:"on_deadline"`
	// RemindEveryHours, if set, has the scheduler remind whoever has not
	// acknowledged at this pace while the announcement is in briefing, at
	// most MaxScheduledReminders times (and once a day before a deadline
	// in any case).
	RemindEveryHours *int `json:"remind_every_hours,omitempty"`
}

// DefaultThreshold is the share of recipients who must acknowledge when the
// author sets none.
const DefaultThreshold = 0.8

// ChannelText is the public text of an announcement on one channel.
type ChannelText struct {
	ChannelID string `json:"channel_id"`
	Text      string `json:"text"`
}

// Announcement is a piece of news: briefed to staff first, released to the
// outside world once the gate opens.
type Announcement struct {
	ID       string        `json:"id"`
	Slug     string        `json:"slug"`
	State    State         `json:"state"`
	Title    string        `json:"title"`
	Summary  string        `json:"summary"`
	Body     string        `json:"body"`
	Audience Audience      `json:"audience"`
	Policy   Policy        `json:"policy"`
	Channels []ChannelText `json:"channels"`
	// TalkingPoints (Markdown) is "What to tell customers": shown to staff
	// with the briefing and sent with the "now public" notice.
	TalkingPoints string `json:"talking_points"`

	AuthorID string `json:"author_id"`
	// CreatedBy and LastEditedBy are user ids: a reviewer who wrote or last
	// changed an item does not approve it.
	CreatedBy    string `json:"created_by"`
	LastEditedBy string `json:"last_edited_by"`
	// Review is the last reviewer's decision (an approval's note, a
	// rejection's reason), shown to the authors.
	Review *Review `json:"review,omitempty"`
	// Version counts from 1 at publish; every revision adds one.
	// MaterialVersion is the version of the last material revision (1 at
	// publish): only reads and acknowledgements of it or later count.
	Version         int      `json:"version"`
	MaterialVersion int      `json:"material_version,omitempty"`
	Changes         []Change `json:"changes,omitempty"`
	// TypeID is the message type; required once any type exists.
	TypeID string `json:"type_id,omitempty"`

	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PublishedAt *time.Time `json:"published_at"`
	ReleasedAt  *time.Time `json:"released_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
	// WithdrawReason is the reason given at the withdrawal, for the page
	// its recipients see.
	WithdrawReason string `json:"withdraw_reason,omitempty"`
	// LastRemindedAt is when the last reminder was queued, so reminders keep
	// a sensible pace without searching the audit log.
	LastRemindedAt *time.Time `json:"last_reminded_at,omitempty"`
	// Reminders holds when each scope was last reminded: a department, or
	// "" for every recipient.
	Reminders  map[string]time.Time `json:"reminders,omitempty"`
	Recipients int                  `json:"recipients"`
	// QuestionMailAt is when the last mail about new questions went to
	// the authors, or is due (a digest), and QuestionJob that mail's job.
	QuestionMailAt *time.Time `json:"question_mail_at,omitempty"`
	QuestionJob    string     `json:"question_job,omitempty"`
	// ScheduledReminders counts the scheduler's paced reminders;
	// DeadlineReminded says the one before the deadline went.
	ScheduledReminders int  `json:"scheduled_reminders,omitempty"`
	DeadlineReminded   bool `json:"deadline_reminded,omitempty"`
	// Privacy is the mode the announcement was published under, and
	// MinGroup the smallest group of aggregate mode then: they govern it
	// for good (privacy.go). Empty before publish.
	Privacy  Privacy `json:"privacy,omitempty"`
	MinGroup int     `json:"min_group,omitempty"`
	// ReceiptsErasedAt is when retention erased the per-person read and
	// acknowledgement times (retention.go); from then on none are kept.
	ReceiptsErasedAt *time.Time `json:"receipts_erased_at,omitempty"`

	// HTML is the body rendered and sanitised once, at publish, and
	// TalkingPointsHTML the talking points.
	HTML              string `json:"-"`
	TalkingPointsHTML string `json:"-"`
	// Departments is the frozen list of the recipients' departments; a
	// receipt refers to its department by index into it.
	Departments []string `json:"-"`
	// ReleaseReason says what opened the gate: threshold, manual, deadline.
	ReleaseReason string `json:"-"`
}

// Limits of an announcement's fields.
const (
	MaxTitle       = 200
	MaxSummary     = 500
	MaxBody        = 200_000
	MaxChannelText = 5000
)

// Normalize trims fields and fills in defaults. It is linear in the size
// of the audience, and callers run it before their write transaction.
func (a *Announcement) Normalize() {
	a.Title = strings.TrimSpace(a.Title)
	a.Summary = strings.TrimSpace(a.Summary)
	a.TalkingPoints = strings.TrimSpace(a.TalkingPoints)
	if a.Policy.Threshold == 0 {
		a.Policy.Threshold = DefaultThreshold
	}
	if a.Policy.OnDeadline == "" {
		a.Policy.OnDeadline = DeadlineHold
	}
	if a.Policy.NotBefore != nil {
		t := a.Policy.NotBefore.UTC()
		a.Policy.NotBefore = &t
	}
	if a.Policy.Deadline != nil {
		t := a.Policy.Deadline.UTC()
		a.Policy.Deadline = &t
	}
	a.Audience.Users = compactStrings(a.Audience.Users, NormalizeEmail)
	a.Audience.Departments = compactStrings(a.Audience.Departments, strings.TrimSpace)
	a.Audience.Locations = compactStrings(a.Audience.Locations, strings.TrimSpace)
	a.Audience.Roles = canonicalRoles(a.Audience.Roles)
	if a.Channels == nil {
		a.Channels = []ChannelText{}
	}
}

// compactStrings normalises every string and drops the empty ones and the
// repeats, keeping the first of each in order. It is linear: an audience
// may name tens of thousands of people.
func compactStrings(in []string, norm func(string) string) []string {
	out := make([]string, 0, len(in))
	seen := make(map[string]struct{}, len(in))
	for _, s := range in {
		if s = norm(s); s == "" {
			continue
		}
		if _, dup := seen[s]; !dup {
			seen[s] = struct{}{}
			out = append(out, s)
		}
	}
	return out
}

// Validate checks a draft. channelExists tells whether a channel id is known.
func (a *Announcement) Validate(channelExists func(id string) bool) error {
	if a.Title == "" {
		return Invalid("title", "a title is required")
	}
	if len(a.Title) > MaxTitle {
		return Invalid("title", "the title must be at most %d characters", MaxTitle)
	}
	if len(a.Summary) > MaxSummary {
		return Invalid("summary", "the summary must be at most %d characters", MaxSummary)
	}
	if len(a.Body) > MaxBody {
		return Invalid("body", "the body must be at most %d characters", MaxBody)
	}
	if len(a.TalkingPoints) > MaxTalkingPoints {
		return Invalid("talking_points", "the talking points must be at most %d characters", MaxTalkingPoints)
	}
	p := a.Policy
	if !(p.Threshold > 0 && p.Threshold <= 1) {
		return Invalid("policy.threshold", "the threshold must be more than 0 and at most 1")
	}
	if p.DepartmentThreshold != nil && !(*p.DepartmentThreshold > 0 && *p.DepartmentThreshold <= 1) {
		return Invalid("policy.department_threshold", "the department threshold must be more than 0 and at most 1")
	}
	if p.OnDeadline != DeadlineHold && p.OnDeadline != DeadlineRelease {
		return Invalid("policy.on_deadline", "on_deadline must be hold or release")
	}
	if h := p.RemindEveryHours; h != nil && (*h < MinRemindEveryHours || *h > MaxRemindEveryHours) {
		return Invalid("policy.remind_every_hours", "remind_every_hours must be from %d to %d (a week)", MinRemindEveryHours, MaxRemindEveryHours)
	}
	if p.Deadline != nil && p.NotBefore != nil && p.Deadline.Before(*p.NotBefore) {
		return Invalid("policy.deadline", "the deadline must not be before not_before")
	}
	for i, r := range a.Audience.Roles {
		if _, ok := ParseRole(string(r)); !ok {
			return Invalid("audience.roles", "role %d (%q) is not one of %s", i, r, RoleNames)
		}
	}
	seen := map[string]bool{}
	for i, c := range a.Channels {
		if !channelExists(c.ChannelID) {
			return Invalid("channels", "channel %d (%q) does not exist", i, c.ChannelID)
		}
		if seen[c.ChannelID] {
			return Invalid("channels", "channel %q is named twice", c.ChannelID)
		}
		seen[c.ChannelID] = true
		if len(c.Text) > MaxChannelText {
			return Invalid("channels", "the text for channel %q must be at most %d characters", c.ChannelID, MaxChannelText)
		}
	}
	return nil
}

// ReminderPace is the least time between two reminders to the same people:
// a reminder is a nudge, not a stream.
const ReminderPace = time.Hour

// NextReminder returns when a reminder to a department ("" = everyone) is
// allowed again; zero means now. A company-wide reminder counts for every
// department, and a department's for itself only.
func (a *Announcement) NextReminder(department string) time.Time {
	last := a.Reminders[""]
	if t := a.Reminders[department]; t.After(last) {
		last = t
	}
	if last.IsZero() {
		return time.Time{}
	}
	return last.Add(ReminderPace)
}

// Creator is the id of the person who created a: CreatedBy, or the author
// for an announcement stored before it was recorded.
func (a *Announcement) Creator() string {
	if a.CreatedBy != "" {
		return a.CreatedBy
	}
	return a.AuthorID
}

// Internal reports whether the announcement is briefed and never released.
func (a *Announcement) Internal() bool { return len(a.Channels) == 0 }

// ChannelTextFor returns the public text for a channel: its own variant, or
// the summary.
func (a *Announcement) ChannelTextFor(channelID string) string {
	for _, c := range a.Channels {
		if c.ChannelID == channelID && strings.TrimSpace(c.Text) != "" {
			return c.Text
		}
	}
	return a.Summary
}

// Slugify makes a URL path segment from a title: lower-case letters and
// digits joined by single hyphens.
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case r == 'ä':
			b.WriteString("ae")
			dash = false
		case r == 'ö':
			b.WriteString("oe")
			dash = false
		case r == 'ü':
			b.WriteString("ue")
			dash = false
		case r == 'ß':
			b.WriteString("ss")
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
		if b.Len() >= 80 {
			break
		}
	}
	s := b.String()
	if len(s) > 80 { // a transliteration may have written one byte past the limit
		s = s[:80]
	}
	s = strings.TrimRight(s, "-")
	if s == "" {
		s = "news"
	}
	return s
}
