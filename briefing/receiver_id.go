package briefing

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// ReceiverIDPrefix starts every receiver id Firsthand makes.
const ReceiverIDPrefix = "msg_"

// receiverIDBytes is the randomness of a receiver id: 128 bits, so that no
// two deliveries of any installation, before or after a restore, ever share
// one.
const receiverIDBytes = 16

var receiverIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewReceiverID makes the id a receiver sees for one delivery (webhook-id,
// Idempotency-Key, the local part of an e-mail's Message-ID): "msg_" and
// 128 random bits in lowercase base32. It is chosen when the delivery is
// created and kept on every retry, so receivers drop resends by it; being
// random rather than a sequence number, it never repeats after a backup is
// restored.
func NewReceiverID() string {
	b := make([]byte, receiverIDBytes)
	rand.Read(b) // never fails: crypto/rand aborts the program instead
	return ReceiverIDPrefix + strings.ToLower(receiverIDEncoding.EncodeToString(b))
}
