package mem

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"time"

	"github.com/anynet/anynet/link"
)

// Filter decides the fate of one frame on its way from src to dst:
// true delivers it, false drops it (counted as Filtered). It runs on the
// sender's goroutine, concurrently with itself, and must not retain frame.
type Filter func(src, dst netip.AddrPort, frame []byte) bool

// Network is an in-memory switch between the Conns attached to it. It is
// safe for concurrent use.
type Network struct {
	mtu      int
	queueLen int
	sendWait time.Duration
	pool     *framePool
	stats    counters

	// mu guards the fields below.
	mu     sync.RWMutex
	conns  map[netip.AddrPort]*Conn
	cut    map[pair]struct{} // pairs Disconnect cut, in both directions
	filter Filter
	next   uint32 // host number of the next address Attach tries
	closed bool

	delays delays // per-pair latency (delay.go); own lock
}

// pair is an unordered pair of addresses.
type pair struct{ a, b netip.AddrPort }

func makePair(a, b netip.AddrPort) pair {
	if b.Compare(a) < 0 {
		a, b = b, a
	}
	return pair{a, b}
}

// attachPrefix is the space Attach hands addresses from: the shared
// address space of RFC 6598, which is never routed on the internet.
var attachPrefix = netip.MustParsePrefix("100.64.0.0/10")

const (
	attachPort  = 1
	attachHosts = 1 << (32 - 10)
)

// NewNetwork returns an empty network. Zero fields of cfg mean their
// defaults; it panics if cfg.Validate fails (a Network's config is
// code, not input).
func NewNetwork(cfg Config) *Network {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	cfg = cfg.withDefaults()
	return &Network{
		mtu:      cfg.MTU,
		queueLen: cfg.QueueLen,
		sendWait: cfg.SendWait,
		pool:     newFramePool(cfg.MTU),
		conns:    make(map[netip.AddrPort]*Conn),
		cut:      make(map[pair]struct{}),
		next:     1,
	}
}

// MTU is the largest frame any Conn on n accepts.
func (n *Network) MTU() int { return n.mtu }

// Attach attaches a new Conn at a fresh address of 100.64.0.0/10, port 1.
func (n *Network) Attach() (*Conn, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, link.ErrClosed
	}
	base := attachPrefix.Addr().As4()
	for range attachHosts {
		h := n.next
		n.next = (n.next + 1) % attachHosts
		if h == 0 {
			continue
		}
		a := [4]byte{base[0], base[1] | byte(h>>16), byte(h >> 8), byte(h)}
		ap := netip.AddrPortFrom(netip.AddrFrom4(a), attachPort)
		if _, taken := n.conns[ap]; !taken {
			return n.attachLocked(ap), nil
		}
	}
	return nil, ErrAddrSpaceFull
}

// AttachAt attaches a new Conn at addr, which must be valid, with a
// nonzero port, and free. An IPv4-mapped IPv6 address is unmapped.
func (n *Network) AttachAt(addr netip.AddrPort) (*Conn, error) {
	addr = unmap(addr)
	if !addr.IsValid() || addr.Port() == 0 {
		return nil, fmt.Errorf("mem: attach at %v: %w", addr, ErrInvalidAddr)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, link.ErrClosed
	}
	if _, taken := n.conns[addr]; taken {
		return nil, fmt.Errorf("mem: attach at %v: %w", addr, ErrAddrInUse)
	}
	return n.attachLocked(addr), nil
}

func (n *Network) attachLocked(addr netip.AddrPort) *Conn {
	c := newConn(n, addr)
	n.conns[addr] = c
	return c
}

// detach removes c, if it is still the Conn at its address.
func (n *Network) detach(c *Conn) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.conns[c.addr] == c {
		delete(n.conns, c.addr)
	}
}

// route returns the Conn frames from src to dst go to, or nil if there
// is none or the pair is cut, and the filter they pass.
func (n *Network) route(src, dst netip.AddrPort) (*Conn, Filter) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if _, cut := n.cut[makePair(src, dst)]; cut {
		return nil, nil
	}
	return n.conns[dst], n.filter
}

// Disconnect cuts a and b apart in both directions: frames between them
// are dropped and counted as NoRoute until Connect. Frames already
// queued are still delivered. The addresses need not be attached.
func (n *Network) Disconnect(a, b netip.AddrPort) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.cut[makePair(unmap(a), unmap(b))] = struct{}{}
}

// Connect undoes Disconnect(a, b).
func (n *Network) Connect(a, b netip.AddrPort) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.cut, makePair(unmap(a), unmap(b)))
}

// SetFilter installs f as the filter every frame passes; nil removes it.
func (n *Network) SetFilter(f Filter) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.filter = f
}

// Stats returns the totals over every Conn that was ever attached.
func (n *Network) Stats() Stats { return n.stats.snapshot() }

// Close closes every attached Conn and refuses new ones. It is
// idempotent.
func (n *Network) Close() error {
	n.mu.Lock()
	n.closed = true
	conns := make([]*Conn, 0, len(n.conns))
	for _, c := range n.conns {
		conns = append(conns, c)
	}
	n.mu.Unlock()
	n.stopDelays() // delay.go
	for _, c := range conns {
		c.Close()
	}
	return nil
}

// RandomLoss returns a Filter that drops each frame with probability
// rate, drawing from a PCG generator seeded with seed: the same seed and
// the same order of frames give the same losses. It is safe for
// concurrent use (the order is then the scheduler's).
func RandomLoss(rate float64, seed uint64) Filter {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func(_, _ netip.AddrPort, _ []byte) bool {
		mu.Lock()
		defer mu.Unlock()
		return rng.Float64() >= rate
	}
}

func unmap(a netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
}
