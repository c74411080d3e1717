package store

import (
	"bytes"
	"encoding/binary"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// Export gathers everything stored about one person in one read
// transaction (GDPR Art. 15). Each part is read by an index:
//
//   - profile: the user record, without the password hash;
//   - receipts: the inbox index (user | announcement) and each receipt;
//   - questions: only recipients ask, so the questions of the person's
//     announcements (annID | questionID), those they asked;
//   - sessions: the sessions_by_user index, the unexpired ones;
//   - audit: the audit_by_user index; the acknowledgement events, which
//     are not indexed (the hottest write path), are the ones the
//     receipts mirror (same time, to the microsecond), as audit wrote
//     them: none in works-council mode, none once retention erased them.
func (s *Store) Export(userID string) (*briefing.PersonalData, error) {
	un, err := parseID("user", userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := &briefing.PersonalData{ExportedAt: now, Receipts: []briefing.PersonalReceipt{},
		Questions: []briefing.PersonalQuestion{}, Sessions: []briefing.PersonalSession{}, Audit: []briefing.Event{}}
	err = s.db.View(func(tx *bolt.Tx) error {
		u, err := userByKey(tx, u64(un))
		if err != nil {
			return err
		}
		out.Profile = *u
		out.Profile.PasswordHash = nil
		receipts := tx.Bucket(bReceipts)
		var acks []briefing.Event
		prefix := u64(un)
		c := tx.Bucket(bInbox).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			an := bytesToU64(k[8:])
			a, err := getAnnouncement(tx, u64(an))
			if err != nil {
				return err
			}
			r := decodeReceipt(receipts.Get(pair(an, un)))
			if t := fromMicros(r.ackAt); t != nil && briefing.PersonLevelVisible(a) {
				acks = append(acks, briefing.Event{At: *t, Actor: "user:" + userID, Action: actionAcknowledge, Target: "announcement:" + a.ID})
			}
			out.Receipts = append(out.Receipts, briefing.PersonalReceipt{AnnouncementID: a.ID, Title: a.Title,
				Status: r.status(), ReadAt: fromMicros(r.readAt), AcknowledgedAt: fromMicros(r.ackAt),
				TimesErased: erased(r.readAt) || erased(r.ackAt)})
			if err := askedBy(tx, an, userID, out); err != nil {
				return err
			}
		}
		sessions := tx.Bucket(bSessions)
		sc := tx.Bucket(bSessionsByUser).Cursor()
		for k, _ := sc.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = sc.Next() {
			v := sessions.Get(k[8:])
			if len(v) < 16 {
				continue
			}
			exp := time.Unix(int64(binary.BigEndian.Uint64(v[8:16])), 0).UTC()
			if exp.Before(now) {
				continue
			}
			ps := briefing.PersonalSession{ExpiresAt: exp}
			if len(v) >= 24 {
				t := time.Unix(int64(binary.BigEndian.Uint64(v[16:24])), 0).UTC()
				ps.CreatedAt = &t
			}
			out.Sessions = append(out.Sessions, ps)
		}
		if out.Audit, err = userEvents(tx, un); err != nil {
			return err
		}
		out.Audit = append(append([]briefing.Event{}, out.Audit...), acks...)
		slices.SortStableFunc(out.Audit, func(x, y briefing.Event) int { return y.At.Compare(x.At) })
		return nil
	})
	return out, err
}

func askedBy(tx *bolt.Tx, annID uint64, userID string, out *briefing.PersonalData) error {
	prefix := u64(annID)
	c := tx.Bucket(bQuestions).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		q, err := decodeQuestion(v)
		if err != nil {
			return err
		}
		if q.UserID == userID {
			out.Questions = append(out.Questions, briefing.PersonalQuestion{ID: q.ID, AnnouncementID: q.AnnouncementID,
				Text: q.Text, AskedAt: q.AskedAt, Answer: q.Answer, AnsweredAt: q.AnsweredAt})
		}
	}
	return nil
}
