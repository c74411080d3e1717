package store

import (
	"encoding/json"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// queueQuestionMail tells the announcement's author of a new question, at
// the time briefing.QuestionMailAt gives: at once, or in the digest at the
// end of the current window. The digest is a mail job on disk, so a
// restart loses none.
func queueQuestionMail(tx *bolt.Tx, a *briefing.Announcement, questionID string, now time.Time) error {
	due := briefing.QuestionMailAt(a.QuestionMailAt, now)
	if due.After(now) && a.QuestionJob != "" {
		joined, err := joinQuestionDigest(tx, a.QuestionJob, questionID, due)
		if err != nil || joined {
			return err
		}
	}
	id, err := enqueueMailAt(tx, mailJob{Kind: MailQuestion, AnnouncementID: a.ID, UserIDs: []string{a.AuthorID},
		QuestionIDs: []string{questionID}}, due)
	if err != nil {
		return err
	}
	a.QuestionMailAt, a.QuestionJob = &due, id
	return putAnnouncement(tx, a)
}

// joinQuestionDigest adds a question to a digest that has not gone yet.
func joinQuestionDigest(tx *bolt.Tx, jobID, questionID string, due time.Time) (bool, error) {
	b := tx.Bucket(bMailJobs)
	k := u64(mustID(jobID))
	v := b.Get(k)
	if v == nil {
		return false, nil
	}
	var j mailJob
	if err := json.Unmarshal(v, &j); err != nil {
		return false, err
	}
	if j.Kind != MailQuestion || j.Cursor != 0 || !j.NextAttemptAt.Equal(due) {
		return false, nil
	}
	if !slices.Contains(j.QuestionIDs, questionID) {
		j.QuestionIDs = append(j.QuestionIDs, questionID)
	}
	nv, err := json.Marshal(j)
	if err != nil {
		return false, err
	}
	return true, b.Put(k, nv)
}

// queueAnswerMail tells the asker the answer.
func queueAnswerMail(tx *bolt.Tx, q *briefing.Question, now time.Time) error {
	return enqueueMail(tx, mailJob{Kind: MailAnswer, AnnouncementID: q.AnnouncementID, UserIDs: []string{q.UserID},
		QuestionIDs: []string{q.ID}}, now)
}
