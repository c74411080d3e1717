package main

import (
	"fmt"
	"io"
	"os"

	"firsthand/briefing"
	"firsthand/briefing/web"
	"firsthand/store"
)

func userAdd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flagSet("user add", stderr)
	db := envString(fs, getenv, "db", "firsthand.db", "database file")
	email := fs.String("email", "", "e-mail address (required)")
	name := fs.String("name", "", "full name (required)")
	dept := fs.String("department", "", "department")
	loc := fs.String("location", "", "location")
	password := fs.String("password", "", "password for signing in to the web app")
	secretKey := secretKeyFlag(fs, getenv)
	var roles multi
	fs.Var(&roles, "role", "role: employee (default), author, manager, reviewer, admin; repeat for more")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u := &briefing.User{Email: *email, Name: *name, Department: *dept, Location: *loc}
	for _, r := range roles {
		role, ok := briefing.ParseRole(r)
		if !ok {
			return fmt.Errorf("role %q is not one of %s", r, briefing.RoleNames)
		}
		u.Roles = append(u.Roles, role)
	}
	if *password != "" {
		h, err := web.HashPassword(*password)
		if err != nil {
			return err
		}
		u.PasswordHash = h
	}
	st, err := openStore(*db, *secretKey)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CreateUser(u, "cli"); err != nil {
		return fmt.Errorf("%s", briefing.ErrorMessage(err))
	}
	fmt.Fprintln(stdout, u.ID)
	return nil
}

func tokenCreate(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flagSet("token create", stderr)
	db := envString(fs, getenv, "db", "firsthand.db", "database file")
	email := fs.String("email", "", "the user's e-mail address (required)")
	secretKey := secretKeyFlag(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := openStore(*db, *secretKey)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(*email)
	if err != nil {
		return fmt.Errorf("%s", briefing.ErrorMessage(err))
	}
	token, err := st.CreateToken(u.ID, "cli")
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}

func backup(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flagSet("backup", stderr)
	db := envString(fs, getenv, "db", "firsthand.db", "database file")
	out := fs.String("out", "", "the backup file to write (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("name the backup file with --out FILE")
	}
	// Read-only: a backup copies the bytes as they are, sealed secrets
	// included, so it needs no key and runs no migration (a backup taken
	// before an upgrade stays a copy of the old file).
	st, err := store.Open(*db, store.ReadOnly())
	if err != nil {
		return err
	}
	defer st.Close()
	// Write beside the target and rename, so a failed backup never leaves
	// a truncated file that looks like a good one.
	tmp := *out + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	n, err := st.WriteBackup(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, *out)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", *out, n)
	return nil
}
