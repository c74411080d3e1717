package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"
)

// benchConfig is what one load run does, from flags (each also read from
// its FIRSTHAND_* variable, like every other subcommand's).
type benchConfig struct {
	users, departments, clients int
	inbox                       int           // briefings in one person's inbox; 0 skips that measurement
	threshold                   float64       // the share of acks that opens the gate mid-burst
	duration                    time.Duration // cap on the acknowledgement burst
	healthz                     time.Duration // length of the /healthz ceiling phase
	read                        bool          // each client reads the briefing before acknowledging it
	json, keep                  bool
	dir                         string // where the scratch database goes; "" is a new temp dir
	cpuprofile, memprofile      string
}

func parseBench(args []string, getenv func(string) string, stderr io.Writer) (benchConfig, error) {
	fs := flagSet("bench", stderr)
	var c benchConfig
	fs.IntVar(&c.users, "users", 100_000, "employees in the scratch database, all recipients of the announcement")
	fs.IntVar(&c.departments, "departments", 20, "departments the employees are spread over")
	fs.IntVar(&c.clients, "clients", 64, "concurrent keep-alive clients")
	fs.IntVar(&c.inbox, "inbox", 1000, "briefings in one person's inbox, whose listing is timed (0: skip)")
	fs.Float64Var(&c.threshold, "threshold", 0.5, "release threshold of the announcement: the gate opens mid-burst")
	fs.DurationVar(&c.duration, "duration", 2*time.Minute, "cap on the acknowledgement burst")
	fs.DurationVar(&c.healthz, "healthz", 3*time.Second, "how long the clients hammer /healthz to measure the HTTP ceiling")
	fs.BoolVar(&c.read, "read", true, "read the briefing before acknowledging it (--read=false: acknowledgements only)")
	fs.BoolVar(&c.json, "json", false, "print the figures as JSON")
	fs.BoolVar(&c.keep, "keep", false, "keep the scratch database and print where it is")
	fs.StringVar(&c.dir, "dir", "", "directory for the scratch database (default: a new temporary directory)")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the burst (publish, acknowledgements) to this file")
	fs.StringVar(&c.memprofile, "memprofile", "", "write a heap profile at the end of the burst to this file")
	// Every flag reads FIRSTHAND_<FLAG> first; the command line wins.
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(envName(f.Name)); v != "" && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s: %w", envName(f.Name), err)
			}
		}
	})
	if envErr != nil {
		return c, envErr
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case c.users < 1:
		return c, fmt.Errorf("--users must be at least 1")
	case c.departments < 1 || c.departments > 1000:
		return c, fmt.Errorf("--departments must be between 1 and 1000")
	case c.clients < 1 || c.clients > 4096:
		return c, fmt.Errorf("--clients must be between 1 and 4096")
	case c.inbox < 0:
		return c, fmt.Errorf("--inbox must not be negative")
	case !(c.threshold > 0 && c.threshold <= 1):
		return c, fmt.Errorf("--threshold must be more than 0 and at most 1")
	case c.duration <= 0 || c.healthz <= 0:
		return c, fmt.Errorf("--duration and --healthz must be positive")
	}
	return c, nil
}

// bench is the load tool: it builds a scratch organisation, serves it on
// loopback exactly as serve does, drives it the way a launch morning would,
// and reports throughput, latency, memory and size. It only ever talks to
// 127.0.0.1 and stops by itself: every phase is bounded in count and time.
func bench(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseBench(args, getenv, stderr)
	if err != nil {
		return err
	}
	dir := cfg.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "firsthand-bench-"); err != nil {
			return err
		}
		if !cfg.keep {
			defer os.RemoveAll(dir)
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	dbPath := filepath.Join(dir, "bench.db")
	if _, err := os.Stat(dbPath); err == nil {
		return fmt.Errorf("%s exists already: the bench needs a fresh database", dbPath)
	}
	if !cfg.keep {
		defer os.Remove(dbPath)
	}
	r := &benchRun{cfg: cfg, dbPath: dbPath, log: stderr}
	res, err := r.run(ctx)
	if err != nil {
		return err
	}
	if cfg.keep {
		fmt.Fprintf(stderr, "kept the scratch database: %s\n", dbPath)
	}
	if cfg.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	res.writeTable(stdout)
	return nil
}

// startProfile starts the CPU profile if one was asked for; the returned
// function stops it.
func startProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

func writeHeapProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
