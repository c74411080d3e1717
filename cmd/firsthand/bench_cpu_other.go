//go:build !unix

package main

import "time"

// cpuTime is unknown here: the report's CPU per request reads 0.
func cpuTime() time.Duration { return 0 }
