package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// receiverIDs is the migration that gives every delivery made before
// receiver ids existed the id its receiver has already seen: its sequence
// number, which older builds sent as webhook-id and Idempotency-Key. A
// fresh random id would break "the same on every retry" for a delivery
// that was in flight or is retried by hand later; every delivery made from
// now on gets a random one (createDelivery), so no new one can repeat an
// old one after a restore.
func receiverIDs(tx *bolt.Tx) error {
	return rewriteJSON(tx.Bucket(bDeliveries), func(k, v []byte) ([]byte, error) {
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, fmt.Errorf("delivery %d: %w", bytesToU64(k), err)
		}
		if id, ok := rec["receiver_id"]; ok && string(id) != `""` {
			return nil, nil
		}
		rec["receiver_id"], _ = json.Marshal(formatID(bytesToU64(k)))
		return json.Marshal(rec)
	})
}
