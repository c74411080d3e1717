package store

import (
	"encoding/json"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// putUser stores u in its binary form (user_codec.go).
func putUser(b *bolt.Bucket, u *briefing.User) error {
	return b.Put(u64(mustID(u.ID)), encodeUser(u))
}

// CreateUser stores a new user and fills in its id. The e-mail address must
// be unique.
func (s *Store) CreateUser(u *briefing.User, actor string) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		u.CreatedAt = s.now()
		if err := createUser(tx, u); err != nil {
			return err
		}
		return audit(tx, s.now(), actor, "user.create", "user:"+u.ID, u.Email)
	})
}

func createUser(tx *bolt.Tx, u *briefing.User) error {
	byEmail := tx.Bucket(bUsersByEmail)
	if byEmail.Get([]byte(u.Email)) != nil {
		return briefing.Conflict("a user with the e-mail address %s already exists", u.Email)
	}
	users := tx.Bucket(bUsers)
	id, err := users.NextSequence()
	if err != nil {
		return err
	}
	u.ID = formatID(id)
	u.Active = true
	if err := putUser(users, u); err != nil {
		return err
	}
	return byEmail.Put([]byte(u.Email), u64(id))
}

// User returns the user with the given id.
func (s *Store) User(id string) (*briefing.User, error) {
	n, err := parseID("user", id)
	if err != nil {
		return nil, err
	}
	var u *briefing.User
	err = s.db.View(func(tx *bolt.Tx) error {
		u, err = userByKey(tx, u64(n))
		return err
	})
	return u, err
}

// userByKey reads the user stored under key; authentication calls it on
// every request. No decode cache (decode_cache.go) in front: that was for
// the JSON form (7.6 µs in BenchmarkDecodeUser, ~12 µs a request in the load
// tool's profile), and a hit, which copies the user out, took
// as long as the binary decode does (~0.75 µs with the lookup either way,
// BenchmarkUserByKey on the shared 2-core machines).
func userByKey(tx *bolt.Tx, key []byte) (*briefing.User, error) {
	v := tx.Bucket(bUsers).Get(key)
	if v == nil {
		return nil, briefing.NotFound("no such user")
	}
	return decodeUser(v)
}

// UserByEmail returns the user with the given address.
func (s *Store) UserByEmail(email string) (*briefing.User, error) {
	var u *briefing.User
	err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bUsersByEmail).Get([]byte(briefing.NormalizeEmail(email)))
		if id == nil {
			return briefing.NotFound("no user with the e-mail address %s", email)
		}
		var err error
		u, err = userByKey(tx, id)
		return err
	})
	return u, err
}

// UpdateUser changes a user through fn and keeps the e-mail index right.
// Every change to a person goes through here (API, admin page, SCIM), so
// the leaving rule (briefing.EndingOf) applies to all of them alike.
func (s *Store) UpdateUser(id, actor string, fn func(u *briefing.User) error) (*briefing.User, error) {
	return s.UpdateUserIn(id, actor, "", fn)
}

// UpdateUserIn is UpdateUser for a change made in a browser session: the
// session with that secret is the one a password change leaves open.
func (s *Store) UpdateUserIn(id, actor, session string, fn func(u *briefing.User) error) (*briefing.User, error) {
	n, err := parseID("user", id)
	if err != nil {
		return nil, err
	}
	var keep []byte
	if session != "" {
		keep = hashSecret(session)
	}
	var u *briefing.User
	var released bool
	err = s.db.Update(func(tx *bolt.Tx) error {
		if u, err = userByKey(tx, u64(n)); err != nil {
			return err
		}
		before := *u
		before.Roles = slices.Clone(u.Roles)
		old := u.Email
		if err := fn(u); err != nil {
			return err
		}
		u.Normalize()
		if err := u.Validate(); err != nil {
			return err
		}
		if err := briefing.CanChangeUser(strings.TrimPrefix(actor, "user:"), &before, u, func() int { return activeAdmins(tx) }); err != nil {
			return err
		}
		byEmail := tx.Bucket(bUsersByEmail)
		if u.Email != old {
			if byEmail.Get([]byte(u.Email)) != nil {
				return briefing.Conflict("a user with the e-mail address %s already exists", u.Email)
			}
			if err := byEmail.Delete([]byte(old)); err != nil {
				return err
			}
			if err := byEmail.Put([]byte(u.Email), u64(n)); err != nil {
				return err
			}
		}
		if err := putUser(tx.Bucket(bUsers), u); err != nil {
			return err
		}
		now := s.now()
		if err := audit(tx, now, actor, "user.update", "user:"+u.ID, u.Email); err != nil {
			return err
		}
		released, err = s.applyEnding(tx, &before, u, keep, actor, now)
		return err
	})
	if err == nil && released {
		s.signal(s.OnRelease)
	}
	return u, err
}

// activeAdmins counts the active admins, for briefing.CanChangeUser.
func activeAdmins(tx *bolt.Tx) int {
	n := 0
	_ = tx.Bucket(bUsers).ForEach(func(_, v []byte) error {
		if u, err := decodeUser(v); err == nil && u.IsActiveAdmin() {
			n++
		}
		return nil
	})
	return n
}

// UserFilter selects users in a listing.
type UserFilter struct {
	Department string
	After      string // cursor: the last id of the previous page
	Limit      int
}

// Users lists users in id order, a page at a time; next is the cursor of the
// following page, or "" on the last.
func (s *Store) Users(f UserFilter) (users []*briefing.User, next string, err error) {
	err = s.EachUser(f.After, func(u *briefing.User) bool {
		if f.Department != "" && u.Department != f.Department {
			return true
		}
		if f.Limit > 0 && len(users) == f.Limit {
			next = users[len(users)-1].ID
			return false
		}
		users = append(users, u)
		return true
	})
	return users, next, err
}

// EachUser calls fn for every user after the cursor, in id order, until fn
// returns false.
func (s *Store) EachUser(after string, fn func(u *briefing.User) bool) error {
	var start []byte
	if after != "" {
		n, err := parseID("user", after)
		if err != nil {
			return briefing.Invalid("after", "the cursor is not valid")
		}
		start = u64(n + 1)
	}
	return s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bUsers).Cursor()
		k, v := c.First()
		if start != nil {
			k, v = c.Seek(start)
		}
		for ; k != nil; k, v = c.Next() {
			u, err := decodeUser(v)
			if err != nil {
				return err
			}
			if !fn(u) {
				return nil
			}
		}
		return nil
	})
}

// ImportResult reports a directory import.
type ImportResult struct {
	Created int           `json:"created"`
	Updated int           `json:"updated"`
	Errors  []ImportError `json:"errors"`
	// Invited is how many of the created people were invited (an import
	// with invitations).
	Invited int `json:"invited,omitempty"`
	// CreatedIDs are the ids of the people created, in the order created.
	CreatedIDs []string `json:"-"`
}

// ImportError is one line that could not be imported.
type ImportError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// ImportRow is one valid line of a directory import.
type ImportRow struct {
	Line int
	User briefing.User
}

// ImportUsers creates or updates users by e-mail address in one transaction.
// A row that fails validation is reported and the others still land.
// Passwords and the active flag of existing users are kept.
func (s *Store) ImportUsers(rows []ImportRow, actor string) (ImportResult, error) {
	res := ImportResult{Errors: []ImportError{}}
	err := s.db.Update(func(tx *bolt.Tx) error {
		res = ImportResult{Errors: []ImportError{}}
		users, byEmail := tx.Bucket(bUsers), tx.Bucket(bUsersByEmail)
		users.FillPercent = 0.95 // ids only grow: pack the pages
		now := s.now()
		for _, r := range rows {
			u := r.User
			u.Normalize()
			if err := u.Validate(); err != nil {
				res.Errors = append(res.Errors, ImportError{Line: r.Line, Message: briefing.ErrorMessage(err)})
				continue
			}
			if id := byEmail.Get([]byte(u.Email)); id != nil {
				old, err := decodeUser(users.Get(id))
				if err != nil {
					return err
				}
				before := *old
				old.Name, old.Department, old.Location, old.Roles = u.Name, u.Department, u.Location, u.Roles
				if err := briefing.CanChangeUser("", &before, old, func() int { return activeAdmins(tx) }); err != nil {
					res.Errors = append(res.Errors, ImportError{Line: r.Line, Message: briefing.ErrorMessage(err)})
					continue
				}
				if err := putUser(users, old); err != nil {
					return err
				}
				res.Updated++
				continue
			}
			u.CreatedAt = now
			if err := createUser(tx, &u); err != nil {
				return err
			}
			res.Created++
			res.CreatedIDs = append(res.CreatedIDs, u.ID)
		}
		return audit(tx, now, actor, "user.import", "users",
			jsonString(map[string]int{"created": res.Created, "updated": res.Updated, "errors": len(res.Errors)}))
	})
	return res, err
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// SetPreferences changes a person's own time zone and language; a nil one
// stays, an empty one goes back to the organisation's. It is audited as a
// user.update by the person themselves.
func (s *Store) SetPreferences(id string, timeZone, language *string) (*briefing.User, error) {
	return s.UpdateUser(id, "user:"+id, func(u *briefing.User) error {
		if timeZone != nil {
			u.TimeZone = *timeZone
		}
		if language != nil {
			u.Language = *language
		}
		return nil
	})
}
