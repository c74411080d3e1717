package store

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

type recipient struct {
	id   uint64
	dept string
}

// Publish briefs a draft to its audience. In one transaction it resolves the
// audience to a frozen recipient list (the denominator of every ratio from
// now on), renders the body once, and writes the receipts, the inbox index
// and the per-department counters, so a crash leaves all or nothing.
func (s *Store) Publish(id, actor string) (*briefing.Announcement, error) {
	n, err := parseID("announcement", id)
	if err != nil {
		return nil, err
	}
	var a *briefing.Announcement
	err = s.db.Update(func(tx *bolt.Tx) error {
		if a, err = getAnnouncement(tx, u64(n)); err != nil {
			return err
		}
		required, err := approvalRequired(tx)
		if err != nil {
			return err
		}
		if err := briefing.CanPublish(a, required); err != nil {
			return err
		}
		if err := loadBody(tx, a); err != nil {
			return err
		}
		if err := validateDraft(tx, a); err != nil {
			return err
		}
		if a.HTML, err = briefing.RenderMarkdown(a.Body); err != nil {
			return briefing.Invalid("body", "the body could not be rendered: %v", err)
		}
		if a.TalkingPointsHTML, err = briefing.RenderMarkdown(a.TalkingPoints); err != nil {
			return briefing.Invalid("talking_points", "the talking points could not be rendered: %v", err)
		}
		recipients, err := resolveAudience(tx, &a.Audience)
		if err != nil {
			return err
		}
		if len(recipients) == 0 {
			return briefing.Invalid("audience", "the audience resolves to nobody: add departments, locations, roles or people")
		}
		set, err := getSettings(tx)
		if err != nil {
			return err
		}
		briefing.RecordPrivacy(a, set)
		a.Departments = departmentsOf(recipients)
		if err := fanOut(tx, n, recipients, a.Departments); err != nil {
			return err
		}
		now := s.now()
		a.State, a.PublishedAt, a.Recipients, a.UpdatedAt = briefing.StateBriefing, &now, len(recipients), now
		a.Version, a.MaterialVersion = 1, 1
		if err := putAnnouncement(tx, a); err != nil {
			return err
		}
		if err := putBody(tx, a); err != nil {
			return err
		}
		if err := enqueueMail(tx, mailJob{Kind: MailBriefing, AnnouncementID: a.ID}, now); err != nil {
			return err
		}
		return audit(tx, now, actor, "announcement.publish", "announcement:"+a.ID,
			jsonString(map[string]int{"recipients": len(recipients)}))
	})
	if err == nil {
		s.signal(s.OnPublish)
	}
	return a, err
}

// parallelAudience is the directory size from which the records are
// decoded on every CPU rather than one.
const parallelAudience = 4096

// resolveAudience scans the directory once, in id order, decoding only the
// parts of each user that Audience.Matches reads (decodeAudienceUser: if
// Matches ever looks at another field of the user, decode it there). A
// large directory is decoded by one goroutine per CPU (the publish holds
// the write lock, so every acknowledgement waits for it): the cursor walks
// in this goroutine, the workers only read values, which point into pages
// that nobody changes while this transaction is open, and finish before it
// goes on.
func resolveAudience(tx *bolt.Tx, aud *briefing.Audience) ([]recipient, error) {
	var keys, vals [][]byte
	c := tx.Bucket(bUsers).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		keys, vals = append(keys, k), append(vals, v)
	}
	match := make([]bool, len(vals))
	depts := make([]string, len(vals))
	workers := 1
	if len(vals) >= parallelAudience {
		workers = runtime.GOMAXPROCS(0)
	}
	errs := make([]error, workers)
	chunk := (len(vals) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := min(w*chunk, len(vals)), min((w+1)*chunk, len(vals))
		wg.Go(func() {
			// Matches keeps nothing of u, so one User serves the chunk.
			var u briefing.User
			for i := lo; i < hi; i++ {
				if err := decodeAudienceUser(vals[i], &u); err != nil {
					errs[w] = fmt.Errorf("user %x: %w", keys[i], err)
					return
				}
				match[i], depts[i] = aud.Matches(&u), u.Department
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []recipient
	for i, k := range keys {
		if match[i] {
			out = append(out, recipient{id: bytesToU64(k), dept: depts[i]})
		}
	}
	return out, nil
}

func departmentsOf(rs []recipient) []string {
	var depts []string
	for _, r := range rs {
		depts = append(depts, r.dept)
	}
	slices.Sort(depts)
	return slices.Compact(depts)
}

// fanOut writes receipts, inbox entries and counters. Recipients come in id
// order, so receipt keys (annID|userID) and inbox keys (userID|annID) are
// both written in ascending order, which keeps bbolt's page splits cheap.
func fanOut(tx *bolt.Tx, annID uint64, rs []recipient, depts []string) error {
	receipts, inbox := tx.Bucket(bReceipts), tx.Bucket(bInbox)
	// The newest announcement's receipts sort after every older one's:
	// append-only, so full pages waste no space.
	receipts.FillPercent = 0.95
	// The inbox is keyed user|announcement, so the new entries land one per
	// person all over it. But bbolt splits a page only at commit, and this
	// is one transaction: every page it touches is rewritten anyway, so
	// pack them instead of leaving each split half empty (32 bytes of
	// entry took 64 at the default fill; docs/performance.md).
	inbox.FillPercent = 0.95
	index := make(map[string]uint16, len(depts))
	for i, d := range depts {
		index[d] = uint16(i)
	}
	counts := make([]counters, len(depts))
	for _, r := range rs {
		d := index[r.dept]
		counts[d].recipients++
		if err := receipts.Put(pair(annID, r.id), receipt{dept: d}.encode()); err != nil {
			return err
		}
		if err := inbox.Put(pair(r.id, annID), nil); err != nil {
			return err
		}
	}
	cb := tx.Bucket(bCounters)
	for i, c := range counts {
		if err := cb.Put(counterKey(annID, uint16(i)), c.encode()); err != nil {
			return err
		}
	}
	return nil
}

// countsOf reads an announcement's counters: the total and each department
// in the order of its frozen department list. O(departments).
func countsOf(tx *bolt.Tx, annID uint64) (total briefing.Counts, depts []briefing.Counts) {
	prefix := u64(annID)
	c := tx.Bucket(bCounters).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		cs := decodeCounters(v)
		d := briefing.Counts{Recipients: int(cs.recipients), Read: int(cs.read), Acknowledged: int(cs.acked), Departed: int(cs.departed)}
		depts = append(depts, d)
		total.Recipients += d.Recipients
		total.Read += d.Read
		total.Acknowledged += d.Acknowledged
		total.Departed += d.Departed
	}
	return total, depts
}
