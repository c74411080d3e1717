package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// nameCount is a department or location with the number of people in it.
type nameCount struct {
	Name  string
	Count int
}

type nameCounts []nameCount

// with adds name (with no people) unless it is there already.
func (l nameCounts) with(name string) nameCounts {
	if name == "" || slices.ContainsFunc(l, func(n nameCount) bool { return strings.EqualFold(n.Name, name) }) {
		return l
	}
	l = append(l, nameCount{Name: name})
	slices.SortFunc(l, func(a, b nameCount) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return l
}

// directory is what the audience picker offers: the departments and
// locations of active staff.
type directory struct {
	Departments, Locations nameCounts
	Everyone               int
}

// audienceCount is who an audience reaches today, counted with the same
// briefing.Audience.Matches that publishing uses.
type audienceCount struct {
	Total   int
	ByDept  nameCounts // largest first
	Unknown []string   // named people who are not among active staff
}

// scanDirectory reads the directory once: the picker's choices and the
// audience's recipients. It is O(users), for the editor and the
// confirmation page, never for a page every employee opens.
func (s *Server) scanDirectory(aud briefing.Audience) (directory, audienceCount, error) {
	depts, locs, hit := map[string]int{}, map[string]int{}, map[string]int{}
	known := map[string]bool{}
	var dir directory
	var count audienceCount
	err := s.st.EachUser("", func(u *briefing.User) bool {
		if !u.Active {
			return true
		}
		dir.Everyone++
		if u.Department != "" {
			depts[u.Department]++
		}
		if u.Location != "" {
			locs[u.Location]++
		}
		if len(aud.Users) > 0 {
			known[u.Email] = true
		}
		if aud.Matches(u) {
			count.Total++
			hit[u.Department]++
		}
		return true
	})
	dir.Departments, dir.Locations, count.ByDept = sortedCounts(depts, false), sortedCounts(locs, false), sortedCounts(hit, true)
	for _, e := range aud.Users {
		if !known[e] {
			count.Unknown = append(count.Unknown, e)
		}
	}
	return dir, count, err
}

func sortedCounts(m map[string]int, largestFirst bool) nameCounts {
	out := make(nameCounts, 0, len(m))
	for k, v := range m {
		out = append(out, nameCount{k, v})
	}
	slices.SortFunc(out, func(a, b nameCount) int {
		if largestFirst && a.Count != b.Count {
			return b.Count - a.Count
		}
		return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out
}

// publishView is the confirmation page: who will receive the briefing and
// what happens next, before anything is sent.
type publishView struct {
	A        *briefing.Announcement
	Count    audienceCount
	Channels []*briefing.Channel
	Error    string
}

func (s *Server) publishConfirm(c *gin.Context) {
	s.renderPublish(c, http.StatusOK, "")
}

func (s *Server) renderPublish(c *gin.Context, status int, msg string) {
	a, err := s.st.Announcement(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	required, err := s.st.ApprovalRequired()
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.locale(c)
	if err := briefing.CanPublish(a, required); err != nil {
		redirectFlash(c, "/announcements/"+a.ID, refusal(l, err))
		return
	}
	v := publishView{A: a, Error: msg}
	if _, v.Count, err = s.scanDirectory(a.Audience); err != nil {
		s.fail(c, err)
		return
	}
	if v.Channels, err = s.channelsOf(a); err != nil {
		s.fail(c, err)
		return
	}
	if v.Count.Total == 0 && v.Error == "" {
		v.Error = l.T("author.reaches_nobody")
	}
	s.render(c, status, "publish", l.T("author.publish_title", "Title", a.Title), "announcements", v)
}

// publishForm briefs the draft to its audience: POST only, after the
// confirmation page.
func (s *Server) publishForm(c *gin.Context) {
	a, err := s.st.Publish(c.Param("id"), actor(c))
	if err != nil {
		if status, _ := classify(err); status == http.StatusUnprocessableEntity {
			s.renderPublish(c, status, refusal(s.locale(c), err))
			return
		}
		s.fail(c, err)
		return
	}
	redirectFlash(c, "/announcements/"+a.ID, s.locale(c).T("author.flash_published", "Count", a.Recipients))
}
