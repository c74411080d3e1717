package store

import (
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// storedChannel is a channel as stored: its public fields and, beside
// them, the kind's config (secrets included) as one blob, sealed
// (channel_secret.go) so that neither the file nor a backup holds a secret
// in clear; briefing.Channel never marshals it. encodeChannel and
// decodeChannel are the one place the blob is written and read.
type storedChannel struct {
	briefing.Channel
	SealedConfig []byte `json:"sealed_config"`
}

func encodeChannel(tx *bolt.Tx, key []byte, c *briefing.Channel) ([]byte, error) {
	sealed, err := sealChannelConfig(tx, key, c.Config)
	if err != nil {
		return nil, err
	}
	return json.Marshal(storedChannel{Channel: *c, SealedConfig: sealed})
}

func decodeChannel(tx *bolt.Tx, key, v []byte) (*briefing.Channel, error) {
	var sc storedChannel
	if err := json.Unmarshal(v, &sc); err != nil {
		return nil, err
	}
	config, err := openChannelConfig(tx, key, sc.SealedConfig)
	if err != nil {
		return nil, err
	}
	sc.Channel.Config = config
	return &sc.Channel, nil
}

// channelKind reads a stored channel's kind alone, without opening its config.
func channelKind(v []byte) (briefing.ChannelKind, error) {
	var sc struct {
		Kind briefing.ChannelKind `json:"kind"`
	}
	err := json.Unmarshal(v, &sc)
	return sc.Kind, err
}

func getChannel(tx *bolt.Tx, key []byte) (*briefing.Channel, error) {
	v := tx.Bucket(bChannels).Get(key)
	if v == nil {
		return nil, briefing.NotFound("no such channel")
	}
	return decodeChannel(tx, key, v)
}

func putChannel(tx *bolt.Tx, c *briefing.Channel) error {
	key := u64(mustID(c.ID))
	v, err := encodeChannel(tx, key, c)
	if err != nil {
		return err
	}
	return tx.Bucket(bChannels).Put(key, v)
}

// CreateChannel stores a new external channel.
func (s *Store) CreateChannel(c *briefing.Channel, actor string) error {
	if err := briefing.CanCreateChannel(c); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := insertChannel(tx, c, s.now()); err != nil {
			return err
		}
		return audit(tx, c.CreatedAt, actor, "channel.create", "channel:"+c.ID, string(c.Kind)+" "+c.Name)
	})
}

func insertChannel(tx *bolt.Tx, c *briefing.Channel, now time.Time) error {
	id, err := tx.Bucket(bChannels).NextSequence()
	if err != nil {
		return err
	}
	c.ID, c.CreatedAt = formatID(id), now
	return putChannel(tx, c)
}

// Channel returns a channel with its config.
func (s *Store) Channel(id string) (*briefing.Channel, error) {
	n, err := parseID("channel", id)
	if err != nil {
		return nil, err
	}
	var c *briefing.Channel
	err = s.db.View(func(tx *bolt.Tx) error {
		c, err = getChannel(tx, u64(n))
		return err
	})
	return c, err
}

// Channels lists every channel in id order.
func (s *Store) Channels() ([]*briefing.Channel, error) {
	var out []*briefing.Channel
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bChannels).ForEach(func(k, _ []byte) error {
			c, err := getChannel(tx, k)
			if err == nil {
				out = append(out, c)
			}
			return err
		})
	})
	return out, err
}

// SetChannelDisabled turns a channel off (with the reason) or back on.
func (s *Store) SetChannelDisabled(id, actor string, disabled bool, note string) error {
	n, err := parseID("channel", id)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		c, err := getChannel(tx, u64(n))
		if err != nil {
			return err
		}
		if disabled {
			if err := briefing.CanDisableChannel(c); err != nil {
				return err
			}
		}
		c.Disabled, c.Note = disabled, note
		if err := putChannel(tx, c); err != nil {
			return err
		}
		action := "channel.enable"
		if disabled {
			action = "channel.disable"
		}
		return audit(tx, s.now(), actor, action, "channel:"+id, note)
	})
}

// channelCatalogue is migration 7: the awaiting and checks buckets and the newsroom.
func channelCatalogue(tx *bolt.Tx) error {
	for _, b := range [][]byte{bAwaiting, bChecks} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return ensureNewsroom(tx)
}

// ensureNewsroom creates the built-in newsroom channel unless one exists
// (migration 7, and so every new database's first start).
func ensureNewsroom(tx *bolt.Tx) error {
	found := false
	err := tx.Bucket(bChannels).ForEach(func(_, v []byte) error {
		kind, err := channelKind(v)
		if err == nil && kind == briefing.KindNewsroom {
			found = true
		}
		return err
	})
	if err != nil || found {
		return err
	}
	c := &briefing.Channel{Name: briefing.NewsroomName, Kind: briefing.KindNewsroom,
		Purpose: "Everyone: the public newsroom at /news and its Atom feed", Config: json.RawMessage("{}")}
	// Not audited: it is part of the schema, nobody's decision.
	return insertChannel(tx, c, time.Now().UTC())
}
