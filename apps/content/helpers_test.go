package content

import (
	"bytes"
	"crypto/rand"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// corruptBlobs serves a blob's bytes with one bit flipped in every
// range it reads: a lying (or broken) provider.
type corruptBlobs struct{ Blobs }

func (c corruptBlobs) ReadAt(id ID, p []byte, off int64) (int, error) {
	n, err := c.Blobs.ReadAt(id, p, off)
	if n > 0 {
		p[n/2] ^= 0x40
	}
	return n, err
}

// fakeNet carries frames between cores in memory, in order, with a
// virtual clock: the core tests' driver (no sockets).
type fakeNet struct {
	t      testing.TB
	now    time.Time
	cores  map[common.Address]*fakeNode
	queue  []fakeFrame
	down   map[common.Address]bool
	events []Event
	// mute: frames from these nodes are lost on the way (a provider
	// that goes silent without its connection dropping).
	mute map[common.Address]bool
	// until, if set, ends run once no frame is left and the next timer
	// is past it.
	until time.Time
	// sent counts the frames sent to each address.
	sent map[common.Address]int
}

type fakeNode struct {
	core  *Core
	store *service.Memory
	blobs Blobs
	due   time.Time
	ev    []Event
}

type fakeFrame struct {
	from, to common.Address
	b        []byte
}

func newFakeNet(t testing.TB) *fakeNet {
	return &fakeNet{t: t, now: time.Unix(1e9, 0), cores: map[common.Address]*fakeNode{}, down: map[common.Address]bool{}, mute: map[common.Address]bool{},
		sent: map[common.Address]int{}}
}

func addr(i byte) common.Address { return common.Address{19: i} }

func (n *fakeNet) add(w common.Address, blobs Blobs, cfg CoreConfig) *fakeNode {
	return n.addAt(w, w, blobs, cfg)
}

// addAt adds a node of wallet self reached at address at (one node of
// an anycast wallet: at is its InstancePeer).
func (n *fakeNet) addAt(at, self common.Address, blobs Blobs, cfg CoreConfig) *fakeNode {
	w := at
	cfg.Self, cfg.Blobs, cfg.Rand = self, blobs, rand.Reader
	if cfg.Store == nil {
		cfg.Store = &service.Memory{}
	}
	c, err := NewCore(cfg)
	if err != nil {
		n.t.Fatal(err)
	}
	fn := &fakeNode{core: c, store: cfg.Store.(*service.Memory), blobs: blobs}
	n.cores[w] = fn
	n.handle(w, service.Input{Kind: service.Start})
	return fn
}

func (n *fakeNet) handle(w common.Address, in service.Input) service.Effects {
	fn := n.cores[w]
	var out service.Effects
	fn.core.Handle(n.now, in, &out)
	if err := fn.store.Apply(out.Writes); err != nil {
		n.t.Fatal(err)
	}
	for _, s := range out.Send {
		n.sent[s.To]++
		if n.down[s.To] || n.cores[s.To] == nil {
			n.queue = append(n.queue, fakeFrame{from: s.To, to: w}) // a Down
			continue
		}
		n.queue = append(n.queue, fakeFrame{from: w, to: s.To, b: bytes.Clone(s.Frame)})
	}
	fn.ev = append(fn.ev, asEvents(out.Events)...)
	if !out.Deadline.IsZero() {
		fn.due = out.Deadline
	}
	return out
}

func asEvents(es []any) []Event {
	var out []Event
	for _, e := range es {
		out = append(out, e.(Event))
	}
	return out
}

func (n *fakeNet) do(w common.Address, cmd any) (any, error) {
	out := n.handle(w, service.Input{Kind: service.Command, Cmd: cmd})
	return out.Result, out.Err
}

// run delivers frames (in a shuffled order across pairs when r is
// set, in order per pair) until none is left, advancing the clock
// 1 ms per frame and firing due timers.
func (n *fakeNet) run(r *mrand.Rand, limit int) {
	if !n.steps(r, limit) {
		n.t.Fatalf("fake net: still busy after %d steps", limit)
	}
}

// steps is run for at most limit steps; it says whether it finished.
func (n *fakeNet) steps(r *mrand.Rand, limit int) bool {
	for i := 0; i < limit; i++ {
		if len(n.queue) == 0 {
			var next time.Time
			var who common.Address
			for w, fn := range n.cores {
				if !fn.due.IsZero() && (next.IsZero() || fn.due.Before(next)) {
					next, who = fn.due, w
				}
			}
			if next.IsZero() || (!n.until.IsZero() && next.After(n.until)) {
				return true
			}
			n.now = next
			n.cores[who].due = time.Time{}
			n.handle(who, service.Input{Kind: service.Timer})
			continue
		}
		j := 0
		if r != nil {
			j = r.IntN(len(n.queue))
			for k := 0; k < j; k++ { // keep order per pair
				if n.queue[k].from == n.queue[j].from && n.queue[k].to == n.queue[j].to {
					j = k
					break
				}
			}
		}
		f := n.queue[j]
		n.queue = append(n.queue[:j], n.queue[j+1:]...)
		n.now = n.now.Add(time.Millisecond)
		if f.b == nil {
			n.handle(f.to, service.Input{Kind: service.Down, Peer: f.from})
			continue
		}
		if n.down[f.to] || n.mute[f.from] {
			continue
		}
		n.handle(f.to, service.Input{Kind: service.Frame, Peer: f.from, Frame: f.b})
	}
	return false
}

func randomBytes(r *mrand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}
