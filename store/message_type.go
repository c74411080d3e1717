package store

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// The message types: typeID → JSON briefing.MessageType. A handful per
// organisation, so they are read whole.

func getMessageType(tx *bolt.Tx, id string) (*briefing.MessageType, error) {
	n, err := parseID("message type", id)
	if err != nil {
		return nil, briefing.NotFound("no such message type")
	}
	v := tx.Bucket(bMessageTypes).Get(u64(n))
	if v == nil {
		return nil, briefing.NotFound("no such message type")
	}
	var t briefing.MessageType
	return &t, json.Unmarshal(v, &t)
}

func putMessageType(tx *bolt.Tx, t *briefing.MessageType) error {
	v, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return tx.Bucket(bMessageTypes).Put(u64(mustID(t.ID)), v)
}

func validateType(tx *bolt.Tx, t *briefing.MessageType) error {
	channels := tx.Bucket(bChannels)
	return t.Validate(func(id string) bool {
		n, err := parseID("channel", id)
		return err == nil && channels.Get(u64(n)) != nil
	})
}

// checkType applies briefing.CheckType to a in tx.
func checkType(tx *bolt.Tx, a *briefing.Announcement, isNew bool) error {
	first, _ := tx.Bucket(bMessageTypes).Cursor().First()
	exist := first != nil
	var t *briefing.MessageType
	if a.TypeID != "" {
		t, _ = getMessageType(tx, a.TypeID)
	}
	return briefing.CheckType(a, t, exist, isNew)
}

// CreateMessageType stores a new type and fills in its id.
func (s *Store) CreateMessageType(t *briefing.MessageType, actor string) error {
	t.Normalize()
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := validateType(tx, t); err != nil {
			return err
		}
		id, err := tx.Bucket(bMessageTypes).NextSequence()
		if err != nil {
			return err
		}
		t.ID, t.CreatedAt = formatID(id), s.now()
		if err := putMessageType(tx, t); err != nil {
			return err
		}
		return audit(tx, t.CreatedAt, actor, "message_type.create", "message_type:"+t.ID, t.Name)
	})
}

// UpdateMessageType changes a type through fn (merge semantics are the
// caller's) and audits it.
func (s *Store) UpdateMessageType(id, actor string, fn func(t *briefing.MessageType) error) (*briefing.MessageType, error) {
	var t *briefing.MessageType
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		if t, err = getMessageType(tx, id); err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
		t.Normalize()
		if err := validateType(tx, t); err != nil {
			return err
		}
		if err := putMessageType(tx, t); err != nil {
			return err
		}
		return audit(tx, s.now(), actor, "message_type.update", "message_type:"+t.ID, t.Name)
	})
	return t, err
}

// MessageType returns one type.
func (s *Store) MessageType(id string) (*briefing.MessageType, error) {
	var t *briefing.MessageType
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		t, err = getMessageType(tx, id)
		return err
	})
	return t, err
}

// MessageTypes lists every type in id order.
func (s *Store) MessageTypes() ([]*briefing.MessageType, error) {
	out := []*briefing.MessageType{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bMessageTypes).ForEach(func(_, v []byte) error {
			var t briefing.MessageType
			if err := json.Unmarshal(v, &t); err != nil {
				return err
			}
			out = append(out, &t)
			return nil
		})
	})
	return out, err
}
