package content

import (
	"bytes"
	mrand "math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// BenchmarkVerifyStore checks one 1 MiB range of a 64 MiB blob and
// stores it in a file, the receiving side of a download without the
// network: "scratch" verifies into a buffer and writes it (WriteAt),
// "vec" verifies in the frame and writes the pieces from there
// (pwritev), the way a file store takes a range now; "verify" checks
// the range and stores nothing, the floor. Each reports the CPU time of its
// thread per MB (cpu-µs/MB): on a loaded machine the wall clock says
// how much CPU the others left. The command:
//
//	go test -run XXX -bench VerifyStore ./apps/content/
func BenchmarkVerifyStore(b *testing.B) {
	const size, off, n = 64 << 20, 17 << 20, 1 << 20
	data := randomBytes(mrand.New(mrand.NewPCG(1, 2)), size)
	id, ob, err := Outboard(bytes.NewReader(data), size)
	if err != nil {
		b.Fatal(err)
	}
	slice, err := extractSlice(bytes.NewReader(data), ob, size, off, n)
	if err != nil {
		b.Fatal(err)
	}
	d, err := OpenDirBlobs(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	if err := d.Begin(id, size); err != nil {
		b.Fatal(err)
	}
	b.Run("verify", func(b *testing.B) {
		b.SetBytes(n)
		var parts [][]byte
		defer threadCPU(b, n)()
		for b.Loop() {
			var err error
			if _, parts, err = verifyParts(parts, nil, id, slice, off, n); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("scratch", func(b *testing.B) {
		b.SetBytes(n)
		scratch := make([]byte, n)
		defer threadCPU(b, n)()
		for b.Loop() {
			if _, err := verifyRange(scratch, nil, id, slice, off, n); err != nil {
				b.Fatal(err)
			}
			if err := d.WriteAt(id, scratch, off); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("vec", func(b *testing.B) {
		b.SetBytes(n)
		var parts [][]byte
		defer threadCPU(b, n)()
		for b.Loop() {
			var err error
			if _, parts, err = verifyParts(parts, nil, id, slice, off, n); err != nil {
				b.Fatal(err)
			}
			if err := d.writeVec(id, parts, off); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// threadCPU locks the benchmark to its thread and returns the function
// that reports the thread's CPU time per MB of n-byte operations since.
func threadCPU(b *testing.B, n int) func() {
	runtime.LockOSThread()
	t0 := threadTime()
	return func() {
		b.ReportMetric(float64((threadTime()-t0).Microseconds())/(float64(b.N)*float64(n)/1e6), "cpu-µs/MB")
		runtime.UnlockOSThread()
	}
}

// threadTime is the CPU time (user and system) of the calling thread.
func threadTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil { // RUSAGE_THREAD
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
