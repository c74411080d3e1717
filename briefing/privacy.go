package briefing

import (
	"cmp"
	"slices"
)

// Works-council mode (BetrVG §87(1) no. 6): a system that records when each
// employee read what can monitor behaviour. An announcement published in
// aggregate mode keeps that mode for good, and with it the smallest group
// its figures may show: switching the settings back to personal, or to a
// smaller group, exposes nothing published before.

// OtherDepartments names the line that holds the departments too small to
// be shown on their own.
const OtherDepartments = "Other departments"

// RecordPrivacy fixes the privacy mode of the settings on an announcement
// at publish.
func RecordPrivacy(a *Announcement, s Settings) {
	a.Privacy, a.MinGroup = s.Privacy, 0
	if s.Privacy == PrivacyAggregate {
		a.MinGroup = s.MinGroup
	}
}

// PersonLevelVisible reports whether anyone may see who has or has not read
// or acknowledged the announcement. Announcements published before the
// mode existed were published person by person.
func PersonLevelVisible(a *Announcement) bool { return a.Privacy != PrivacyAggregate }

// CheckPersonLevel refuses every person-level view (receipts, their CSV,
// the dashboard's list of people) of an announcement published in
// works-council mode, for every role.
func CheckPersonLevel(a *Announcement) error {
	if PersonLevelVisible(a) {
		return nil
	}
	return Forbidden("this announcement was published in works-council mode: nobody can see who has or has not read or acknowledged it, only the counts")
}

// ReadinessView is readiness as people may see it: in aggregate mode, the
// departments with fewer than the announcement's smallest group are merged
// (MergeSmallGroups). The gate decides on the unmerged figures.
func ReadinessView(a *Announcement, r Readiness) Readiness {
	if !PersonLevelVisible(a) {
		r.Departments = MergeSmallGroups(r.Departments, a.MinGroup)
	}
	return r
}

// MergeSmallGroups merges every department with fewer than minGroup
// recipients into one line, OtherDepartments, placed last. So that no line
// shows a group smaller than minGroup, a merged line that is still too
// small (one small department alone, or a few tiny ones) takes in the
// smallest shown department, then the next, until it reaches minGroup or
// holds every department: only then may it be smaller, and then it says no
// more than the totals do. Met of the merged line holds only if it holds
// for each department in it, as the gate reads it.
func MergeSmallGroups(depts []DepartmentReadiness, minGroup int) []DepartmentReadiness {
	if len(depts) == 0 {
		return depts
	}
	small := make([]bool, len(depts))
	other := 0
	for i, d := range depts {
		if d.Recipients < minGroup {
			small[i], other = true, other+d.Recipients
		}
	}
	for other > 0 && other < minGroup {
		// The smallest department still shown; ties go to the later one,
		// so the order is stable.
		next := -1
		for i, d := range depts {
			if !small[i] && (next < 0 || d.Recipients <= depts[next].Recipients) {
				next = i
			}
		}
		if next < 0 {
			break
		}
		small[next], other = true, other+depts[next].Recipients
	}
	if other == 0 {
		return depts
	}
	out := make([]DepartmentReadiness, 0, len(depts))
	merged := DepartmentReadiness{Department: OtherDepartments, Met: true}
	for i, d := range depts {
		if !small[i] {
			out = append(out, d)
			continue
		}
		merged.Recipients += d.Recipients
		merged.Read += d.Read
		merged.Acknowledged += d.Acknowledged
		merged.Departed += d.Departed
		merged.Met = merged.Met && d.Met
		merged.Merged++
	}
	c := Counts{Recipients: merged.Recipients, Read: merged.Read, Acknowledged: merged.Acknowledged}
	merged.ReadRatio, merged.AckRatio = c.ReadRatio(), c.AckRatio()
	return append(out, merged)
}

// checkReminderScope refuses, in aggregate mode, a reminder to a department
// that is not shown on its own: its count would tell the figure of a group
// smaller than the smallest group. Everyone who has not acknowledged can
// still be reminded at once.
func checkReminderScope(a *Announcement, view Readiness, department string) error {
	if department == "" || PersonLevelVisible(a) {
		return nil
	}
	if slices.ContainsFunc(view.Departments, func(d DepartmentReadiness) bool { return d.Department == department && d.Merged == 0 }) {
		return nil
	}
	return Forbidden("works-council mode: %s has fewer than %d recipients, so it cannot be reminded on its own; an author can remind everyone who has not acknowledged", cmp.Or(department, "this department"), a.MinGroup)
}
