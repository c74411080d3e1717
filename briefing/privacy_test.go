package briefing

import (
	"errors"
	"fmt"
	"testing"
)

func deptLines(sizes ...int) []DepartmentReadiness {
	out := make([]DepartmentReadiness, len(sizes))
	for i, n := range sizes {
		out[i] = DepartmentReadiness{Department: fmt.Sprintf("D%d", i), Recipients: n, Read: n / 2, Acknowledged: n / 3, Met: i%2 == 0}
	}
	return out
}

func linesOf(ds []DepartmentReadiness) string {
	s := ""
	for _, d := range ds {
		s += fmt.Sprintf("%s:%d ", d.Department, d.Recipients)
	}
	return s
}

func TestMergeSmallGroups(t *testing.T) {
	tests := []struct {
		name  string
		sizes []int
		min   int
		want  string
	}{
		{"nothing small", []int{5, 9, 20}, 5, "D0:5 D1:9 D2:20 "},
		{"two small make a group", []int{3, 20, 2}, 5, "D1:20 Other departments:5 "},
		// One small department alone would be shown as itself under
		// another name: the smallest shown one joins it.
		{"one small alone takes the next smallest", []int{3, 20, 8, 50}, 5, "D1:20 D3:50 Other departments:11 "},
		{"tiny ones together still too small", []int{1, 1, 1, 30, 6}, 5, "D3:30 Other departments:9 "},
		{"ties take the later one", []int{2, 7, 7}, 5, "D1:7 Other departments:9 "},
		{"everything small: one line of the totals", []int{1, 2, 1}, 5, "Other departments:4 "},
		{"a small one and one big: all merged", []int{2, 40}, 5, "Other departments:42 "},
		{"empty", nil, 5, ""},
	}
	for _, tt := range tests {
		in := deptLines(tt.sizes...)
		got := MergeSmallGroups(in, tt.min)
		if linesOf(got) != tt.want {
			t.Errorf("%s: MergeSmallGroups(%v, %d) = %s, want %s", tt.name, tt.sizes, tt.min, linesOf(got), tt.want)
		}
		for _, d := range got {
			if d.Recipients < tt.min && len(got) > 1 {
				t.Errorf("%s: line %s shows a group of %d, below %d", tt.name, d.Department, d.Recipients, tt.min)
			}
		}
	}
	// The merged line adds the counts up, recomputes the ratios and is met
	// only if every merged department is.
	got := MergeSmallGroups([]DepartmentReadiness{
		{Department: "A", Recipients: 2, Read: 2, Acknowledged: 1, Met: true},
		{Department: "B", Recipients: 4, Read: 1, Acknowledged: 1, Met: false},
		{Department: "C", Recipients: 10, Read: 10, Acknowledged: 10, Met: true},
	}, 5)
	o := got[len(got)-1]
	if len(got) != 2 || o.Department != OtherDepartments || o.Recipients != 6 || o.Read != 3 || o.Acknowledged != 2 ||
		o.ReadRatio != 0.5 || o.AckRatio != 0.3333 || o.Met || o.Merged != 2 {
		t.Errorf("merged line = %+v", o)
	}
}

func TestReceiptScopeRefusesWorksCouncilMode(t *testing.T) {
	agg := &Announcement{Privacy: PrivacyAggregate, MinGroup: 5}
	for _, u := range []*User{{Roles: []Role{RoleAdmin}}, {Roles: []Role{RoleAuthor}},
		{Roles: []Role{RoleManager}, Department: "Sales"}, {Roles: []Role{RoleEmployee}}} {
		if _, err := ReceiptScope(u, agg, ""); !errors.Is(err, ErrForbidden) {
			t.Errorf("roles %v: ReceiptScope = %v, want forbidden", u.Roles, err)
		}
		if _, err := ReceiptScope(u, &Announcement{Privacy: PrivacyPersonal}, ""); (err == nil) != (u.Has(RoleAuthor) || u.Has(RoleManager)) {
			t.Errorf("roles %v, personal: ReceiptScope = %v", u.Roles, err)
		}
	}
}

func TestPersonLevelVisibleAndReadinessView(t *testing.T) {
	a := &Announcement{}
	RecordPrivacy(a, Settings{Privacy: PrivacyPersonal, MinGroup: 5})
	if !PersonLevelVisible(a) || CheckPersonLevel(a) != nil || a.MinGroup != 0 {
		t.Errorf("personal: visible %v, min group %d", PersonLevelVisible(a), a.MinGroup)
	}
	old := &Announcement{} // published before the mode existed
	if !PersonLevelVisible(old) {
		t.Error("an announcement without a recorded mode: want person-level as it was published")
	}
	r := Readiness{Departments: deptLines(3, 20, 2)}
	if got := ReadinessView(a, r); len(got.Departments) != 3 {
		t.Errorf("personal: %s, want every department", linesOf(got.Departments))
	}
	RecordPrivacy(a, Settings{Privacy: PrivacyAggregate, MinGroup: 5})
	if PersonLevelVisible(a) || !errors.Is(CheckPersonLevel(a), ErrForbidden) || a.MinGroup != 5 {
		t.Errorf("aggregate: visible %v, err %v, min group %d", PersonLevelVisible(a), CheckPersonLevel(a), a.MinGroup)
	}
	if got := ReadinessView(a, r); linesOf(got.Departments) != "D1:20 Other departments:5 " {
		t.Errorf("aggregate: %s", linesOf(got.Departments))
	}
	if len(r.Departments) != 3 {
		t.Error("ReadinessView changed the readiness it was given")
	}
}

func TestReminderScopeInWorksCouncilMode(t *testing.T) {
	author := &User{Roles: []Role{RoleAuthor}}
	agg := &Announcement{Privacy: PrivacyAggregate, MinGroup: 5}
	view := ReadinessView(agg, Readiness{Departments: []DepartmentReadiness{
		{Department: "Sales", Recipients: 12}, {Department: "Legal", Recipients: 2}, {Department: "IT", Recipients: 4}}})
	for dept, ok := range map[string]bool{"": true, "Sales": true, "Legal": false, "IT": false, OtherDepartments: false, "Nobody": false} {
		scope, err := ReminderScope(author, agg, dept, view)
		if scope.Department != dept {
			t.Errorf("aggregate, department %q: scope %+v, want the department asked for", dept, scope)
		}
		if (err == nil) != ok || (err != nil && !errors.Is(err, ErrForbidden)) {
			t.Errorf("aggregate, department %q: %v, want allowed %v", dept, err, ok)
		}
	}
	personal := &Announcement{Privacy: PrivacyPersonal}
	if _, err := ReminderScope(author, personal, "Legal", Readiness{}); err != nil {
		t.Errorf("personal: %v", err)
	}
}
