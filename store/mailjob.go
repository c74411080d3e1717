package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// MailKind says what a notification job tells people.
type MailKind string

// The notification kinds.
const (
	MailBriefing       MailKind = "briefing"        // new briefing: please read and acknowledge
	MailReleased       MailKind = "released"        // the news is now public
	MailReminder       MailKind = "reminder"        // you have not acknowledged yet
	MailDeliveryFailed MailKind = "delivery_failed" // to authors and managers
	// MailDeliveryUnconfirmed: an attempt got no answer on a kind without a
	// key: authors and managers, check the account.
	MailDeliveryUnconfirmed MailKind = "delivery_unconfirmed"
	MailManualTask          MailKind = "manual_task"     // to a manual channel's assignees: please post it
	MailManualReminder      MailKind = "manual_reminder" // still not posted after 30 minutes
	MailCheckFailed         MailKind = "check_failed"    // a channel's preflight failed: to the authors and managers
	MailInvite              MailKind = "invite"          // set your password (a welcome link)
	MailReset               MailKind = "reset"           // set a new password (a reset link)
	MailQuestion            MailKind = "question"        // to the authors: new questions (one or a digest)
	MailAnswer              MailKind = "answer"          // to the asker: the answer
	MailReview              MailKind = "review"          // to reviewers: an announcement waits for them
	MailRevised             MailKind = "revised"         // a material correction: please acknowledge again
	// MailChannelDisconnected: an OAuth channel's refresh failed; to the
	// admins, who must connect it again.
	MailChannelDisconnected MailKind = "channel_disconnected"
	MailRetractByHand       MailKind = "retract_by_hand" // a withdrawn post to remove by hand: to authors and managers
)

// toAuthorsAndManagers are the kinds whose job is addressed to the
// announcement's authors and managers, not to its recipients.
func toAuthorsAndManagers(k MailKind) bool {
	return k == MailDeliveryFailed || k == MailDeliveryUnconfirmed || k == MailCheckFailed || k == MailRetractByHand
}

// mailJob is one notification to many people. It walks its recipients in id
// order and remembers how far it got, so a failing mail server delays mail
// but loses none, and a restart resumes where it stopped.
type mailJob struct {
	ID             string    `json:"id"`
	Kind           MailKind  `json:"kind"`
	AnnouncementID string    `json:"announcement_id"`
	DeliveryID     string    `json:"delivery_id,omitempty"`
	ChannelID      string    `json:"channel_id,omitempty"` // a failed check or a lost account: which channel
	Department     string    `json:"department,omitempty"` // reminders: only this department
	UserIDs        []string  `json:"user_ids,omitempty"`   // explicit recipients instead of the audience
	QuestionIDs    []string  `json:"question_ids,omitempty"`
	Admins         bool      `json:"admins,omitempty"` // a failed delivery: the admins too (an account to connect again)
	Cursor         uint64    `json:"cursor"`           // the last user id done
	Attempts       int       `json:"attempts"`
	NextAttemptAt  time.Time `json:"next_attempt_at"`
	LastError      string    `json:"last_error,omitempty"`
}

func enqueueMail(tx *bolt.Tx, j mailJob, now time.Time) error {
	_, err := enqueueMailAt(tx, j, now)
	return err
}

// enqueueMailAt queues a job that falls due at the given time and returns
// its id.
func enqueueMailAt(tx *bolt.Tx, j mailJob, at time.Time) (string, error) {
	b := tx.Bucket(bMailJobs)
	id, err := b.NextSequence()
	if err != nil {
		return "", err
	}
	j.ID, j.NextAttemptAt = formatID(id), at
	if toAuthorsAndManagers(j.Kind) {
		given := j.UserIDs // people named besides (a manual channel's assignees)
		if j.UserIDs, err = authorsAndManagers(tx, j.AnnouncementID); err != nil {
			return "", err
		}
		if len(given) > 0 {
			j.UserIDs = append(j.UserIDs, given...)
			slices.SortFunc(j.UserIDs, func(x, y string) int { return cmp.Compare(mustID(x), mustID(y)) })
			j.UserIDs = slices.Compact(j.UserIDs)
		}
		if j.Admins {
			if j.UserIDs, err = withAdmins(tx, j.UserIDs); err != nil {
				return "", err
			}
		}
	}
	v, err := json.Marshal(j)
	if err != nil {
		return "", err
	}
	return j.ID, b.Put(u64(id), v)
}

// authorsAndManagers are told when a delivery fails: the author and the
// managers of the recipients' departments.
func authorsAndManagers(tx *bolt.Tx, annID string) ([]string, error) {
	a, err := getAnnouncement(tx, u64(mustID(annID)))
	if err != nil {
		return nil, err
	}
	out := []string{a.AuthorID}
	err = tx.Bucket(bUsers).ForEach(func(k, v []byte) error {
		u, err := decodeUser(v)
		if err != nil {
			return err
		}
		if u.Active && u.ID != a.AuthorID && hasRole(u, briefing.RoleManager) && containsFold(a.Departments, u.Department) {
			out = append(out, u.ID)
		}
		return nil
	})
	// A job walks its people in ascending id order behind a cursor: an author
	// with a higher id than a manager, left first, would be mailed again on
	// every chunk and the job would never finish.
	slices.SortFunc(out, func(x, y string) int { return cmp.Compare(mustID(x), mustID(y)) })
	return out, err
}

func hasRole(u *briefing.User, r briefing.Role) bool {
	for _, have := range u.Roles {
		if have == r {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MailJob is a notification job as the mail worker sees it.
type MailJob struct {
	ID             string
	Kind           MailKind
	AnnouncementID string
	DeliveryID     string
	ChannelID      string
	QuestionIDs    []string
	Attempts       int
	NextAttemptAt  time.Time
}

// MailRecipient is one person a job still has to reach, with the
// language and time zone they chose ("" for the organisation's), in which
// their mail is written.
type MailRecipient struct {
	UserID, Email, Name string
	Language, TimeZone  string
}

// DueMailJobs lists the jobs whose next attempt is due.
func (s *Store) DueMailJobs() ([]MailJob, error) {
	var out []MailJob
	now := s.now()
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bMailJobs).ForEach(func(k, v []byte) error {
			var j mailJob
			if err := json.Unmarshal(v, &j); err != nil {
				return err
			}
			if !j.NextAttemptAt.After(now) {
				out = append(out, MailJob{j.ID, j.Kind, j.AnnouncementID, j.DeliveryID, j.ChannelID, j.QuestionIDs, j.Attempts, j.NextAttemptAt})
			}
			return nil
		})
	})
	return out, err
}

// NextMailRecipients returns up to limit people the job has yet to reach,
// after its cursor. Reminders skip whoever has acknowledged meanwhile.
func (s *Store) NextMailRecipients(jobID string, limit int) ([]MailRecipient, error) {
	var out []MailRecipient
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bMailJobs).Get(u64(mustID(jobID)))
		if v == nil {
			return briefing.NotFound("no such mail job")
		}
		var j mailJob
		if err := json.Unmarshal(v, &j); err != nil {
			return err
		}
		add := func(uid []byte) error {
			u, err := userByKey(tx, uid)
			if err != nil || !u.Active {
				return nil // gone from the directory: nobody to tell
			}
			out = append(out, MailRecipient{UserID: u.ID, Email: u.Email, Name: u.Name, Language: u.Language, TimeZone: u.TimeZone})
			return nil
		}
		if j.UserIDs != nil {
			for _, id := range j.UserIDs {
				if n := mustID(id); n > j.Cursor && len(out) < limit {
					if err := add(u64(n)); err != nil {
						return err
					}
				}
			}
			return nil
		}
		an := mustID(j.AnnouncementID)
		a, err := getAnnouncement(tx, u64(an))
		if err != nil {
			return err
		}
		prefix := u64(an)
		c := tx.Bucket(bReceipts).Cursor()
		for k, v := c.Seek(pair(an, j.Cursor+1)); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Next() {
			r := decodeReceipt(v)
			if r.departed {
				continue
			}
			if j.Kind == MailReminder {
				if r.ackCounts(a.CurrentEpoch()) || (j.Department != "" && a.Departments[r.dept] != j.Department) {
					continue
				}
			}
			if err := add(clone(k[8:])); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// AdvanceMailJob records that everyone up to and including userID has been
// mailed; done removes the finished job.
func (s *Store) AdvanceMailJob(jobID, userID string, done bool) error {
	return s.updateMailJob(jobID, func(j *mailJob) bool {
		if userID != "" {
			j.Cursor = mustID(userID)
		}
		j.Attempts, j.LastError = 0, ""
		return done
	})
}

// DeferMailJob records a failed send; the job is tried again after delay.
func (s *Store) DeferMailJob(jobID string, cause error, delay time.Duration) error {
	return s.updateMailJob(jobID, func(j *mailJob) bool {
		j.Attempts++
		j.LastError = cause.Error()
		j.NextAttemptAt = s.now().Add(delay)
		return false
	})
}

func (s *Store) updateMailJob(jobID string, fn func(j *mailJob) (remove bool)) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bMailJobs)
		k := u64(mustID(jobID))
		v := b.Get(k)
		if v == nil {
			return nil
		}
		var j mailJob
		if err := json.Unmarshal(v, &j); err != nil {
			return err
		}
		if fn(&j) {
			return b.Delete(k)
		}
		nv, err := json.Marshal(j)
		if err != nil {
			return err
		}
		return b.Put(k, nv)
	})
}

// Remind queues a reminder to every recipient in by's scope
// (briefing.ReceiptScope: requested is the department asked for, "" for
// every one the scope allows) who has not acknowledged, if
// briefing.CanRemind allows it now. It says how many that is now, and the
// scope it reached.
func (s *Store) Remind(annID string, by *briefing.User, requested string) (int, briefing.Scope, error) {
	n, err := parseID("announcement", annID)
	if err != nil {
		return 0, briefing.Scope{}, err
	}
	count := 0
	var scope briefing.Scope
	err = s.db.Update(func(tx *bolt.Tx) error {
		a, err := getAnnouncement(tx, u64(n))
		if err != nil {
			return err
		}
		now := s.now()
		total, depts := countsOf(tx, n)
		view := briefing.ReadinessView(a, briefing.ComputeReadiness(a, total, depts, now))
		if scope, err = briefing.ReminderScope(by, a, requested, view); err != nil {
			return err
		}
		if err := briefing.CanRemind(a, scope, now); err != nil {
			return err
		}
		count, err = queueReminder(tx, a, scope.Department, "user:"+by.ID, now)
		return err
	})
	return count, scope, err
}

// queueReminder is the reminder itself, manual or scheduled, once the
// rules allowed it: a mail job to whoever in the department ("" for
// everyone) has not acknowledged when it goes out, the time kept for the
// pace rule, and the audit event. It says how many it reaches now.
func queueReminder(tx *bolt.Tx, a *briefing.Announcement, department, actor string, now time.Time) (int, error) {
	n := mustID(a.ID)
	total, depts := countsOf(tx, n)
	count := total.Recipients - total.Acknowledged
	if department != "" {
		count = 0
		for i, d := range a.Departments {
			if d == department {
				count = depts[i].Recipients - depts[i].Acknowledged
			}
		}
	}
	if count > 0 {
		if err := enqueueMail(tx, mailJob{Kind: MailReminder, AnnouncementID: a.ID, Department: department}, now); err != nil {
			return 0, err
		}
		a.LastRemindedAt = &now
		if a.Reminders == nil {
			a.Reminders = map[string]time.Time{}
		}
		a.Reminders[department] = now
	}
	if err := putAnnouncement(tx, a); err != nil {
		return 0, err
	}
	return count, audit(tx, now, actor, "announcement.remind", "announcement:"+a.ID,
		jsonString(map[string]any{"department": department, "reminded": count}))
}
