package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/store"
)

// pageSizeAudit is how many events the audit log shows at a time.
const pageSizeAudit = 50

type auditRow struct {
	store.AuditEvent
	Who, Link string
}

func (s *Server) auditAdminPage(c *gin.Context) {
	action, target := strings.TrimSpace(c.Query("action")), strings.TrimSpace(c.Query("target"))
	events, next, err := s.st.AuditEvents(store.AuditFilter{Action: action, Target: target, After: c.Query("after"), Limit: pageSizeAudit})
	if err != nil {
		s.fail(c, err)
		return
	}
	names := map[string]string{}
	rows := make([]auditRow, len(events))
	for i, e := range events {
		rows[i] = auditRow{AuditEvent: e, Who: e.Actor}
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
	s.render(c, http.StatusOK, "admin_audit", "Audit log", "admin", gin.H{
		"Rows": rows, "Action": action, "Target": target, "Next": nextURL, "Paged": c.Query("after") != "",
		"Actions": []string{"announcement.", "announcement.publish", "announcement.release", "announcement.withdraw",
			"announcement.remind", "question.answer", "delivery.", "channel.", "user.", "token.create", "session.fail", "backup"},
	})
}
