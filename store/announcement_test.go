package store

import (
	"errors"
	"slices"
	"testing"
	"time"

	"firsthand/briefing"
)

func TestCreateAnnouncement(t *testing.T) {
	s, clk := openStore(t)
	c := mkChannel(t, s, "Press")
	a := &briefing.Announcement{
		Title: "  Neue Preise ab März ", Summary: "s", Body: "# Body",
		Audience: briefing.Audience{Departments: []string{"Sales"}},
		Channels: channels(c), AuthorID: "7",
	}
	mustNoErr(t, s.CreateAnnouncement(a, "user:7"))
	if a.ID == "" || a.State != briefing.StateDraft || a.Slug != "neue-preise-ab-maerz-"+a.ID {
		t.Errorf("created: id %q, state %q, slug %q", a.ID, a.State, a.Slug)
	}
	if a.Policy.Threshold != briefing.DefaultThreshold || !a.CreatedAt.Equal(clk.Now()) {
		t.Errorf("defaults: threshold %v, created %v", a.Policy.Threshold, a.CreatedAt)
	}
	got, err := s.Announcement(a.ID)
	mustNoErr(t, err)
	if got.Title != "Neue Preise ab März" || got.Body != "# Body" || got.AuthorID != "7" || len(got.Channels) != 1 {
		t.Errorf("Announcement(%s) = %+v", a.ID, got)
	}

	for _, bad := range []struct {
		a     briefing.Announcement
		field string
	}{
		{briefing.Announcement{Title: ""}, "title"},
		{briefing.Announcement{Title: "t", Policy: briefing.Policy{Threshold: 1.5}}, "policy.threshold"},
		{briefing.Announcement{Title: "t", Channels: []briefing.ChannelText{{ChannelID: "99"}}}, "channels"},
		{briefing.Announcement{Title: "t", Channels: []briefing.ChannelText{{ChannelID: "nope"}}}, "channels"},
	} {
		a := bad.a
		err := s.CreateAnnouncement(&a, "user:7")
		if !errors.Is(err, briefing.ErrInvalid) || briefing.ErrorField(err) != bad.field {
			t.Errorf("CreateAnnouncement(%+v) = %v, want invalid %s", bad.a, err, bad.field)
		}
	}
	_, err = s.Announcement("4711")
	wantKind(t, err, briefing.ErrNotFound)
}

func TestUpdateDraft(t *testing.T) {
	s, clk := openStore(t)
	mkUser(t, s, "x@example.com", "Sales")
	a := mkDraft(t, s, briefing.Announcement{Title: "First", Audience: briefing.Audience{All: true}})

	clk.Add(time.Minute)
	got, err := s.UpdateDraft(a.ID, "user:author", func(a *briefing.Announcement) error {
		if a.Body != "Prices **change**." {
			t.Errorf("fn sees body %q, want the stored body", a.Body)
		}
		a.Title, a.Body = "Second title", "new body"
		return nil
	})
	mustNoErr(t, err)
	if got.Slug != "second-title-"+a.ID || !got.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("after update: slug %q, updated %v", got.Slug, got.UpdatedAt)
	}
	stored, err := s.Announcement(a.ID)
	mustNoErr(t, err)
	if stored.Title != "Second title" || stored.Body != "new body" {
		t.Errorf("stored = %q / %q, want the update", stored.Title, stored.Body)
	}

	_, err = s.UpdateDraft(a.ID, "user:author", func(a *briefing.Announcement) error { a.Policy.Threshold = -1; return nil })
	if briefing.ErrorField(err) != "policy.threshold" {
		t.Errorf("invalid update = %v, want invalid policy.threshold", err)
	}
	if stored, _ := s.Announcement(a.ID); stored.Policy.Threshold != briefing.DefaultThreshold {
		t.Errorf("a rejected update was stored: threshold %v", stored.Policy.Threshold)
	}

	_, err = s.Publish(a.ID, "user:author")
	mustNoErr(t, err)
	_, err = s.UpdateDraft(a.ID, "user:author", func(a *briefing.Announcement) error { a.Title = "Too late"; return nil })
	wantKind(t, err, briefing.ErrConflict)
	_, err = s.Withdraw(a.ID, "user:author", "oops")
	mustNoErr(t, err)
	_, err = s.UpdateDraft(a.ID, "user:author", func(a *briefing.Announcement) error { return nil })
	wantKind(t, err, briefing.ErrConflict)
}

func TestAnnouncementsList(t *testing.T) {
	s, _ := openStore(t)
	mkUser(t, s, "x@example.com", "Sales")
	var ids []string
	for i := range 5 {
		a := mkDraft(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
		if i%2 == 0 {
			_, err := s.Publish(a.ID, "user:author")
			mustNoErr(t, err)
		}
		ids = append(ids, a.ID)
	}
	newestFirst := slices.Clone(ids)
	slices.Reverse(newestFirst)

	all, next, err := s.Announcements(AnnouncementFilter{})
	mustNoErr(t, err)
	if got := idsOf(all); !slices.Equal(got, newestFirst) || next != "" {
		t.Errorf("Announcements = %v next %q, want %v", got, next, newestFirst)
	}
	for _, a := range all {
		if a.Body != "" {
			t.Errorf("listing carries the body of %s", a.ID)
		}
	}

	var paged []string
	after := ""
	for range 10 {
		page, next, err := s.Announcements(AnnouncementFilter{After: after, Limit: 2})
		mustNoErr(t, err)
		paged = append(paged, idsOf(page)...)
		if next == "" {
			break
		}
		after = next
	}
	if !slices.Equal(paged, newestFirst) {
		t.Errorf("paged = %v, want %v", paged, newestFirst)
	}

	drafts, _, err := s.Announcements(AnnouncementFilter{State: briefing.StateDraft})
	mustNoErr(t, err)
	if got, want := idsOf(drafts), []string{ids[3], ids[1]}; !slices.Equal(got, want) {
		t.Errorf("drafts = %v, want %v", got, want)
	}
}

func idsOf(list []*briefing.Announcement) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.ID)
	}
	return out
}

func TestReleasedBySlug(t *testing.T) {
	s, _ := openStore(t)
	u := mkUser(t, s, "x@example.com", "Sales")
	c := mkChannel(t, s, "Press")
	a := mkPublished(t, s, briefing.Announcement{Title: "Big News", Audience: briefing.Audience{All: true},
		Policy: briefing.Policy{Threshold: 1}, Channels: channels(c)})

	if _, err := s.ReleasedBySlug(a.Slug); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("ReleasedBySlug before release = %v, want not found", err)
	}
	if res := ack(t, s, a.ID, u); !res.Released {
		t.Fatal("the only recipient acknowledged: want released")
	}
	got, err := s.ReleasedBySlug(a.Slug)
	if err != nil || got.ID != a.ID || got.HTML == "" {
		t.Errorf("ReleasedBySlug(%q) = %v, %v; want the announcement with HTML", a.Slug, got, err)
	}
	for _, slug := range []string{"big-news", "other-title-" + a.ID, a.ID, "", "big-news-999"} {
		if _, err := s.ReleasedBySlug(slug); !errors.Is(err, briefing.ErrNotFound) {
			t.Errorf("ReleasedBySlug(%q) = %v, want not found", slug, err)
		}
	}
	_, err = s.Withdraw(a.ID, "admin", "wrong")
	mustNoErr(t, err)
	if _, err := s.ReleasedBySlug(a.Slug); !errors.Is(err, briefing.ErrNotFound) {
		t.Errorf("ReleasedBySlug after withdrawal = %v, want not found", err)
	}
}

// TestUpdateDraftConcurrentEdit: the merge runs outside the write
// transaction, so an edit that lands meanwhile is not overwritten: the
// slower one starts again from the newer draft, and both changes stay.
func TestUpdateDraftConcurrentEdit(t *testing.T) {
	s, _ := openStore(t)
	a := mkDraft(t, s, briefing.Announcement{Audience: briefing.Audience{Users: []string{"A@example.com"}}})
	calls := 0
	got, err := s.UpdateDraft(a.ID, "user:author", func(d *briefing.Announcement) error {
		calls++
		if calls == 1 { // someone else saves while this merge is under way
			if _, err := s.UpdateDraft(a.ID, "user:other", func(o *briefing.Announcement) error {
				o.Summary = "From the other editor"
				return nil
			}); err != nil {
				return err
			}
		}
		d.Audience.Users = append(d.Audience.Users, " b@EXAMPLE.com", "a@example.com")
		return nil
	})
	mustNoErr(t, err)
	if calls != 2 {
		t.Errorf("the merge ran %d times, want 2 (once more on the newer draft)", calls)
	}
	stored, err := s.Announcement(a.ID)
	mustNoErr(t, err)
	if stored.Summary != "From the other editor" || got.Summary != stored.Summary {
		t.Errorf("summary = %q (returned %q), want the other editor's kept", stored.Summary, got.Summary)
	}
	if want := []string{"a@example.com", "b@example.com"}; !slices.Equal(stored.Audience.Users, want) {
		t.Errorf("audience = %v, want %v (normalised)", stored.Audience.Users, want)
	}
}
