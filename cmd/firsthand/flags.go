package main

import (
	"flag"
	"io"
	"strings"
)

// flagSet makes a subcommand's flags; envString and friends give every flag
// its FIRSTHAND_* variable as the default, so a flag wins over its variable.
func flagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// envName is the variable behind a flag: --base-url → FIRSTHAND_BASE_URL.
func envName(flagName string) string {
	return "FIRSTHAND_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func envString(fs *flag.FlagSet, getenv func(string) string, name, def, usage string) *string {
	if v := getenv(envName(name)); v != "" {
		def = v
	}
	return fs.String(name, def, usage+" (env "+envName(name)+")")
}

func envBool(fs *flag.FlagSet, getenv func(string) string, name string, usage string) *bool {
	v := getenv(envName(name))
	return fs.Bool(name, v == "1" || strings.EqualFold(v, "true"), usage+" (env "+envName(name)+")")
}

// multi is a repeatable string flag (--role author --role manager).
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }
