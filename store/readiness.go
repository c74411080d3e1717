package store

import (
	"bytes"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// Readiness reads an announcement's readiness from its counters:
// O(departments), whatever the number of recipients.
func (s *Store) Readiness(annID string) (*briefing.Announcement, briefing.Readiness, error) {
	n, err := parseID("announcement", annID)
	if err != nil {
		return nil, briefing.Readiness{}, err
	}
	var a *briefing.Announcement
	var r briefing.Readiness
	err = s.db.View(func(tx *bolt.Tx) error {
		if a, err = getAnnouncement(tx, u64(n)); err != nil {
			return err
		}
		total, depts := countsOf(tx, n)
		// The one path to readiness for the API and the pages: in
		// works-council mode small departments are merged here.
		r = briefing.ReadinessView(a, briefing.ComputeReadiness(a, total, depts, s.now()))
		r.UnansweredQuestions = unanswered(tx, n)
		return nil
	})
	return a, r, err
}

// ReceiptFilter selects receipts.
type ReceiptFilter struct {
	Status briefing.ReceiptStatus
	// Department is the one department asked for ("" for all).
	Department string
	// Viewer, when set, is the person asking: briefing.ReceiptScope then
	// decides, in the transaction, which departments they may see. Unset,
	// the caller is the system itself (mail jobs, tests).
	Viewer *briefing.User
	After  string // cursor: the last user id of the previous page
	Limit  int    // 0: all
}

// Receipts lists an announcement's receipts in user id order, joined with
// the directory (name, e-mail) and the department frozen at publish.
func (s *Store) Receipts(annID string, f ReceiptFilter, fn func(r briefing.Receipt) error) (next string, err error) {
	n, err := parseID("announcement", annID)
	if err != nil {
		return "", err
	}
	var after uint64
	if f.After != "" {
		if after, err = parseID("user", f.After); err != nil {
			return "", briefing.Invalid("after", "the cursor is not valid")
		}
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		a, err := getAnnouncement(tx, u64(n))
		if err != nil {
			return err
		}
		if f.Viewer != nil {
			scope, err := briefing.ReceiptScope(f.Viewer, a, f.Department)
			if err != nil {
				return err
			}
			f.Department = scope.Department
		}
		prefix, users, epoch := u64(n), tx.Bucket(bUsers), a.CurrentEpoch()
		c := tx.Bucket(bReceipts).Cursor()
		count, last := 0, uint64(0)
		for k, v := c.Seek(pair(n, after+1)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			rc := decodeReceipt(v)
			if rc.departed {
				continue // left the list: not in the denominator, not listed
			}
			r := briefing.Receipt{AnnouncementID: a.ID, UserID: formatID(bytesToU64(k[8:])),
				AcknowledgedVersion: int(rc.ackVer),
				Progress:            rc.status(), TimesErased: erased(rc.readAt) || erased(rc.ackAt)}
			if rc.readCounts(epoch) {
				r.ReadAt = fromMicros(rc.readAt)
			}
			if rc.ackCounts(epoch) {
				r.AcknowledgedAt = fromMicros(rc.ackAt)
			}
			if int(rc.dept) < len(a.Departments) {
				r.Department = a.Departments[rc.dept]
			}
			if (f.Department != "" && r.Department != f.Department) || (f.Status != "" && r.Status() != f.Status) {
				continue
			}
			if f.Limit > 0 && count == f.Limit {
				next = formatID(last)
				return nil
			}
			if u, err := decodeUser(users.Get(k[8:])); err == nil {
				r.Email, r.Name = u.Email, u.Name
			}
			if err := fn(r); err != nil {
				return err
			}
			count, last = count+1, bytesToU64(k[8:])
		}
		return nil
	})
	return next, err
}

// CurvePoint is one step of the acknowledgement curve.
type CurvePoint struct {
	At           time.Time
	Acknowledged int
}

// AckCurve returns the acknowledgements over time, one point per
// acknowledgement (at most maxPoints, evenly thinned). It scans receipts, so
// it is for the dashboard's chart, not for the gate.
func (s *Store) AckCurve(annID string, maxPoints int) ([]CurvePoint, error) {
	n, err := parseID("announcement", annID)
	if err != nil {
		return nil, err
	}
	var times []int64
	err = s.db.View(func(tx *bolt.Tx) error {
		a, err := getAnnouncement(tx, u64(n))
		if err != nil {
			return err
		}
		// The curve of the acknowledgements that count: the current epoch's.
		epoch, prefix := a.CurrentEpoch(), u64(n)
		c := tx.Bucket(bReceipts).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if r := decodeReceipt(v); r.ackCounts(epoch) && !r.departed && !erased(r.ackAt) {
				times = append(times, r.ackAt)
			}
		}
		return nil
	})
	slices.Sort(times)
	step := 1
	if maxPoints > 0 && len(times) > maxPoints {
		step = (len(times) + maxPoints - 1) / maxPoints
	}
	var out []CurvePoint
	for i := 0; i < len(times); i += step {
		out = append(out, CurvePoint{At: *fromMicros(times[i]), Acknowledged: i + 1})
	}
	if len(times) > 0 && (len(out) == 0 || out[len(out)-1].Acknowledged != len(times)) {
		out = append(out, CurvePoint{At: *fromMicros(times[len(times)-1]), Acknowledged: len(times)})
	}
	return out, err
}
