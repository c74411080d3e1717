package store

import (
	"bytes"
	"encoding/json"
	"strings"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// versionText is the text of one version of a published announcement,
// kept so that recipients can see what changed between versions.
type versionText struct {
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Body    string `json:"body"`
}

func versionKey(annID uint64, version int) []byte { return pair(annID, uint64(version)) }

func textOf(a *briefing.Announcement) versionText {
	return versionText{Title: a.Title, Summary: a.Summary, Body: a.Body}
}

func putVersionText(tx *bolt.Tx, annID uint64, version int, t versionText) error {
	v, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return tx.Bucket(bRevisions).Put(versionKey(annID, version), v)
}

// Revise corrects a published announcement (briefing.CanRevise,
// briefing.RevisionNote) and answers the change it made. Every revision
// adds one to the version. A material one starts a new epoch: the
// counters' reads and acknowledgements go back to zero, one write per
// department, and receipts stay as they are (each holds the version it
// saw, so it counts again once its person reads and acknowledges the new
// version): O(departments), not O(recipients). Recipients are told by
// mail; the inbox puts the item back on top by itself.
func (s *Store) Revise(id string, by *briefing.User, rev briefing.Revision) (briefing.Change, error) {
	n, err := parseID("announcement", id)
	if err != nil {
		return briefing.Change{}, err
	}
	var ch briefing.Change
	var released bool
	err = s.db.Update(func(tx *bolt.Tx) error {
		a, err := getAnnouncement(tx, u64(n))
		if err != nil {
			return err
		}
		if err := briefing.CanRevise(a, &rev); err != nil {
			return err
		}
		note, err := briefing.RevisionNote(rev.Note)
		if err != nil {
			return err
		}
		if err := loadBody(tx, a); err != nil {
			return err
		}
		if tx.Bucket(bRevisions).Get(versionKey(n, a.Version)) == nil {
			// The first revision keeps the text as published.
			if err := putVersionText(tx, n, a.Version, textOf(a)); err != nil {
				return err
			}
		}
		rev.Apply(a)
		// Only the text and the channels change: the audience, already
		// normalised, is not walked again inside the write lock.
		a.Title, a.Summary = strings.TrimSpace(a.Title), strings.TrimSpace(a.Summary)
		if a.Channels == nil {
			a.Channels = []briefing.ChannelText{}
		}
		if err := validateDraft(tx, a); err != nil {
			return err
		}
		if a.HTML, err = briefing.RenderMarkdown(a.Body); err != nil {
			return briefing.Invalid("body", "the body could not be rendered: %v", err)
		}
		now := s.now()
		a.Version++
		ch = briefing.Change{Version: a.Version, At: now, Note: note, Material: rev.Material}
		a.Changes = append(a.Changes, ch)
		a.UpdatedAt, a.LastEditedBy = now, by.ID
		if rev.Material {
			a.MaterialVersion = a.Version
			if err := newEpoch(tx, n); err != nil {
				return err
			}
			if err := enqueueMail(tx, mailJob{Kind: MailRevised, AnnouncementID: a.ID}, now); err != nil {
				return err
			}
		}
		if err := putAnnouncement(tx, a); err != nil {
			return err
		}
		if err := putBody(tx, a); err != nil {
			return err
		}
		if err := putVersionText(tx, n, a.Version, textOf(a)); err != nil {
			return err
		}
		if err := audit(tx, now, "user:"+by.ID, "announcement.revise", "announcement:"+a.ID,
			jsonString(map[string]any{"version": a.Version, "material": rev.Material, "note": note})); err != nil {
			return err
		}
		// Channels added to an internal briefing may let the gate open.
		released, err = gate(tx, a, now)
		return err
	})
	if err == nil {
		s.signal(s.OnPublish) // the mail worker
		if released {
			s.signal(s.OnRelease)
		}
	}
	return ch, err
}

// newEpoch zeroes the reads and acknowledgements of every department of
// an announcement, keeping recipients and departures.
func newEpoch(tx *bolt.Tx, annID uint64) error {
	b := tx.Bucket(bCounters)
	prefix := u64(annID)
	var keys [][]byte
	var vals []counters
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		cs := decodeCounters(v)
		cs.read, cs.acked = 0, 0
		keys, vals = append(keys, clone(k)), append(vals, cs)
	}
	for i, k := range keys {
		if err := b.Put(k, vals[i].encode()); err != nil {
			return err
		}
	}
	return nil
}

// VersionTexts returns the title, summary and body of versions from and
// to of an announcement, for the diff a recipient sees. A version with no
// stored text (never revised) is not found.
func (s *Store) VersionTexts(annID string, from, to int) (old, cur VersionText, err error) {
	n, err := parseID("announcement", annID)
	if err != nil {
		return old, cur, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		for _, p := range []struct {
			v   int
			out *VersionText
		}{{from, &old}, {to, &cur}} {
			raw := tx.Bucket(bRevisions).Get(versionKey(n, p.v))
			if raw == nil {
				return briefing.NotFound("version %d of announcement %s is not kept", p.v, annID)
			}
			var t versionText
			if err := json.Unmarshal(raw, &t); err != nil {
				return err
			}
			*p.out = VersionText(t)
		}
		return nil
	})
	return old, cur, err
}

// VersionText is the title, summary and body of one version.
type VersionText struct {
	Title, Summary, Body string
}

// LoadBody fills in the body of an announcement read without it
// (Readiness, the lists): the correction form shows it.
func (s *Store) LoadBody(a *briefing.Announcement) error {
	return s.db.View(func(tx *bolt.Tx) error { return loadBody(tx, a) })
}
