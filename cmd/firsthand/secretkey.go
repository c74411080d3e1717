package main

import (
	"flag"
	"fmt"

	"firsthand/store"
)

// secretKeyFlag adds --secret-key (FIRSTHAND_SECRET_KEY): the key that seals
// channel secrets in the database. Every command that writes the database
// takes it, because any of them may be the first to open a database an
// upgrade must migrate. Unset, the key file beside the database is used.
func secretKeyFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return envString(fs, getenv, "secret-key", "",
		"base64 of the 32-byte key that encrypts channel secrets; prefer the variable, a flag shows in ps (default: the key file DB.key, made on first start)")
}

// storeOptions turns the flag's value into store.Open's options.
func storeOptions(secretKey string) ([]store.Option, error) {
	if secretKey == "" {
		return nil, nil
	}
	key, err := store.ParseSecretKey(secretKey)
	if err != nil {
		return nil, fmt.Errorf("FIRSTHAND_SECRET_KEY: %w", err)
	}
	return []store.Option{store.WithSecretKey(key)}, nil
}

// openStore opens the database with the key the flag names.
func openStore(db, secretKey string) (*store.Store, error) {
	opts, err := storeOptions(secretKey)
	if err != nil {
		return nil, err
	}
	return store.Open(db, opts...)
}
