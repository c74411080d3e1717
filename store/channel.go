package store

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// storedChannel keeps the config, secrets included, that briefing.Channel
// never marshals: secrets stay in the database and never reach the API.
// The config's JSON is sealed (channel_secret.go): neither the file nor a
// backup holds a secret in clear.
type storedChannel struct {
	briefing.Channel
	SealedConfig []byte `json:"sealed_config"`
}

func getChannel(tx *bolt.Tx, key []byte) (*briefing.Channel, error) {
	v := tx.Bucket(bChannels).Get(key)
	if v == nil {
		return nil, briefing.NotFound("no such channel")
	}
	var sc storedChannel
	if err := json.Unmarshal(v, &sc); err != nil {
		return nil, err
	}
	config, err := openChannelConfig(tx, key, sc.SealedConfig)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(config, &sc.Channel.Config); err != nil {
		return nil, err
	}
	return &sc.Channel, nil
}

func putChannel(tx *bolt.Tx, c *briefing.Channel) error {
	key := u64(mustID(c.ID))
	config, err := json.Marshal(c.Config)
	if err != nil {
		return err
	}
	sealed, err := sealChannelConfig(tx, key, config)
	if err != nil {
		return err
	}
	v, err := json.Marshal(storedChannel{Channel: *c, SealedConfig: sealed})
	if err != nil {
		return err
	}
	return tx.Bucket(bChannels).Put(key, v)
}

// CreateChannel stores a new external channel.
func (s *Store) CreateChannel(c *briefing.Channel, actor string) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		id, err := tx.Bucket(bChannels).NextSequence()
		if err != nil {
			return err
		}
		c.ID, c.CreatedAt = formatID(id), s.now()
		if err := putChannel(tx, c); err != nil {
			return err
		}
		return audit(tx, c.CreatedAt, actor, "channel.create", "channel:"+c.ID, string(c.Kind)+" "+c.Name)
	})
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
