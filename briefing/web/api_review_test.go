package web

import (
	"net/http"
	"slices"
	"testing"

	"firsthand/briefing"
	"firsthand/store"
)

type stateAnswer struct {
	State string `json:"state"`
}

// reviewed is the announcement's JSON with what the approval adds.
type reviewed struct {
	State        string `json:"state"`
	CreatedBy    string `json:"created_by"`
	LastEditedBy string `json:"last_edited_by"`
	Review       *struct {
		Decision string `json:"decision"`
		By       string `json:"by"`
		Note     string `json:"note"`
	} `json:"review"`
}

func (a *testApp) step(what, path string, u testUser, body any, status int) {
	a.t.Helper()
	wantStatus(a.t, what, a.do(http.MethodPost, path, u.Token, body), status)
}

func (a *testApp) stateOf(id string, u testUser) reviewed {
	a.t.Helper()
	return decode[reviewed](a.t, "get announcement", a.get("/api/v1/announcements/"+id, u.Token), http.StatusOK)
}

func TestAPIApprovalTransitionsAndRefusals(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	rev := a.user("rev@example.com", "Legal", briefing.RoleReviewer)
	rev2 := a.user("rev2@example.com", "Legal", briefing.RoleReviewer)
	writer := a.user("writer@example.com", "PR", briefing.RoleAuthor, briefing.RoleReviewer)
	ann := a.create(s.author, draftOf("Pricing", "Sales"))
	base := "/api/v1/announcements/" + ann.ID
	if got := a.stateOf(ann.ID, s.author); got.CreatedBy != s.author.ID || got.LastEditedBy != s.author.ID {
		t.Errorf("created: got created_by %q last_edited_by %q, want both %q", got.CreatedBy, got.LastEditedBy, s.author.ID)
	}

	// Refusals before submission: the wrong role, the wrong state.
	wantError(t, "submit as employee", a.do(http.MethodPost, base+"/submit", s.sales1.Token, nil), http.StatusForbidden, "forbidden", "")
	wantError(t, "submit as reviewer only", a.do(http.MethodPost, base+"/submit", rev.Token, nil), http.StatusForbidden, "forbidden", "")
	wantError(t, "approve a draft", a.do(http.MethodPost, base+"/approve", rev.Token, nil), http.StatusConflict, "conflict", "")
	wantError(t, "reject a draft", a.do(http.MethodPost, base+"/reject", rev.Token, map[string]string{"reason": "no"}), http.StatusConflict, "conflict", "")

	// draft → review, and the reviewers are told (a mail job to each of them).
	got := decode[stateAnswer](t, "submit", a.do(http.MethodPost, base+"/submit", s.author.Token, nil), http.StatusOK)
	if got.State != "review" {
		t.Fatalf("submit: got state %q, want review", got.State)
	}
	wantReviewMail(t, a.st, ann.ID, []string{s.admin.ID, rev.ID, rev2.ID, writer.ID})
	wantError(t, "submit twice", a.do(http.MethodPost, base+"/submit", s.author.Token, nil), http.StatusConflict, "conflict", "")
	wantError(t, "publish in review", a.do(http.MethodPost, base+"/publish", s.author.Token, nil), http.StatusConflict, "conflict", "")

	// Reject: a reviewer, with a reason.
	wantError(t, "reject as author", a.do(http.MethodPost, base+"/reject", s.author.Token, map[string]string{"reason": "x"}), http.StatusForbidden, "forbidden", "")
	wantError(t, "reject as manager", a.do(http.MethodPost, base+"/reject", s.salesMgr.Token, map[string]string{"reason": "x"}), http.StatusForbidden, "forbidden", "")
	wantError(t, "reject without reason", a.do(http.MethodPost, base+"/reject", rev.Token, nil), http.StatusUnprocessableEntity, "invalid", "reason")
	wantError(t, "reject with a blank reason", a.do(http.MethodPost, base+"/reject", rev.Token, map[string]string{"reason": "  "}), http.StatusUnprocessableEntity, "invalid", "reason")
	if got := a.stateOf(ann.ID, rev); got.State != "review" {
		t.Fatalf("after refused rejections: got state %q, want review (nothing lost)", got.State)
	}
	got = decode[stateAnswer](t, "reject", a.do(http.MethodPost, base+"/reject", rev.Token, map[string]string{"reason": "The date is wrong"}), http.StatusOK)
	if got.State != "draft" {
		t.Fatalf("reject: got state %q, want draft", got.State)
	}
	if r := a.stateOf(ann.ID, s.author); r.Review == nil || r.Review.Decision != "rejected" || r.Review.Note != "The date is wrong" || r.Review.By != rev.ID {
		t.Errorf("after reject: got review %+v, want the reason shown to the author", r.Review)
	}

	// The same reviewer-author edits and resubmits: they may not approve it now.
	wantStatus(t, "patch by writer", a.do(http.MethodPatch, base, writer.Token, map[string]string{"title": "Pricing from March"}), http.StatusOK)
	a.step("resubmit", base+"/submit", writer, nil, http.StatusOK)
	wantError(t, "approve as last editor", a.do(http.MethodPost, base+"/approve", writer.Token, nil), http.StatusForbidden, "forbidden", "")
	wantError(t, "approve as author", a.do(http.MethodPost, base+"/approve", s.author.Token, nil), http.StatusForbidden, "forbidden", "")
	wantError(t, "approve as employee", a.do(http.MethodPost, base+"/approve", s.sales1.Token, nil), http.StatusForbidden, "forbidden", "")

	// review → approved, with a note.
	got = decode[stateAnswer](t, "approve", a.do(http.MethodPost, base+"/approve", rev.Token, map[string]string{"note": "Fine by legal"}), http.StatusOK)
	if got.State != "approved" {
		t.Fatalf("approve: got state %q, want approved", got.State)
	}
	wantError(t, "approve twice", a.do(http.MethodPost, base+"/approve", rev2.Token, nil), http.StatusConflict, "conflict", "")
	wantError(t, "reject once approved", a.do(http.MethodPost, base+"/reject", rev2.Token, map[string]string{"reason": "x"}), http.StatusConflict, "conflict", "")

	// An edit voids the approval.
	wantStatus(t, "patch approved", a.do(http.MethodPatch, base, s.author.Token, map[string]string{"summary": "Changed"}), http.StatusOK)
	if r := a.stateOf(ann.ID, s.author); r.State != "draft" || r.Review != nil {
		t.Fatalf("after editing an approved item: got %q with review %+v, want draft and no approval", r.State, r.Review)
	}

	// With approval_required, publish needs approved.
	if _, err := a.st.UpdateSettings("user:"+s.admin.ID, requireApproval); err != nil {
		t.Fatal(err)
	}
	wantError(t, "publish a draft with approval required", a.do(http.MethodPost, base+"/publish", s.author.Token, nil), http.StatusConflict, "conflict", "")
	a.step("submit again", base+"/submit", s.author, nil, http.StatusOK)
	wantError(t, "approve own (creator is the author, not a reviewer)", a.do(http.MethodPost, base+"/approve", s.author.Token, nil), http.StatusForbidden, "forbidden", "")
	a.step("approve again", base+"/approve", rev2, nil, http.StatusOK)
	a.publish(s.author, ann.ID)

	// Every step is audited.
	events := decode[struct {
		Events []struct {
			Action, Actor, Target, Detail string
		} `json:"events"`
	}](t, "audit", a.get("/api/v1/audit?target=announcement:"+ann.ID, s.admin.Token), http.StatusOK)
	var actions []string
	for _, e := range events.Events {
		actions = append(actions, e.Action)
		if e.Action == "announcement.reject" && e.Detail != "The date is wrong" {
			t.Errorf("reject audited with %q, want the reason", e.Detail)
		}
	}
	for _, want := range []string{"announcement.submit", "announcement.approve", "announcement.reject", "announcement.publish"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit: got actions %v, want %s among them", actions, want)
		}
	}
}

func TestAPIApprovalNotRequiredPublishesDraftOrApproved(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	rev := a.user("rev@example.com", "Legal", briefing.RoleReviewer)
	d := a.create(s.author, draftOf("Straight", "Sales"))
	a.publish(s.author, d.ID)
	ap := a.create(s.author, draftOf("Approved first", "Sales"))
	a.step("submit", "/api/v1/announcements/"+ap.ID+"/submit", s.author, nil, http.StatusOK)
	a.step("approve", "/api/v1/announcements/"+ap.ID+"/approve", rev, nil, http.StatusOK)
	a.publish(s.author, ap.ID)
	// A reviewer reads an item without author rights, and lists nothing else.
	wantStatus(t, "reviewer reads", a.get("/api/v1/announcements/"+ap.ID, rev.Token), http.StatusOK)
	wantError(t, "reviewer lists", a.get("/api/v1/announcements", rev.Token), http.StatusForbidden, "forbidden", "")
	wantError(t, "employee reads", a.get("/api/v1/announcements/"+ap.ID, s.sales1.Token), http.StatusForbidden, "forbidden", "")
}

// wantReviewMail checks that a review mail job for annID reaches exactly
// the reviewers.
func wantReviewMail(t *testing.T, st *store.Store, annID string, reviewers []string) {
	t.Helper()
	jobs, err := st.DueMailJobs()
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.Kind != store.MailReview || j.AnnouncementID != annID {
			continue
		}
		rs, err := st.NextMailRecipients(j.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rs {
			got = append(got, r.UserID)
		}
		slices.Sort(got)
		want := slices.Clone(reviewers)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("review mail to %v, want the reviewers %v", got, want)
		}
		return
	}
	t.Errorf("no review mail job for announcement %s among %+v", annID, jobs)
}

// requireApproval turns approval_required on, as an admin does on the
// settings page.
func requireApproval(s *briefing.Settings) error {
	s.ApprovalRequired = true
	return nil
}
