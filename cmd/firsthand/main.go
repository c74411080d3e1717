// Command firsthand runs the Firsthand server and its administration tasks.
// main only wires the process to run, so start-up is testable.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "firsthand:", err)
		os.Exit(1)
	}
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Firsthand: staff hear it first.

Usage:
  firsthand serve  [--addr 127.0.0.1:8080] [--db firsthand.db] [--base-url URL] [--demo]
  firsthand user add   --db PATH --email E --name N [--department D] [--location L] [--role R]... [--password P]
  firsthand token create --db PATH --email E
  firsthand backup --db PATH --out FILE
  firsthand bench  [--users 100000] [--departments 20] [--clients 64] [--duration 2m] [--json]
  firsthand version

Every flag also reads FIRSTHAND_<FLAG> (FIRSTHAND_ADDR, FIRSTHAND_DB, FIRSTHAND_BASE_URL;
FIRSTHAND_SMTP_URL and FIRSTHAND_MAIL_FROM configure mail). A flag wins over its variable.
Channel secrets are encrypted with FIRSTHAND_SECRET_KEY (base64, 32 bytes) or, unset, the key
file beside the database (firsthand.db.key): keep it with your backups.
`

// run is the whole program: the subcommand named by args, reading the
// environment through getenv.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("name a command: serve, user add, token create, backup, bench or version")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "user":
		if len(rest) == 0 || rest[0] != "add" {
			return fmt.Errorf("usage: firsthand user add --db PATH --email E --name N [...]")
		}
		return userAdd(rest[1:], getenv, stdout, stderr)
	case "token":
		if len(rest) == 0 || rest[0] != "create" {
			return fmt.Errorf("usage: firsthand token create --db PATH --email E")
		}
		return tokenCreate(rest[1:], getenv, stdout, stderr)
	case "backup":
		return backup(rest, getenv, stdout, stderr)
	case "bench":
		return bench(ctx, rest, getenv, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "firsthand", version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
