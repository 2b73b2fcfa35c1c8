package linktest

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/anynet/anynet/internal/testwait"
	"github.com/anynet/anynet/link"
)

// Deadline bounds every wait of the suite and of WaitFor. It only stops
// a hung test; nothing is timed against it.
const Deadline = 30 * time.Second

// WaitFor polls cond until it holds, failing t after Deadline
// (testwait.Within).
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	testwait.Within(t, Deadline, what, cond)
}

// Received is a frame an underlay handed its receiver, copied.
type Received struct {
	Frame []byte
	Src   netip.AddrPort
}

// Collect installs on u a receiver that copies every frame into the
// returned channel (buffered: 4096 frames; more are dropped).
func Collect(u link.Underlay) <-chan Received {
	ch := make(chan Received, 4096)
	u.SetReceiver(func(f []byte, src netip.AddrPort) {
		select {
		case ch <- Received{bytes.Clone(f), src}:
		default:
		}
	})
	return ch
}

// Next returns the next frame from ch, failing t after Deadline.
func Next(t testing.TB, ch <-chan Received) Received {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(Deadline):
		t.Fatal("no frame within the deadline")
		return Received{}
	}
}
