package store

import (
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// storedAnnouncement is the metadata record: everything but the body, which
// lives in its own bucket so that the gate, read on every acknowledgement,
// decodes a small record. The unexported-in-JSON fields of the domain type
// are kept here explicitly.
type storedAnnouncement struct {
	briefing.Announcement
	Departments   []string `json:"departments,omitempty"`
	ReleaseReason string   `json:"release_reason,omitempty"`
}

type storedBody struct {
	Markdown          string `json:"markdown"`
	HTML              string `json:"html,omitempty"`
	TalkingPoints     string `json:"talking_points,omitempty"`
	TalkingPointsHTML string `json:"talking_points_html,omitempty"`
}

func getAnnouncement(tx *bolt.Tx, key []byte) (*briefing.Announcement, error) {
	v := tx.Bucket(bAnnouncements).Get(key)
	if v == nil {
		return nil, briefing.NotFound("no such announcement")
	}
	if a, ok := decodedAnnouncements.get(key, v); ok {
		return a, nil
	}
	var sa storedAnnouncement
	if err := json.Unmarshal(v, &sa); err != nil {
		return nil, err
	}
	a := sa.Announcement
	a.Departments, a.ReleaseReason = sa.Departments, sa.ReleaseReason
	decodedAnnouncements.put(key, v, &a)
	return &a, nil
}

func putAnnouncement(tx *bolt.Tx, a *briefing.Announcement) error {
	meta := *a
	meta.Body, meta.TalkingPoints = "", ""
	v, err := json.Marshal(storedAnnouncement{Announcement: meta, Departments: a.Departments, ReleaseReason: a.ReleaseReason})
	if err != nil {
		return err
	}
	return tx.Bucket(bAnnouncements).Put(u64(mustID(a.ID)), v)
}

func putBody(tx *bolt.Tx, a *briefing.Announcement) error {
	v, err := json.Marshal(storedBody{Markdown: a.Body, HTML: a.HTML, TalkingPoints: a.TalkingPoints, TalkingPointsHTML: a.TalkingPointsHTML})
	if err != nil {
		return err
	}
	return tx.Bucket(bBodies).Put(u64(mustID(a.ID)), v)
}

func loadBody(tx *bolt.Tx, a *briefing.Announcement) error {
	var b storedBody
	key := u64(mustID(a.ID))
	if v := tx.Bucket(bBodies).Get(key); v != nil {
		if c, ok := decodedBodies.get(key, v); ok {
			b = *c
		} else {
			if err := json.Unmarshal(v, &b); err != nil {
				return err
			}
			decodedBodies.put(key, v, &b)
		}
	}
	a.Body, a.HTML = b.Markdown, b.HTML
	a.TalkingPoints, a.TalkingPointsHTML = b.TalkingPoints, b.TalkingPointsHTML
	return nil
}

// CreateAnnouncement stores a new draft and fills in its id and slug.
func (s *Store) CreateAnnouncement(a *briefing.Announcement, actor string) error {
	// Normalising is linear in the audience, and done before the write
	// lock: an audience of tens of thousands of people must not hold up
	// every acknowledgement.
	a.Normalize()
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := validateDraft(tx, a); err != nil {
			return err
		}
		if err := checkType(tx, a, true); err != nil {
			return err
		}
		id, err := tx.Bucket(bAnnouncements).NextSequence()
		if err != nil {
			return err
		}
		now := s.now()
		a.ID = formatID(id)
		a.Slug = briefing.Slugify(a.Title) + "-" + a.ID
		a.State = briefing.StateDraft
		a.CreatedAt, a.UpdatedAt = now, now
		if a.CreatedBy == "" {
			a.CreatedBy = a.AuthorID
		}
		a.LastEditedBy = a.CreatedBy
		if err := putAnnouncement(tx, a); err != nil {
			return err
		}
		if err := putBody(tx, a); err != nil {
			return err
		}
		return audit(tx, now, actor, "announcement.create", "announcement:"+a.ID, a.Title)
	})
}

// validateDraft checks a normalised draft against the domain's rules, the
// channels that exist and its message type's channels.
func validateDraft(tx *bolt.Tx, a *briefing.Announcement) error {
	channels := tx.Bucket(bChannels)
	if err := a.Validate(func(id string) bool {
		n, err := parseID("channel", id)
		return err == nil && channels.Get(u64(n)) != nil
	}); err != nil {
		return err
	}
	err := briefing.CheckChannelTexts(a, func(id string) *briefing.Channel {
		c, err := getChannel(tx, u64(mustID(id)))
		if err != nil {
			return nil
		}
		return c
	})
	if err != nil {
		return err
	}
	return checkType(tx, a, false)
}

// Announcement returns an announcement with its body.
func (s *Store) Announcement(id string) (*briefing.Announcement, error) {
	n, err := parseID("announcement", id)
	if err != nil {
		return nil, err
	}
	var a *briefing.Announcement
	err = s.db.View(func(tx *bolt.Tx) error {
		if a, err = getAnnouncement(tx, u64(n)); err != nil {
			return err
		}
		return loadBody(tx, a)
	})
	return a, err
}

// UpdateDraft changes a draft through fn (merge semantics are the
// caller's); what briefing.CanEdit refuses is a conflict. An edit of an
// announcement in review or approved takes it back to draft
// (briefing.VoidsApproval), audited with the approval it voids. fn and the
// normalising run outside the write transaction, on a copy; the write
// takes the result only if nobody changed the draft meanwhile, and
// otherwise starts again from the newer draft.
func (s *Store) UpdateDraft(id, actor string, fn func(a *briefing.Announcement) error) (*briefing.Announcement, error) {
	n, err := parseID("announcement", id)
	if err != nil {
		return nil, err
	}
	for {
		var a *briefing.Announcement
		err = s.db.View(func(tx *bolt.Tx) error {
			if a, err = getAnnouncement(tx, u64(n)); err != nil {
				return err
			}
			if err := briefing.CanEdit(a); err != nil {
				return err
			}
			return loadBody(tx, a)
		})
		if err != nil {
			return nil, err
		}
		base := a.UpdatedAt
		if err := fn(a); err != nil {
			return nil, err
		}
		a.Normalize()
		stale := false
		err = s.db.Update(func(tx *bolt.Tx) error {
			cur, err := getAnnouncement(tx, u64(n))
			if err != nil {
				return err
			}
			if err := briefing.CanEdit(cur); err != nil {
				return err
			}
			if !cur.UpdatedAt.Equal(base) {
				stale = true
				return nil
			}
			if err := validateDraft(tx, a); err != nil {
				return err
			}
			a.Slug = briefing.Slugify(a.Title) + "-" + a.ID
			detail := ""
			if briefing.VoidsApproval(cur) {
				detail = jsonString(map[string]string{"was": string(cur.State), "now": string(briefing.StateDraft)})
				a.State, a.Review = briefing.StateDraft, nil
			}
			if id := actorUserID(actor); id != "" {
				a.LastEditedBy = id
			}
			a.UpdatedAt = s.now()
			if !a.UpdatedAt.After(base) {
				// Two saves within the clock's resolution must still
				// tell a later draft from an earlier one.
				a.UpdatedAt = base.Add(time.Nanosecond)
			}
			if err := putAnnouncement(tx, a); err != nil {
				return err
			}
			if err := putBody(tx, a); err != nil {
				return err
			}
			return audit(tx, a.UpdatedAt, actor, "announcement.update", "announcement:"+a.ID, detail)
		})
		if err != nil {
			return nil, err
		}
		if !stale {
			return a, nil
		}
	}
}

// AnnouncementFilter selects announcements.
type AnnouncementFilter struct {
	State briefing.State
	After string // cursor: announcements older than this id
	Limit int
}

// Announcements lists announcement metadata (no bodies), newest first.
func (s *Store) Announcements(f AnnouncementFilter) (list []*briefing.Announcement, next string, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bAnnouncements).Cursor()
		k, _ := c.Last()
		if f.After != "" {
			n, err := parseID("announcement", f.After)
			if err != nil {
				return briefing.Invalid("after", "the cursor is not valid")
			}
			c.Seek(u64(n))
			k, _ = c.Prev()
		}
		for ; k != nil; k, _ = c.Prev() {
			a, err := getAnnouncement(tx, k)
			if err != nil {
				return err
			}
			if f.State != "" && a.State != f.State {
				continue
			}
			if f.Limit > 0 && len(list) == f.Limit {
				next = list[len(list)-1].ID
				return nil
			}
			list = append(list, a)
		}
		return nil
	})
	return list, next, err
}

// ReleasedBySlug returns a released announcement for the public newsroom;
// anything else is not found, so the public learns nothing of it.
func (s *Store) ReleasedBySlug(slug string) (*briefing.Announcement, error) {
	id := slug
	if i := lastDash(slug); i >= 0 {
		id = slug[i+1:]
	}
	a, err := s.Announcement(id)
	if err != nil || a.State != briefing.StateReleased || a.Slug != slug {
		return nil, briefing.NotFound("no such news")
	}
	return a, nil
}

func lastDash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '-' {
			return i
		}
	}
	return -1
}
