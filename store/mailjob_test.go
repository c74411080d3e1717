package store

import (
	"errors"
	"slices"
	"testing"
	"time"

	"firsthand/briefing"
)

// walkJob does what the mail worker does: take the next chunk, mail it,
// advance the cursor; it returns every user id in the order reached and
// fails on a repeat or a walk that does not end.
func walkJob(t *testing.T, s *Store, jobID string, chunk int) []string {
	t.Helper()
	var got []string
	for range 1000 {
		rs, err := s.NextMailRecipients(jobID, chunk)
		mustNoErr(t, err)
		for _, r := range rs {
			if slices.Contains(got, r.UserID) {
				t.Fatalf("job %s reaches %s twice (so far %v)", jobID, r.UserID, got)
			}
			if r.Email == "" || r.Name == "" {
				t.Errorf("recipient %+v without address or name", r)
			}
			got = append(got, r.UserID)
		}
		done := len(rs) < chunk
		last := ""
		if len(rs) > 0 {
			last = rs[len(rs)-1].UserID
		}
		mustNoErr(t, s.AdvanceMailJob(jobID, last, done))
		if done {
			return got
		}
	}
	t.Fatalf("job %s does not end", jobID)
	return nil
}

func jobOf(t *testing.T, s *Store, kind MailKind, annID string) MailJob {
	t.Helper()
	jobs, err := s.DueMailJobs()
	mustNoErr(t, err)
	for _, j := range jobs {
		if j.Kind == kind && j.AnnouncementID == annID {
			return j
		}
	}
	t.Fatalf("no due %s job for %s among %+v", kind, annID, jobs)
	return MailJob{}
}

func TestMailJobWalksAllRecipients(t *testing.T) {
	for _, chunk := range []int{1, 7, 10, 25, 100} {
		s, _ := openStore(t)
		users := mkUsers(t, s, 25, inDept("Sales"))
		a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
		// Someone leaves after publishing: nobody mails them.
		_, err := s.UpdateUser(users[12].ID, "admin", func(u *briefing.User) error { u.Active = false; return nil })
		mustNoErr(t, err)

		job := jobOf(t, s, MailBriefing, a.ID)
		got := walkJob(t, s, job.ID, chunk)
		var want []string
		for i, u := range users {
			if i != 12 {
				want = append(want, u.ID)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("chunk %d: reached %v, want %v", chunk, got, want)
		}
		if jobs, _ := s.DueMailJobs(); slices.ContainsFunc(jobs, func(j MailJob) bool { return j.ID == job.ID }) {
			t.Errorf("chunk %d: the finished job is still due", chunk)
		}
	}
}

func TestMailJobResumesAfterRestart(t *testing.T) {
	s, _ := openStore(t)
	users := mkUsers(t, s, 10, inDept("Sales"))
	a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
	job := jobOf(t, s, MailBriefing, a.ID)
	rs, err := s.NextMailRecipients(job.ID, 4)
	mustNoErr(t, err)
	mustNoErr(t, s.AdvanceMailJob(job.ID, rs[3].UserID, false))

	s = reopen(t, s)
	rest := walkJob(t, s, job.ID, 4)
	var want []string
	for _, u := range users[4:] {
		want = append(want, u.ID)
	}
	if !slices.Equal(rest, want) {
		t.Errorf("after restart: %v, want %v", rest, want)
	}
}

// A recipient carries the language and zone they chose, for their mail;
// one who chose none carries none (the mail worker takes the
// organisation's).
func TestMailRecipientsCarryPreferences(t *testing.T) {
	s, _ := openStore(t)
	users := mkUsers(t, s, 2, inDept("Sales"))
	tz, lang := "Europe/Berlin", "de"
	_, err := s.SetPreferences(users[0].ID, &tz, &lang)
	mustNoErr(t, err)
	a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
	rs, err := s.NextMailRecipients(jobOf(t, s, MailBriefing, a.ID).ID, 10)
	mustNoErr(t, err)
	if len(rs) != 2 {
		t.Fatalf("%d recipients, want 2", len(rs))
	}
	if got := rs[0]; got.Language != "de" || got.TimeZone != "Europe/Berlin" {
		t.Errorf("recipient with preferences = %+v, want de, Europe/Berlin", got)
	}
	if got := rs[1]; got.Language != "" || got.TimeZone != "" {
		t.Errorf("recipient without preferences = %+v, want neither", got)
	}
}

func TestDeferMailJob(t *testing.T) {
	s, clk := openStore(t)
	mkUsers(t, s, 2, inDept("Sales"))
	a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
	job := jobOf(t, s, MailBriefing, a.ID)

	mustNoErr(t, s.DeferMailJob(job.ID, errors.New("smtp down"), time.Minute))
	if jobs, _ := s.DueMailJobs(); len(jobs) != 0 {
		t.Fatalf("deferred job is due at once: %+v", jobs)
	}
	clk.Add(time.Minute)
	j := jobOf(t, s, MailBriefing, a.ID)
	if j.Attempts != 1 || !j.NextAttemptAt.Equal(clk.Now()) {
		t.Errorf("deferred job = %+v, want 1 attempt, due now", j)
	}
	mustNoErr(t, s.AdvanceMailJob(job.ID, "", false))
	if j := jobOf(t, s, MailBriefing, a.ID); j.Attempts != 0 {
		t.Errorf("after progress attempts = %d, want 0", j.Attempts)
	}
	// Updating a finished (removed) job is no error.
	mustNoErr(t, s.AdvanceMailJob(job.ID, "", true))
	mustNoErr(t, s.AdvanceMailJob(job.ID, "", true))
	_, err := s.NextMailRecipients(job.ID, 10)
	wantKind(t, err, briefing.ErrNotFound)
}

func TestRemind(t *testing.T) {
	s, clk := openStore(t)
	users := mkUsers(t, s, 8, func(i int) string { return []string{"Sales", "Support"}[i%2] })
	a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
	ack(t, s, a.ID, users[0]) // Sales
	ack(t, s, a.ID, users[1]) // Support
	_, err := s.ReadBriefing(a.ID, users[2].ID)
	mustNoErr(t, err)

	if got, _ := s.Announcement(a.ID); got.LastRemindedAt != nil {
		t.Errorf("LastRemindedAt = %v before any reminder, want none", got.LastRemindedAt)
	}
	n, _, err := s.Remind(a.ID, testManager, "")
	mustNoErr(t, err)
	if n != 3 {
		t.Errorf("Remind(Sales) = %d, want 3", n)
	}
	if got, _ := s.Announcement(a.ID); got.LastRemindedAt == nil || !got.LastRemindedAt.Equal(s.Now()) {
		t.Errorf("LastRemindedAt = %v after a reminder, want %v", got.LastRemindedAt, s.Now())
	}
	// Someone acknowledges between the request and the mail run.
	ack(t, s, a.ID, users[4])
	job := jobOf(t, s, MailReminder, a.ID)
	got := walkJob(t, s, job.ID, 2)
	if want := []string{users[2].ID, users[6].ID}; !slices.Equal(got, want) {
		t.Errorf("Sales reminder reaches %v, want %v (not acknowledged, in Sales)", got, want)
	}

	// A department's reminder does not hold back one to everyone.
	n, _, err = s.Remind(a.ID, testAuthor, "")
	mustNoErr(t, err)
	if n != 5 {
		t.Errorf("Remind(all) = %d, want 5", n)
	}
	job = jobOf(t, s, MailReminder, a.ID)
	got = walkJob(t, s, job.ID, 3)
	if want := []string{users[2].ID, users[3].ID, users[5].ID, users[6].ID, users[7].ID}; !slices.Equal(got, want) {
		t.Errorf("reminder reaches %v, want %v", got, want)
	}

	// The pace: the same people again within the hour is refused, a
	// company-wide reminder covering every department; after the hour it
	// goes.
	_, _, err = s.Remind(a.ID, testAuthor, "")
	wantKind(t, err, briefing.ErrRateLimited)
	_, _, err = s.Remind(a.ID, testAuthor, "Support")
	wantKind(t, err, briefing.ErrRateLimited)
	clk.Add(briefing.ReminderPace)
	if n, _, err := s.Remind(a.ID, testAuthor, "Nowhere"); err != nil || n != 0 {
		t.Errorf("Remind(Nowhere) = %d, %v; want 0", n, err)
	}
	if jobs, _ := s.DueMailJobs(); slices.ContainsFunc(jobs, func(j MailJob) bool { return j.Kind == MailReminder }) {
		t.Error("a reminder to nobody was queued")
	}

	// The scope is the store's to apply: a manager without a department
	// reminds nobody (not everyone), and a manager's request for another
	// department is refused; neither queues anything.
	clk.Add(briefing.ReminderPace)
	jobsBefore, _ := s.DueMailJobs()
	noDept := &briefing.User{ID: "nodept", Roles: []briefing.Role{briefing.RoleManager}, Active: true}
	_, _, err = s.Remind(a.ID, noDept, "")
	wantKind(t, err, briefing.ErrForbidden)
	_, _, err = s.Remind(a.ID, testManager, "Support")
	wantKind(t, err, briefing.ErrForbidden)
	if jobs, _ := s.DueMailJobs(); len(jobs) != len(jobsBefore) {
		t.Errorf("a refused reminder queued a mail job: %d jobs, want %d", len(jobs), len(jobsBefore))
	}
	// Reminders go out only while the announcement is in briefing.
	wd := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
	if _, err := s.Withdraw(wd.ID, "user:author", "cancelled"); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Remind(wd.ID, testAuthor, "")
	wantKind(t, err, briefing.ErrConflict)

	d := mkDraft(t, s, briefing.Announcement{})
	_, _, err = s.Remind(d.ID, testAuthor, "")
	wantKind(t, err, briefing.ErrConflict)
	_, _, err = s.Remind("999", testAuthor, "")
	wantKind(t, err, briefing.ErrNotFound)
}
