package web

import (
	"errors"
	"net/url"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/i18n"
	"firsthand/store"
)

// The dashboard's list of recipients: who has read and acknowledged, by
// status, with a CSV export behind a plain link.

// pageSizePeople is how many people the list shows at a time.
const pageSizePeople = 50

// peopleTab is one status filter of the people list.
type peopleTab struct {
	Status, Label, URL string
	Count              int
	Current            bool
}

// deptOption is a department to filter by: its name as stored (the
// value) and as the reader's language shows it.
type deptOption struct{ Value, Name string }

// peopleView is the list of recipients, by default those who have not
// acknowledged yet.
type peopleView struct {
	Status, Department string
	DepartmentName     string // Department as the reader's language names it
	Scoped             bool   // a manager: their own department only
	// Denied is why the person sees no list at all (a manager without a
	// department); the readiness above stays theirs to see.
	Denied      string
	Tabs        []peopleTab
	List        []briefing.Receipt
	Next        string
	Departments []deptOption
	Open        int // not acknowledged, in scope: who a reminder reaches
	CSV         string
	// Aggregate: published in works-council mode, the list shows nobody;
	// TooSmall: the department in scope is merged into the
	// briefing.OtherDepartments line.
	Aggregate, TooSmall bool
	MinGroup            int
}

var errPageFull = errors.New("page full")

// people lists recipients by status in the viewer's briefing.ReceiptScope,
// as the receipts API does. A scope that is refused as a whole (a manager
// without a department) is a note, not an error page: readiness is not a
// list of people.
func (s *Server) people(c *gin.Context, a *briefing.Announcement, r briefing.Readiness) (peopleView, error) {
	u, l := currentUser(c), s.locale(c)
	p := peopleView{Status: c.DefaultQuery("status", "open")}
	if !briefing.PersonLevelVisible(a) {
		return aggregatePeople(p, u, l, a, r, c.Query("department"))
	}
	scope, err := briefing.ReceiptScope(u, a, c.Query("department"))
	if err != nil {
		if c.Query("department") == "" && errors.Is(err, briefing.ErrForbidden) {
			p.Denied, p.Scoped = refusal(l, err), true
			return p, nil
		}
		return p, err
	}
	dept := scope.Department
	p.Department, p.DepartmentName, p.Scoped = dept, deptLabel(l, dept), scope.Fixed
	counts := briefing.Counts{Recipients: r.Recipients, Read: r.Read, Acknowledged: r.Acknowledged}
	if !scope.All() {
		counts = briefing.Counts{}
		for _, d := range r.Departments {
			if d.Department == dept {
				counts = briefing.Counts{Recipients: d.Recipients, Read: d.Read, Acknowledged: d.Acknowledged}
			}
		}
	}
	if !p.Scoped {
		for _, d := range r.Departments {
			p.Departments = append(p.Departments, deptOption{d.Department, deptLabel(l, d.Department)})
		}
	}
	p.Open = counts.Recipients - counts.Acknowledged
	base := "/announcements/" + a.ID + "?"
	if dept != "" && !p.Scoped {
		base += "department=" + url.QueryEscape(dept) + "&"
	}
	for _, t := range []peopleTab{
		{Status: "open", Label: l.T("dash.tab_open"), Count: p.Open},
		{Status: "pending", Label: l.T("dash.tab_pending"), Count: counts.Recipients - counts.Read},
		{Status: "read", Label: l.T("dash.tab_read"), Count: counts.Read - counts.Acknowledged},
		{Status: "acknowledged", Label: l.T("dash.tab_acknowledged"), Count: counts.Acknowledged},
	} {
		t.URL, t.Current = base+"status="+t.Status+"#people", t.Status == p.Status
		p.Tabs = append(p.Tabs, t)
	}
	f := store.ReceiptFilter{Department: dept, Viewer: u, After: c.Query("after")}
	switch p.Status {
	case "open":
		// Not acknowledged is two statuses: page through all and skip the rest.
		_, err = s.st.Receipts(a.ID, f, func(rc briefing.Receipt) error {
			if rc.Status() == briefing.StatusAcknowledged {
				return nil
			}
			if len(p.List) == pageSizePeople {
				p.Next = p.List[len(p.List)-1].UserID
				return errPageFull
			}
			p.List = append(p.List, rc)
			return nil
		})
		if errors.Is(err, errPageFull) {
			err = nil
		}
	case "pending", "read", "acknowledged":
		f.Status, f.Limit = briefing.ReceiptStatus(p.Status), pageSizePeople
		p.Next, err = s.st.Receipts(a.ID, f, func(rc briefing.Receipt) error {
			p.List = append(p.List, rc)
			return nil
		})
	default:
		return p, briefing.NotFound("there is no list of %q people", p.Status)
	}
	if p.Next != "" {
		p.Next = base + "status=" + p.Status + "&after=" + url.QueryEscape(p.Next) + "#people"
	}
	// The export is of the list on the screen: its tab and its department.
	p.CSV = "/announcements/" + a.ID + "/receipts.csv?status=" + url.QueryEscape(p.Status)
	if dept != "" && !p.Scoped {
		p.CSV += "&department=" + url.QueryEscape(dept)
	}
	return p, err
}

// aggregatePeople is the people section in works-council mode: no names,
// only the count a reminder reaches in the viewer's briefing.ReminderScope,
// and only departments shown on their own (r is the merged view) to
// choose from.
func aggregatePeople(p peopleView, u *briefing.User, l *i18n.Locale, a *briefing.Announcement, r briefing.Readiness, requested string) (peopleView, error) {
	p.Aggregate, p.MinGroup = true, a.MinGroup
	scope, err := briefing.ReminderScope(u, a, requested, r)
	if err != nil {
		switch {
		case !errors.Is(err, briefing.ErrForbidden):
			return p, err
		case scope.Department == "" && requested == "":
			p.Denied, p.Scoped = refusal(l, err), true
			return p, nil
		case scope.Department == "":
			return p, err
		}
		p.TooSmall = true
	}
	p.Department, p.DepartmentName, p.Scoped = scope.Department, deptLabel(l, scope.Department), scope.Fixed
	if scope.All() {
		p.Open = r.Recipients - r.Acknowledged
	}
	for _, d := range r.Departments {
		if d.Merged > 0 {
			continue
		}
		if !p.Scoped {
			p.Departments = append(p.Departments, deptOption{d.Department, deptLabel(l, d.Department)})
		}
		if !scope.All() && d.Department == scope.Department {
			p.Open = d.Recipients - d.Acknowledged
		}
	}
	return p, nil
}

// receiptsCSVPage is the export behind a plain link: the API's CSV wants
// an Accept header that a link cannot send.
func (s *Server) receiptsCSVPage(c *gin.Context) {
	f := store.ReceiptFilter{Department: c.Query("department"), Viewer: currentUser(c)}
	switch st := c.Query("status"); st {
	case "", "all":
	case "open":
		s.receiptsCSVWhere(c, f, func(r briefing.Receipt) bool { return r.AcknowledgedAt == nil })
		return
	case "pending", "read", "acknowledged":
		f.Status = briefing.ReceiptStatus(st)
	default:
		s.fail(c, briefing.NotFound("there is no list of %q people", st))
		return
	}
	s.receiptsCSV(c, f)
}
