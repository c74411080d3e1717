package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing/i18n"
	"firsthand/store"
)

// pageSizeAudit is how many events the audit log shows at a time.
const pageSizeAudit = 50

// auditRow is an event as the log shows it. The action stays its technical
// name (announcement.publish), which the filter takes; Description says it
// in the reader's words where the catalogue knows it.
type auditRow struct {
	store.AuditEvent
	Who, Link, Description string
}

// auditChoice is an action the filter suggests.
type auditChoice struct{ Action, Description string }

// auditSuggestions are the actions and prefixes the filter offers.
var auditSuggestions = []string{"announcement.", "announcement.publish", "announcement.release", "announcement.withdraw",
	"announcement.remind", "question.answer", "delivery.", "channel.", "user.", "token.create", "session.fail", "backup"}

// auditActionText is what an action means in the reader's language, or ""
// for an action the catalogue does not describe.
func (s *Server) auditActionText(l *i18n.Locale, action string) string {
	return s.knownText(l, "admin.action."+strings.ReplaceAll(action, ".", "_"))
}

// auditActorText names an actor that is not a person (scheduler, outbox …)
// in the reader's language; anything else stays as it is.
func (s *Server) auditActorText(l *i18n.Locale, actor string) string {
	if t := s.knownText(l, "admin.actor."+actor); t != "" {
		return t
	}
	return actor
}

// auditDetail writes a structured detail (a JSON object) for people: a
// setting's change as "language: en → de", any other value as
// "department: Sales". A detail that is not an object stays as it is.
func auditDetail(detail string) string {
	var m map[string]json.RawMessage
	if !strings.HasPrefix(detail, "{") || json.Unmarshal([]byte(detail), &m) != nil {
		return detail
	}
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+": "+auditValue(m[k]))
	}
	return strings.Join(parts, "; ")
}

// auditValue is one value of a detail: a change {from, to} as "from → to",
// a string as it is ("–" when empty), anything else as its JSON.
func auditValue(raw json.RawMessage) string {
	var change map[string]json.RawMessage
	if json.Unmarshal(raw, &change) == nil && len(change) == 2 && change["from"] != nil && change["to"] != nil {
		return auditValue(change["from"]) + " → " + auditValue(change["to"])
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return "–"
		}
		return s
	}
	return string(raw)
}

// knownText is the message id in the reader's language, or "" when the
// catalogue has no such message: for ids made from data.
func (s *Server) knownText(l *i18n.Locale, id string) string {
	if !s.pages.cat.Has(l.Lang, id) {
		return ""
	}
	return l.T(id)
}

func (s *Server) auditAdminPage(c *gin.Context) {
	l := s.locale(c)
	action, target := strings.TrimSpace(c.Query("action")), strings.TrimSpace(c.Query("target"))
	events, next, err := s.st.AuditEvents(store.AuditFilter{Action: action, Target: target, After: c.Query("after"), Limit: pageSizeAudit})
	if err != nil {
		s.fail(c, err)
		return
	}
	names := map[string]string{}
	rows := make([]auditRow, len(events))
	for i, e := range events {
		rows[i] = auditRow{AuditEvent: e, Who: s.auditActorText(l, e.Actor), Description: s.auditActionText(l, e.Action)}
		rows[i].Detail = auditDetail(e.Detail)
		if id, ok := strings.CutPrefix(e.Actor, "user:"); ok {
			if _, seen := names[id]; !seen {
				if u, err := s.st.User(id); err == nil {
					names[id] = u.Name
				} else {
					names[id] = e.Actor
				}
			}
			rows[i].Who = names[id]
		}
		if id, ok := strings.CutPrefix(e.Target, "announcement:"); ok {
			rows[i].Link = "/announcements/" + id
		} else if id, ok := strings.CutPrefix(e.Target, "user:"); ok {
			rows[i].Link = "/admin/users/" + id
		} else if id, ok := strings.CutPrefix(e.Target, "channel:"); ok {
			rows[i].Link = "/admin/channels#ch-" + id
		}
	}
	q := url.Values{}
	if action != "" {
		q.Set("action", action)
	}
	if target != "" {
		q.Set("target", target)
	}
	nextURL := ""
	if next != "" {
		q.Set("after", next)
		nextURL = "/admin/audit?" + q.Encode()
	}
	choices := make([]auditChoice, len(auditSuggestions))
	for i, a := range auditSuggestions {
		choices[i] = auditChoice{Action: a, Description: s.auditActionText(l, a)}
	}
	s.render(c, http.StatusOK, "admin_audit", l.T("admin.audit_title"), "admin", gin.H{
		"Rows": rows, "Action": action, "Target": target, "Next": nextURL, "Paged": c.Query("after") != "",
		"Actions": choices,
	})
}
