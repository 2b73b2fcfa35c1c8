//go:build linux

package router

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time the calling OS thread used so far, user and
// system; 0 where the system does not say.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
