package web

import (
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/i18n"
)

// editorForm is the editor exactly as the person typed it: a validation
// error re-renders these values, never the stored ones.
type editorForm struct {
	Title, Summary, Body          string
	TalkingPoints                 string
	All                           bool
	Departments, Locations, Roles []string
	People                        string
	Threshold, DeptThreshold      string // percentages as typed
	NotBefore, Deadline           string // datetime-local values in the author's zone
	// NotBeforeChoice and DeadlineChoice are the instants (RFC 3339) the
	// author picked when the clocks show the typed time twice.
	NotBeforeChoice, DeadlineChoice string
	OnDeadline                      string
	RemindEvery                     string                   // hours, as typed
	Channels                        map[string]channelChoice // by channel id
	TypeID                          string
}

type channelChoice struct {
	On   bool
	Text string
}

// fromAnnouncement fills the form from a stored draft.
func (f *editorForm) fromAnnouncement(a *briefing.Announcement, loc *time.Location) {
	*f = editorForm{
		Title: a.Title, Summary: a.Summary, Body: a.Body, TalkingPoints: a.TalkingPoints, All: a.Audience.All,
		Departments: a.Audience.Departments, Locations: a.Audience.Locations,
		People:    strings.Join(a.Audience.Users, "\n"),
		Threshold: formatPercent(a.Policy.Threshold), NotBefore: localInput(a.Policy.NotBefore, loc),
		Deadline: localInput(a.Policy.Deadline, loc), OnDeadline: string(a.Policy.OnDeadline),
		RemindEvery: formatHours(a.Policy.RemindEveryHours),
		Channels:    map[string]channelChoice{}, TypeID: a.TypeID,
	}
	// A stored time the clocks show twice keeps the author's choice, so
	// that saving again does not ask again.
	f.NotBeforeChoice, f.DeadlineChoice = choiceOf(a.Policy.NotBefore, loc), choiceOf(a.Policy.Deadline, loc)
	for _, r := range a.Audience.Roles {
		f.Roles = append(f.Roles, string(r))
	}
	if t := a.Policy.DepartmentThreshold; t != nil {
		f.DeptThreshold = formatPercent(*t)
	}
	for _, ct := range a.Channels {
		f.Channels[ct.ChannelID] = channelChoice{On: true, Text: ct.Text}
	}
}

// fromRequest reads the posted form.
func (f *editorForm) fromRequest(c *gin.Context) {
	*f = editorForm{
		Title: c.PostForm("title"), Summary: c.PostForm("summary"), Body: c.PostForm("body"),
		TalkingPoints: c.PostForm("talking_points"),
		All:           c.PostForm("all") != "", Departments: c.PostFormArray("department"),
		Locations: c.PostFormArray("location"), Roles: c.PostFormArray("role"), People: c.PostForm("people"),
		Threshold: c.PostForm("threshold"), DeptThreshold: c.PostForm("dept_threshold"),
		NotBefore: c.PostForm("not_before"), Deadline: c.PostForm("deadline"), OnDeadline: c.PostForm("on_deadline"),
		NotBeforeChoice: c.PostForm("not_before_choice"), DeadlineChoice: c.PostForm("deadline_choice"),
		RemindEvery: c.PostForm("remind_every"),
		Channels:    map[string]channelChoice{}, TypeID: c.PostForm("type_id"),
	}
	on := c.PostFormArray("channel") // parses the body: PostForm is filled from here on
	for key, vals := range c.Request.PostForm {
		if id, ok := strings.CutPrefix(key, "text_"); ok && len(vals) > 0 {
			f.Channels[id] = channelChoice{Text: vals[0]}
		}
	}
	for _, id := range on {
		ch := f.Channels[id]
		ch.On = true
		f.Channels[id] = ch
	}
}

// formatPercent writes a share of 1 as the percentage an author typed:
// the float noise of the division (66.50000000000001) is rounded away.
func formatHours(h *int) string {
	if h == nil {
		return ""
	}
	return strconv.Itoa(*h)
}

func formatPercent(f float64) string {
	return strconv.FormatFloat(math.Round(f*100*1e9)/1e9, 'f', -1, 64)
}

// parsePercent reads "80", "66.5" or "0.5" as a share of 1, exactly as
// typed: a share is never rounded, since a small one rounded to 0 would
// mean "the default" to the domain.
func parsePercent(s string) (float64, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(strings.ReplaceAll(s, ",", ".")), "%")
	p, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(p > 0 && p <= 100) {
		return 0, false
	}
	return p / 100, true
}

// splitPeople reads e-mail addresses separated by commas, semicolons,
// spaces or lines.
func splitPeople(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
}

// audience is what the form's audience picker says.
func (f *editorForm) audience() briefing.Audience {
	aud := briefing.Audience{All: f.All, Departments: f.Departments, Locations: f.Locations, Users: splitPeople(f.People)}
	for _, r := range f.Roles {
		aud.Roles = append(aud.Roles, briefing.Role(r))
	}
	a := briefing.Announcement{Audience: aud}
	a.Normalize()
	return a.Audience
}

// apply writes the form onto a draft, collecting what cannot be read, in
// the author's language; times are read in the author's zone. The
// domain's own validation runs in the store afterwards.
func (f *editorForm) apply(a *briefing.Announcement, l *i18n.Locale, channels map[string]*briefing.Channel, errs *formErrors) {
	a.Title, a.Summary, a.Body, a.TalkingPoints, a.TypeID = f.Title, f.Summary, f.Body, f.TalkingPoints, f.TypeID
	a.Audience = f.audience()
	if t, ok := parsePercent(f.Threshold); ok {
		a.Policy.Threshold = t
	} else {
		errs.Add("threshold", "%s", l.T("editor.err_threshold"))
	}
	a.Policy.DepartmentThreshold = nil
	if strings.TrimSpace(f.DeptThreshold) != "" {
		if t, ok := parsePercent(f.DeptThreshold); ok {
			a.Policy.DepartmentThreshold = &t
		} else {
			errs.Add("dept_threshold", "%s", l.T("editor.err_dept_threshold"))
		}
	}
	a.Policy.NotBefore = readTime("policy.not_before", f.NotBefore, f.NotBeforeChoice, l.Zone).check(l, "not_before", errs)
	a.Policy.Deadline = readTime("policy.deadline", f.Deadline, f.DeadlineChoice, l.Zone).check(l, "deadline", errs)
	a.Policy.OnDeadline = briefing.DeadlineHold
	if f.OnDeadline == string(briefing.DeadlineRelease) {
		a.Policy.OnDeadline = briefing.DeadlineRelease
	}
	a.Policy.RemindEveryHours = nil
	if v := strings.TrimSpace(f.RemindEvery); v != "" {
		// The range is the domain's (Validate); here only that it is a number.
		if h, err := strconv.Atoi(v); err == nil {
			a.Policy.RemindEveryHours = &h
		} else {
			errs.Add("remind_every", "%s", l.T("editor.err_remind_every"))
		}
	}
	a.Channels = []briefing.ChannelText{}
	ids := make([]string, 0, len(f.Channels))
	for id, ch := range f.Channels {
		if ch.On {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		text := strings.TrimSpace(f.Channels[id].Text)
		if ch, ok := channels[id]; ok {
			// The rule the store applies at save and publish, so the page
			// and the API count alike.
			if err := briefing.CheckChannelText(ch, text, a.Summary, "text_"+id); err != nil {
				errs.Add("text_"+id, "%s", refusal(l, err))
			}
		}
		a.Channels = append(a.Channels, briefing.ChannelText{ChannelID: id, Text: text})
	}
}

// draftFields maps the domain's field paths to the editor's controls.
var draftFields = map[string]string{
	"title": "title", "summary": "summary", "body": "body", "talking_points": "talking_points",
	"policy.threshold": "threshold", "policy.department_threshold": "dept_threshold",
	"policy.not_before": "not_before", "policy.deadline": "deadline", "policy.on_deadline": "on_deadline_hold",
	"policy.remind_every_hours": "remind_every",
	"audience":                  "audience", "audience.roles": "audience", "channels": "channels", "type_id": "type_id",
}

// channelOption is one channel in the editor's picker.
type channelOption struct {
	*briefing.Channel
	Limit  int
	Choice channelChoice
	Length int    // counted as the platform counts, link included
	Label  string // the kind as people call it ("Newsroom and feed")
	Local  bool   // the newsroom: no text of its own
	Extra  int    // what the platform counts beyond the text's characters (the link)
	Post   postPreview
}

// kindOrder is where a channel's kind comes in the catalogue.
func kindOrder(ch *briefing.Channel) int {
	if k, ok := briefing.LookupKind(ch.Kind); ok {
		return k.Order
	}
	return 1 << 20
}

// channelLabel is a channel's kind as people call it, in the reader's
// language where the editor's catalogue has it ("editor.kind_newsroom"),
// else as the kind's catalogue names it.
func (s *Server) channelLabel(l *i18n.Locale, ch *briefing.Channel) string {
	if id := "editor.kind_" + string(ch.Kind); s.pages.cat.Has(l.Lang, id) {
		return l.T(id)
	}
	if k, ok := briefing.LookupKind(ch.Kind); ok {
		return k.Label
	}
	return string(ch.Kind)
}

// editorView is everything the editor page shows.
type editorView struct {
	ID, Action string
	Form       editorForm
	Errors     formErrors
	Preview    template.HTML
	Previewed  bool
	Dir        directory
	Count      audienceCount
	Channels   []channelOption
	Zone       string // the author's zone, an IANA name
	// NotBefore and Deadline label the times with the zone, show their
	// instant in UTC and, for a time the clocks show twice, the choice.
	NotBefore, Deadline timeView
	AllRoles            []string
	Saved               *time.Time
	// A is the stored announcement being edited (nil for a new one): its
	// state and the last review say whether saving voids an approval.
	A         *briefing.Announcement
	CanSubmit bool
	// Type is the announcement's message type, if it has one.
	Type *briefing.MessageType
}

// editorNew asks for the message type first, once any exists; the
// editor then starts from the type's audience and policy.
func (s *Server) editorNew(c *gin.Context) {
	start := &briefing.Announcement{Policy: briefing.Policy{Threshold: briefing.DefaultThreshold,
		OnDeadline: briefing.DeadlineHold}}
	types, err := s.st.MessageTypes()
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(types) > 0 {
		t, err := s.st.MessageType(c.Query("type"))
		if err != nil {
			s.render(c, http.StatusOK, "choose_type", s.locale(c).T("editor.title_new"), "announcements", gin.H{"Types": types})
			return
		}
		start.TypeID = t.ID
		if t.Audience != nil {
			start.Audience = *t.Audience
		}
		if t.Policy != nil {
			start.Policy = *t.Policy
		}
	}
	var f editorForm
	f.fromAnnouncement(start, s.locale(c).Zone)
	s.renderEditor(c, http.StatusOK, "", f, formErrors{}, nil, false)
}

func (s *Server) editorEdit(c *gin.Context) {
	a, err := s.st.Announcement(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := briefing.CanEdit(a); err != nil {
		redirectFlash(c, "/announcements/"+a.ID, refusal(s.locale(c), err))
		return
	}
	var f editorForm
	f.fromAnnouncement(a, s.locale(c).Zone)
	s.renderEditor(c, http.StatusOK, a.ID, f, formErrors{}, &a.UpdatedAt, false)
}

// editorSubmit handles every button of the editor: preview and count
// re-render what was typed; save and publish store it first.
func (s *Server) editorSubmit(c *gin.Context) {
	id := c.Param("id")
	var f editorForm
	f.fromRequest(c)
	action := c.PostForm("action")
	if action == "preview" || action == "count" {
		s.renderEditor(c, http.StatusOK, id, f, formErrors{}, nil, action == "preview")
		return
	}
	channels, err := s.channelMap()
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.locale(c)
	var errs formErrors
	a := &briefing.Announcement{AuthorID: currentUser(c).ID}
	f.apply(a, l, channels, &errs)
	if errs.Any() {
		s.renderEditor(c, http.StatusUnprocessableEntity, id, f, errs, nil, false)
		return
	}
	if id == "" {
		err = s.st.CreateAnnouncement(a, actor(c))
	} else {
		a, err = s.st.UpdateDraft(id, actor(c), func(d *briefing.Announcement) error {
			d.Title, d.Summary, d.Body, d.Audience, d.Policy, d.Channels = a.Title, a.Summary, a.Body, a.Audience, a.Policy, a.Channels
			d.TalkingPoints = a.TalkingPoints
			d.TypeID = a.TypeID
			return nil
		})
	}
	if err != nil {
		if errs.addDomain(l, err, draftFields, "title") {
			s.renderEditor(c, http.StatusUnprocessableEntity, id, f, errs, nil, false)
			return
		}
		s.fail(c, err)
		return
	}
	if action == "publish" {
		c.Redirect(http.StatusSeeOther, "/announcements/"+a.ID+"/publish")
		return
	}
	if action == "submit" {
		if _, err := s.st.Submit(a.ID, currentUser(c)); err != nil {
			redirectFlash(c, "/announcements/"+a.ID, l.T("editor.flash_not_submitted", "Reason", reason(l, err)))
			return
		}
		redirectFlash(c, "/announcements/"+a.ID, l.T("editor.flash_submitted"))
		return
	}
	redirectFlash(c, "/announcements/"+a.ID+"/edit", l.T("editor.flash_saved"))
}

func (s *Server) channelMap() (map[string]*briefing.Channel, error) {
	list, err := s.st.Channels()
	m := make(map[string]*briefing.Channel, len(list))
	for _, ch := range list {
		m[ch.ID] = ch
	}
	return m, err
}

// channelsOf returns the channels an announcement goes out on, in its order.
func (s *Server) channelsOf(a *briefing.Announcement) ([]*briefing.Channel, error) {
	channels, err := s.channelMap()
	var out []*briefing.Channel
	for _, ct := range a.Channels {
		if ch, ok := channels[ct.ChannelID]; ok {
			out = append(out, ch)
		}
	}
	return out, err
}

func (s *Server) renderEditor(c *gin.Context, status int, id string, f editorForm, errs formErrors, saved *time.Time, preview bool) {
	l := s.locale(c)
	now := time.Now()
	v := editorView{ID: id, Action: "/announcements/new", Form: f, Errors: errs, Saved: saved,
		Zone:      l.Zone.String(),
		NotBefore: s.timeView(l, now, "not_before", f.NotBefore, f.NotBeforeChoice),
		Deadline:  s.timeView(l, now, "deadline", f.Deadline, f.DeadlineChoice),
		AllRoles:  []string{"employee", "author", "manager", "reviewer", "admin"}}
	if id != "" {
		v.Action = "/announcements/" + id + "/edit"
		a, err := s.st.Announcement(id)
		if err != nil {
			s.fail(c, err)
			return
		}
		v.A = a
	}
	// Saving first makes any announcement a draft, which an author submits.
	v.CanSubmit = briefing.CanSubmit(currentUser(c), &briefing.Announcement{State: briefing.StateDraft}) == nil
	if preview {
		html, err := briefing.RenderMarkdown(f.Body)
		if err != nil {
			v.Errors.Add("body", "%s", l.T("editor.err_body", "Error", err.Error()))
		}
		v.Preview, v.Previewed = trusted(html), true
	}
	var err error
	if v.Dir, v.Count, err = s.scanDirectory(f.audience()); err != nil {
		s.fail(c, err)
		return
	}
	// Keep departments and locations the draft names even when nobody in
	// the directory has them any more, so that saving never drops them.
	for _, d := range f.Departments {
		v.Dir.Departments = v.Dir.Departments.with(d)
	}
	for _, l := range f.Locations {
		v.Dir.Locations = v.Dir.Locations.with(l)
	}
	list, err := s.st.Channels()
	if err != nil {
		s.fail(c, err)
		return
	}
	// The catalogue's order: the newsroom first, whatever its id (a
	// database that had channels before it got the newsroom later).
	slices.SortStableFunc(list, func(x, y *briefing.Channel) int { return kindOrder(x) - kindOrder(y) })
	if f.TypeID != "" {
		if v.Type, err = s.st.MessageType(f.TypeID); err != nil {
			s.fail(c, err)
			return
		}
	}
	slug := ""
	if id != "" {
		if a, err := s.st.Announcement(id); err == nil {
			slug = a.Slug
		}
	}
	link := s.newsLink(slug, f.Title)
	for _, ch := range list {
		choice := f.Channels[ch.ID]
		if ch.Disabled && !choice.On {
			continue
		}
		if v.Type != nil && !slices.Contains(v.Type.Channels, ch.ID) && !choice.On {
			continue // the type's channel policy: only its channels are offered
		}
		if !choice.On && !s.channelOffered(ch) {
			continue // an e-mail channel without SMTP cannot send: not offered
		}
		v.Channels = append(v.Channels, channelOption{Channel: ch, Limit: ch.TextLimit(), Choice: choice,
			Length: ch.CountText(choice.Text), Label: s.channelLabel(l, ch), Local: ch.Kind == briefing.KindNewsroom,
			Extra: max(ch.CountText("a")-1, 0), Post: previewPost(ch, choice.Text, f.Summary, link)})
	}
	title := l.T("editor.title_new")
	if id != "" {
		title = l.T("editor.title_edit", "Title", f.Title)
	}
	s.render(c, status, "editor", title, "announcements", v)
}

// reason is an error's message to go inside a sentence of ours: without
// the full stop a German message ends with.
func reason(l *i18n.Locale, err error) string {
	return strings.TrimRight(strings.TrimSpace(l.Error(err)), ".")
}
