//go:build !unix

package web

import "time"

// cpuTime is unknown here: the benchmarks' CPU per request reads 0.
func cpuTime() time.Duration { return 0 }
