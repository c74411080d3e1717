// Package store keeps Firsthand's data in one bbolt file.
//
// The bucket tree (ids are 8-byte big-endian sequence numbers, so cursor
// order is id order; "|" is concatenation, not a byte):
//
//	meta               "schema" → uint64 schema version; "secret_key_id" → the 4-byte id of the
//	                   key that seals channel configs; "scrub" → set while the file must be compacted
//	                   "settings" → JSON briefing.Settings (absent: the defaults)
//	users              userID → 0x01 | flags | created_at | uvarint id | strings | roles | password hash
//	                   (binary briefing.User, laid out in user_codec.go; JSON before schema 3)
//	users_by_email     normalised e-mail → userID
//	tokens             SHA-256(token) → userID           (tokens are never stored in clear)
//	sessions           SHA-256(session) → userID | expiry | created, unix seconds (16 bytes: no created)
//	tokens_by_user     userID | SHA-256(token) → empty     (a person's tokens: revoked in one scan)
//	sessions_by_user   userID | SHA-256(session) → empty   (a person's sessions)
//	audit              seq → JSON briefing.Event          (append-only), or for an acknowledgement
//	                   0x01 | at ns (8 bytes) | uvarint userID | uvarint annID   (audit.go)
//	announcements      annID → JSON announcement metadata (no body: the gate reads this on every ack)
//	bodies             annID → JSON {markdown, html}
//	receipts           annID | userID → readAt µs | ackAt µs | department index (uint16)   18 bytes
//	                   (| flags: 0x01 when the person departed, deactivated while it was in briefing;
//	                   | read version | ack version (2 × uint16) once one is after version 1: 23 bytes)
//	inbox              userID | annID → empty            (a person's briefings, in publish order)
//	counters           annID | department index (uint16) → recipients | read | acknowledged (3 × uint32)
//	                   (| departed, a 4th uint32, once someone left; recipients counts those who stayed;
//	                   read and acknowledged count the current material epoch only: revision.go)
//	questions          annID | questionID → JSON briefing.Question
//	question_ann       questionID → annID
//	channels           channelID → JSON channel; its config sealed in "sealed_config":
//	                   0x01 | key id (4) | nonce (12) | AES-256-GCM ciphertext and tag (secretbox.go)
//	deliveries         deliveryID → JSON briefing.Delivery (receiver_id: what receivers see)
//	deliveries_by_ann  annID | deliveryID → empty
//	outbox             deliveryID → empty                (deliveries still to send)
//	mail_jobs          jobID → JSON mailJob              (notifications still to e-mail)
//	links              SHA-256(token) → JSON briefing.Link (invitation, reset and briefing-mail links)
//	links_by_user      userID | kind → SHA-256(token)     (the one live invitation or reset of a person)
//	revisions          annID | version → JSON {title, summary, body}   (each version's text, from the first revision)
//	message_types      typeID → JSON briefing.MessageType
//	meta "settings"    JSON settings; approval.go reads approval_required from it
//	oauth_states       SHA-256(state) → sealed JSON briefing.OAuthState (a connect attempt: channel, admin, session hash, verifier, expiry)
//
// Receipts and counters change in one transaction, so readiness is read from
// counters in O(departments) and never by scanning receipts. The transaction
// that releases an announcement also writes its deliveries and outbox rows.
package store
