package store

import (
	"bytes"
	"encoding/json"
	"strings"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// Ask records a recipient's question on a briefing.
func (s *Store) Ask(annID, userID, text string) (*briefing.Question, error) {
	text = strings.TrimSpace(text)
	if err := briefing.ValidateText(text); err != nil {
		return nil, err
	}
	an, un, err := ids(annID, userID)
	if err != nil {
		return nil, err
	}
	var q *briefing.Question
	err = s.db.Update(func(tx *bolt.Tx) error {
		a, _, err := recipientOf(tx, an, un)
		if err != nil {
			return err
		}
		u, err := userByKey(tx, u64(un))
		if err != nil {
			return err
		}
		b := tx.Bucket(bQuestions)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		q = &briefing.Question{ID: formatID(id), AnnouncementID: annID, UserID: userID, AskerName: u.Name,
			Text: text, AskedAt: s.now()}
		if err := putQuestion(tx, q); err != nil {
			return err
		}
		if err := tx.Bucket(bQuestionAnn).Put(u64(id), u64(an)); err != nil {
			return err
		}
		if err := queueQuestionMail(tx, a, q.ID, q.AskedAt); err != nil {
			return err
		}
		return audit(tx, q.AskedAt, "user:"+userID, "question.ask", "announcement:"+annID, "question:"+q.ID)
	})
	return q, err
}

func putQuestion(tx *bolt.Tx, q *briefing.Question) error {
	type stored struct {
		briefing.Question
		AnnouncementID string `json:"announcement_id"`
		UserID         string `json:"user_id"`
		AnsweredBy     string `json:"answered_by,omitempty"`
	}
	v, err := json.Marshal(stored{*q, q.AnnouncementID, q.UserID, q.AnsweredBy})
	if err != nil {
		return err
	}
	return tx.Bucket(bQuestions).Put(pair(mustID(q.AnnouncementID), mustID(q.ID)), v)
}

func decodeQuestion(v []byte) (*briefing.Question, error) {
	var s struct {
		briefing.Question
		AnnouncementID string `json:"announcement_id"`
		UserID         string `json:"user_id"`
		AnsweredBy     string `json:"answered_by,omitempty"`
	}
	if err := json.Unmarshal(v, &s); err != nil {
		return nil, err
	}
	q := s.Question
	q.AnnouncementID, q.UserID, q.AnsweredBy = s.AnnouncementID, s.UserID, s.AnsweredBy
	return &q, nil
}

// Questions lists every question on an announcement, oldest first. Nothing
// is ever hidden or deleted.
func (s *Store) Questions(annID string) ([]*briefing.Question, error) {
	n, err := parseID("announcement", annID)
	if err != nil {
		return nil, err
	}
	out := []*briefing.Question{}
	err = s.db.View(func(tx *bolt.Tx) error {
		prefix := u64(n)
		c := tx.Bucket(bQuestions).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			q, err := decodeQuestion(v)
			if err != nil {
				return err
			}
			out = append(out, q)
		}
		return nil
	})
	return out, err
}

func unanswered(tx *bolt.Tx, annID uint64) int {
	n := 0
	prefix := u64(annID)
	c := tx.Bucket(bQuestions).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if q, err := decodeQuestion(v); err == nil && q.AnsweredAt == nil {
			n++
		}
	}
	return n
}

// Answer records an author's answer to a question. A second answer replaces
// the first, and the audit log keeps both.
func (s *Store) Answer(questionID, actor, text string) (*briefing.Question, error) {
	text = strings.TrimSpace(text)
	if err := briefing.ValidateText(text); err != nil {
		return nil, err
	}
	qn, err := parseID("question", questionID)
	if err != nil {
		return nil, err
	}
	var q *briefing.Question
	err = s.db.Update(func(tx *bolt.Tx) error {
		an := tx.Bucket(bQuestionAnn).Get(u64(qn))
		if an == nil {
			return briefing.NotFound("no such question")
		}
		v := tx.Bucket(bQuestions).Get(pair(bytesToU64(an), qn))
		if v == nil {
			return briefing.NotFound("no such question")
		}
		if q, err = decodeQuestion(v); err != nil {
			return err
		}
		now := s.now()
		q.Answer, q.AnsweredAt, q.AnsweredBy = text, &now, actor
		if err := putQuestion(tx, q); err != nil {
			return err
		}
		if err := queueAnswerMail(tx, q, now); err != nil {
			return err
		}
		return audit(tx, now, actor, "question.answer", "announcement:"+q.AnnouncementID, "question:"+q.ID+": "+text)
	})
	return q, err
}
