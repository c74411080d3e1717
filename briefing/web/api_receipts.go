package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/store"
)

// receipts lists who has read and acknowledged, in the caller's
// briefing.ReceiptScope (which the store applies).
func (s *Server) receipts(c *gin.Context) {
	var err error
	f := store.ReceiptFilter{Department: c.Query("department"), Viewer: currentUser(c)}
	switch st := briefing.ReceiptStatus(c.Query("status")); st {
	case "", briefing.StatusPending, briefing.StatusRead, briefing.StatusAcknowledged:
		f.Status = st
	default:
		s.fail(c, briefing.Invalid("status", "status must be pending, read or acknowledged"))
		return
	}
	if wantsCSV(c) {
		s.receiptsCSV(c, f)
		return
	}
	if f.Limit, f.After, err = page(c); err != nil {
		s.fail(c, err)
		return
	}
	list := []briefing.Receipt{}
	next, err := s.st.Receipts(c.Param("id"), f, func(r briefing.Receipt) error {
		list = append(list, r)
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	body := gin.H{"receipts": list}
	if next != "" {
		body["next"] = next
	}
	c.JSON(http.StatusOK, body)
}

// receiptsCSV streams every matching receipt, unpaged: an export never
// silently drops people.
func (s *Server) receiptsCSV(c *gin.Context, f store.ReceiptFilter) {
	s.receiptsCSVWhere(c, f, nil)
}

// receiptsCSVWhere streams the receipts that keep accepts (nil: all of
// them): the dashboard's "not acknowledged" tab is two statuses.
func (s *Server) receiptsCSVWhere(c *gin.Context, f store.ReceiptFilter, keep func(briefing.Receipt) bool) {
	a, err := s.st.Announcement(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	// Refused before the header goes out; the store asks the same rule
	// again while it streams.
	if _, err := briefing.ReceiptScope(f.Viewer, a, f.Department); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="receipts-`+c.Param("id")+`.csv"`)
	c.Status(http.StatusOK)
	w := newCSVWriter(c.Writer)
	_ = w.Write([]string{"user_id", "email", "name", "department", "status", "read_at", "acknowledged_at", "acknowledged_version"})
	_, err = s.st.Receipts(c.Param("id"), f, func(r briefing.Receipt) error {
		if keep != nil && !keep(r) {
			return nil
		}
		return w.Write([]string{r.UserID, r.Email, r.Name, r.Department, string(r.Status()), csvTime(r.ReadAt), csvTime(r.AcknowledgedAt), strconv.Itoa(r.AcknowledgedVersion)})
	})
	w.Flush()
	logErr(s.log, "receipts csv", err)
}

func csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
