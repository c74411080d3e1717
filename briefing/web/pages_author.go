package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/i18n"
	"firsthand/store"
)

// pageSizeAnnouncements is how many announcements the list shows at a time.
const pageSizeAnnouncements = 25

// announcementRow is one line of the announcements list.
type announcementRow struct {
	A          *briefing.Announcement
	R          briefing.Readiness
	Bar        barView
	Need       int
	Unanswered int
	// Deliveries sums up how a released announcement went out: failed
	// channels show as "partially published", never silently.
	Deliveries deliverySummary
}

// deliverySummary counts an announcement's deliveries by state.
type deliverySummary struct{ Sent, Pending, Failed int }

func summarize(ds []*briefing.Delivery) deliverySummary {
	var d deliverySummary
	for _, x := range ds {
		switch x.State {
		case briefing.DeliverySent:
			d.Sent++
		case briefing.DeliveryPending:
			d.Pending++
		case briefing.DeliveryFailed:
			d.Failed++
		}
	}
	return d
}

// stateTab is one filter of the announcements list.
type stateTab struct{ State, Label string }

// stateTabs are the list's filters in the reader's language.
func stateTabs(l *i18n.Locale) []stateTab {
	return []stateTab{
		{"", l.T("author.tab_all")}, {"draft", l.T("author.tab_draft")}, {"review", l.T("author.tab_review")},
		{"approved", l.T("author.tab_approved")}, {"briefing", l.T("author.tab_briefing")},
		{"released", l.T("author.tab_released")}, {"withdrawn", l.T("author.tab_withdrawn")},
	}
}

// announcementsPage lists announcements newest first with their state and,
// once published, how far staff are: readiness comes from counters, so a
// page costs O(announcements × departments).
func (s *Server) announcementsPage(c *gin.Context) {
	state := briefing.State(c.Query("state"))
	switch state {
	case "", briefing.StateDraft, briefing.StateReview, briefing.StateApproved, briefing.StateBriefing, briefing.StateReleased, briefing.StateWithdrawn:
	default:
		s.fail(c, briefing.NotFound("there is no list of %q announcements", state))
		return
	}
	list, next, err := s.st.Announcements(store.AnnouncementFilter{State: state, After: c.Query("after"), Limit: pageSizeAnnouncements})
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.locale(c)
	rows := make([]announcementRow, 0, len(list))
	unanswered := []announcementRow{}
	for _, a := range list {
		row := announcementRow{A: a}
		if a.PublishedAt != nil {
			_, r, err := s.st.Readiness(a.ID)
			if err != nil {
				s.fail(c, err)
				return
			}
			row.R, row.Unanswered = r, r.UnansweredQuestions
			row.Need = ackNeeded(r.Threshold, r.Recipients)
			row.Bar = newBar(r.ReadRatio, r.AckRatio, &r.Threshold,
				l.T("author.bar_label", "Ack", l.Pct(r.AckRatio), "Read", l.Pct(r.ReadRatio), "Need", l.Pct(r.Threshold)))
			if a.State == briefing.StateReleased {
				ds, err := s.st.Deliveries(a.ID)
				if err != nil {
					s.fail(c, err)
					return
				}
				row.Deliveries = summarize(ds)
			}
			if row.Unanswered > 0 && a.State != briefing.StateWithdrawn {
				unanswered = append(unanswered, row)
			}
		}
		rows = append(rows, row)
	}
	s.render(c, http.StatusOK, "announcements", l.T("author.list_title"), "announcements", gin.H{
		"Rows": rows, "Next": next, "State": string(state), "Tabs": stateTabs(l), "Paged": c.Query("after") != "",
		"Unanswered": unanswered,
	})
}
