package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// Bucket names, drawn in doc.go.
var (
	bMeta          = []byte("meta")
	bUsers         = []byte("users")
	bUsersByEmail  = []byte("users_by_email")
	bTokens        = []byte("tokens")
	bSessions      = []byte("sessions")
	bAudit         = []byte("audit")
	bAnnouncements = []byte("announcements")
	bBodies        = []byte("bodies")
	bReceipts      = []byte("receipts")
	bInbox         = []byte("inbox")
	bCounters      = []byte("counters")
	bQuestions     = []byte("questions")
	bQuestionAnn   = []byte("question_ann")
	bChannels      = []byte("channels")
	bDeliveries    = []byte("deliveries")
	bDeliveriesAnn = []byte("deliveries_by_ann")
	bOutbox        = []byte("outbox")
	bMailJobs      = []byte("mail_jobs")
	// schema 6
	bTokensByUser   = []byte("tokens_by_user")
	bSessionsByUser = []byte("sessions_by_user")
	bAwaiting       = []byte("awaiting") // manual deliveries awaiting their person: delivery id → nothing
	bChecks         = []byte("checks")   // announcement id → its channels' latest preflight (JSON)
	// schema 8
	bLinks        = []byte("links")
	bLinksByUser  = []byte("links_by_user")
	bAuditByUser  = []byte("audit_by_user")
	bRevisions    = []byte("revisions")
	bMessageTypes = []byte("message_types")
	// schema 11
	bOAuthStates = []byte("oauth_states")
)

var keySchema = []byte("schema")

// migrations is append-only: migration i brings the schema from version i
// to i+1. Never edit or reorder one that has shipped.
var migrations = []func(tx *bolt.Tx) error{
	// 1: the initial buckets.
	func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bUsers, bUsersByEmail, bTokens, bSessions, bAudit,
			bAnnouncements, bBodies, bReceipts, bInbox, bCounters, bQuestions, bQuestionAnn,
			bChannels, bDeliveries, bDeliveriesAnn, bOutbox, bMailJobs} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	},
	// 2: acknowledgements' audit events in their compact form (audit.go).
	// Older builds read every audit value as JSON, so the version must move
	// even for a database with nothing to convert; the events already
	// written as JSON are rewritten, so an old log shrinks too.
	compactAckEvents,
	// 3: users in their binary form (user_codec.go). Older builds read
	// every user as JSON, so the version moves even with no users.
	binaryUsers,
	// 4: channel configs sealed (channel_secret.go); the file is then
	// scrubbed of the clear text the old records leave in free pages.
	sealChannelSecrets,
	// 5: every delivery has the id its receiver sees (delivery.go).
	receiverIDs,
	// 6: per-user indexes of tokens and sessions (credentials.go), so
	// that deactivation and a password change can end them.
	indexCredentials,
	// 7: the built-in newsroom channel (channel.go): every database has
	// one, so an announcement may go to the newsroom alone; and the index
	// of manual deliveries awaiting their person (delivery_state.go).
	channelCatalogue,
	// 8: personal links in e-mails (invitations, resets, briefing mails).
	linkBuckets,
	// 9: the audit log indexed by the people it names (audit.go), for a
	// person's export and for retention.
	indexAuditByUser,
	// 10: the text of each version after publish (revision.go) and the
	// message types (message_type.go). Nothing to convert: receipts from
	// before versions existed read as version 1 (receipt.go).
	governanceBuckets,
	// 11: the connect attempts of the OAuth kinds (oauth.go).
	oauthStates,
}

func governanceBuckets(tx *bolt.Tx) error {
	for _, b := range [][]byte{bRevisions, bMessageTypes} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return nil
}

func linkBuckets(tx *bolt.Tx) error {
	for _, b := range [][]byte{bLinks, bLinksByUser} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return nil
}

func compactAckEvents(tx *bolt.Tx) error {
	b := tx.Bucket(bAudit)
	b.FillPercent = 0.95
	return rewriteJSON(b, func(_, v []byte) ([]byte, error) {
		e, err := decodeEvent(v)
		if err != nil {
			return nil, err
		}
		c, _ := encodeCompactAck(e) // nil: the event stays JSON
		return c, nil
	})
}

// binaryUsers rewrites every user stored as JSON in the binary form. The
// key, not the JSON's id, gives the record its id: the key is what the
// e-mail index, tokens, sessions and receipts point at.
func binaryUsers(tx *bolt.Tx) error {
	b := tx.Bucket(bUsers)
	b.FillPercent = 0.95 // every page is rewritten in this transaction anyway
	return rewriteJSON(b, func(k, v []byte) ([]byte, error) {
		if len(k) != 8 {
			return nil, fmt.Errorf("user key %x is not an 8-byte id", k)
		}
		u, err := decodeLegacyUser(v)
		if err != nil {
			return nil, fmt.Errorf("user %d: %w", bytesToU64(k), err)
		}
		u.ID = formatID(bytesToU64(k))
		return encodeUser(u), nil
	})
}

// rewriteJSON gives every JSON value in b (a value that starts with '{')
// to convert, and stores what it returns in its place; a nil result leaves
// the value as it is.
func rewriteJSON(b *bolt.Bucket, convert func(k, v []byte) ([]byte, error)) error {
	type rewrite struct{ k, v []byte }
	var todo []rewrite
	err := b.ForEach(func(k, v []byte) error {
		if len(v) == 0 || v[0] != '{' {
			return nil
		}
		nv, err := convert(k, v)
		if nv != nil {
			todo = append(todo, rewrite{clone(k), nv})
		}
		return err
	})
	if err != nil {
		return err
	}
	// Put after the scan: changing a bucket under a cursor invalidates it.
	for _, r := range todo {
		if err := b.Put(r.k, r.v); err != nil {
			return err
		}
	}
	return nil
}

// legacyUser is a user as schema 2 and before stored it: JSON, with the
// password hash that briefing.User never marshals. Only binaryUsers reads
// it.
type legacyUser struct {
	briefing.User
	PasswordHash []byte `json:"password_hash,omitempty"`
}

// decodeLegacyUser reads a JSON user record.
func decodeLegacyUser(v []byte) (*briefing.User, error) {
	var lu legacyUser
	if err := json.Unmarshal(v, &lu); err != nil {
		return nil, err
	}
	lu.User.PasswordHash = lu.PasswordHash
	return &lu.User, nil
}

// SchemaVersion is the version this build writes.
func SchemaVersion() int { return len(migrations) }

func (s *Store) migrate() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bMeta)
		if err != nil {
			return err
		}
		v := schemaOf(meta)
		if v > uint64(len(migrations)) {
			return fmt.Errorf("the database has schema version %d, newer than this build's %d: use a newer firsthand", v, len(migrations))
		}
		for i := v; i < uint64(len(migrations)); i++ {
			if err := migrations[i](tx); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
			if err := meta.Put(keySchema, u64(i+1)); err != nil {
				return err
			}
		}
		return nil
	})
}

func schemaOf(meta *bolt.Bucket) uint64 {
	if v := meta.Get(keySchema); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// Schema returns the database's schema version.
func (s *Store) Schema() (int, error) {
	var v uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		v = schemaOf(tx.Bucket(bMeta))
		return nil
	})
	return int(v), err
}
