package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// channelRecord names a channel's record for its sealed config, so a
// config copied onto another channel does not open.
func channelRecord(key []byte) []byte { return append([]byte("channels/"), key...) }

// sealChannelConfig seals the config blob of the channel stored under key.
func sealChannelConfig(tx *bolt.Tx, key, config []byte) ([]byte, error) {
	box, err := boxOf(tx)
	if err != nil {
		return nil, err
	}
	return box.seal(config, channelRecord(key)), nil
}

// openChannelConfig opens what sealChannelConfig sealed. An error names the
// channel and never quotes the data.
func openChannelConfig(tx *bolt.Tx, key, sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, fmt.Errorf("channel %d has no sealed config", bytesToU64(key))
	}
	box, err := boxOf(tx)
	if err != nil {
		return nil, err
	}
	config, err := box.open(sealed, channelRecord(key))
	if err != nil {
		return nil, fmt.Errorf("channel %d: %w", bytesToU64(key), err)
	}
	return config, nil
}

// sealChannelSecrets is the migration that seals the configs that builds
// before it stored in clear ({"config": {...}} beside the public fields):
// each becomes "sealed_config". The record is handled as raw JSON, so the
// migration stays right whatever the config types become. Having written
// clear secrets before, the file is then scrubbed (scrub.go).
func sealChannelSecrets(tx *bolt.Tx) error {
	b := tx.Bucket(bChannels)
	sealed := 0
	err := rewriteJSON(b, func(k, v []byte) ([]byte, error) {
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, fmt.Errorf("channel %d: %w", bytesToU64(k), err)
		}
		config, ok := rec["config"]
		if !ok {
			return nil, nil // sealed already
		}
		s, err := sealChannelConfig(tx, k, config)
		if err != nil {
			return nil, fmt.Errorf("sealing channel %d: %w", bytesToU64(k), err)
		}
		delete(rec, "config")
		if rec["sealed_config"], err = json.Marshal(s); err != nil {
			return nil, err
		}
		sealed++
		return json.Marshal(rec)
	})
	if err != nil || sealed == 0 {
		return err
	}
	return askScrub(tx)
}
