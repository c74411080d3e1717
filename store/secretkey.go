package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"

	bolt "go.etcd.io/bbolt"
)

// Option changes how Open opens a store.
type Option func(*openOptions)

type openOptions struct {
	secretKey []byte // nil: the key file beside the database
	readOnly  bool
}

// WithSecretKey seals channel secrets with key (SecretKeySize bytes, e.g.
// from FIRSTHAND_SECRET_KEY) instead of the key file beside the database.
func WithSecretKey(key []byte) Option {
	return func(o *openOptions) { o.secretKey = append([]byte(nil), key...) }
}

// ReadOnly opens an existing database for reading only, as it is: no
// migration runs, and no secret key is needed or read. It is for copying
// the file (a backup copies bytes); reading a channel fails.
func ReadOnly() Option { return func(o *openOptions) { o.readOnly = true } }

// keySecretKeyID in meta records the id of the key that seals the
// database's secrets, so a wrong or missing key is refused at start, not
// at the first delivery.
var keySecretKeyID = []byte("secret_key_id")

// openSecretBox finds the database's key: the one given, else the key file
// beside it, created on first start. A database whose recorded key id
// differs from the key's is refused, and a missing key file is not
// replaced by a new key when the database already has secrets sealed.
func openSecretBox(db *bolt.DB, path string, o openOptions) (*secretBox, error) {
	var recorded []byte
	err := db.View(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bMeta); meta != nil {
			recorded = clone(meta.Get(keySecretKeyID))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	key, source := o.secretKey, "the secret key given (FIRSTHAND_SECRET_KEY or --secret-key)"
	if key == nil {
		kf := KeyFilePath(path)
		source = "the key file " + kf
		key, err = loadKeyFile(kf)
		switch {
		case errors.Is(err, fs.ErrNotExist) && recorded != nil:
			return nil, fmt.Errorf("the key file %s is missing, and %s seals its channel secrets with key %x: "+
				"put the key file that belongs with this database beside it, or set FIRSTHAND_SECRET_KEY to that key", kf, path, recorded)
		case errors.Is(err, fs.ErrNotExist):
			key, err = createKeyFile(kf)
		}
		if err != nil {
			return nil, err
		}
	}
	box, err := newSecretBox(key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	if recorded != nil && !bytes.Equal(recorded, box.id[:]) {
		return nil, fmt.Errorf("%w: %s seals its channel secrets with key %x, and %s is key %s; "+
			"start with the key this database was made with", ErrWrongSecretKey, path, recorded, source, box.idString())
	}
	return box, nil
}

// recordKeyID notes the key's id in meta on the first start with a key.
func recordKeyID(db *bolt.DB, box *secretBox) error {
	return db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		if meta.Get(keySecretKeyID) != nil {
			return nil
		}
		return meta.Put(keySecretKeyID, box.id[:])
	})
}
