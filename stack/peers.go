package stack

import (
	"context"
	"net/netip"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// PeerState is one wallet of the node's session table: whether a session
// with it stands, how its frames go, and what data moved.
type PeerState struct {
	Wallet common.Address
	// Up: a session with one of the wallet's node keys stands and the
	// peer answers (transport.Peer.Up).
	Up bool
	// Addr is the underlay address its frames go to now; zero for a peer
	// reached by locator through routers.
	Addr netip.AddrPort
	// Direct is set for a host with routers that reaches the peer over a
	// direct (hole-punched) path: the address it goes to (DirectPath).
	Direct netip.AddrPort
	// The data sealed to and opened from the wallet's node keys: bytes of
	// plaintext IP packets, and when the last of each moved (zero: never).
	BytesIn, BytesOut uint64
	LastIn, LastOut   time.Time
}

// PeerStates returns the node's peers, ordered by wallet; nil before Up.
func (n *Node) PeerStates() []PeerState {
	r, _ := n.current()
	if r == nil {
		return nil
	}
	byWallet := map[common.Address]*PeerState{}
	var out []common.Address
	for _, tp := range r.sessions.Peers() {
		w := tp.Wallet()
		s := byWallet[w]
		if s == nil {
			s = &PeerState{Wallet: w}
			byWallet[w] = s
			out = append(out, w)
		}
		s.Up = s.Up || tp.Up()
		t := tp.Traffic()
		s.BytesIn += t.BytesIn
		s.BytesOut += t.BytesOut
		if t.LastIn.After(s.LastIn) {
			s.LastIn = t.LastIn
		}
		if t.LastOut.After(s.LastOut) {
			s.LastOut = t.LastOut
		}
	}
	slices.SortFunc(out, func(a, b common.Address) int { return a.Cmp(b) })
	states := make([]PeerState, 0, len(out))
	for _, w := range out {
		s := byWallet[w]
		if a, ok := r.ep.PeerAddr(IdentityAddr(w)); ok && a.IsValid() {
			s.Addr = a
		}
		s.Direct, _ = r.ep.DirectPath(IdentityAddr(w))
		states = append(states, *s)
	}
	return states
}

// PeerEventKind says what changed (PeerEvent).
type PeerEventKind int

// The changes WatchPeers reports.
const (
	// PeerUp: a session with the wallet stands (PeerState.Up turned true).
	PeerUp PeerEventKind = iota + 1
	// PeerDown: it ended: reset, expired, or the peer stopped answering.
	PeerDown
	// PathDirect: a host with routers found a direct path to the peer
	// (PeerEvent.Addr).
	PathDirect
	// PathRelayed: that direct path was lost; frames go through routers.
	PathRelayed
	// Attached and Detached: the host's link to its routers came up or
	// went down (Node.Attached); Wallet is zero.
	Attached
	Detached
)

func (k PeerEventKind) String() string {
	switch k {
	case PeerUp:
		return "up"
	case PeerDown:
		return "down"
	case PathDirect:
		return "direct"
	case PathRelayed:
		return "relayed"
	case Attached:
		return "attached"
	case Detached:
		return "detached"
	}
	return "unknown"
}

// PeerEvent is one change in the node's peers.
type PeerEvent struct {
	Kind   PeerEventKind
	Wallet common.Address
	Addr   netip.AddrPort // PathDirect: the direct path's address
}

// WatchPeers calls f, from the caller's goroutine and in order, with
// every change in the node's peers: sessions coming up and going down,
// direct paths found and lost, the host's attachment to its routers. It
// starts with the state at the call as changes from nothing (PeerUp for
// every peer up, PathDirect for every direct path, Attached). It sleeps
// between changes (the session layer and the link wake it: nothing is
// polled) and returns ctx.Err() when ctx ends, or ErrClosed.
func (n *Node) WatchPeers(ctx context.Context, f func(PeerEvent)) error {
	r, err := n.current()
	if err != nil {
		return err
	}
	if r == nil {
		return ErrNotUp
	}
	type seen struct {
		up     bool
		direct netip.AddrPort
	}
	last := map[common.Address]seen{}
	attached := false
	for {
		// Take the channels first: a change while reading is not lost.
		sessions, paths := r.sessions.Changed(), r.ep.PathChanged()
		now := map[common.Address]seen{}
		for _, s := range n.PeerStates() {
			now[s.Wallet] = seen{s.Up, s.Direct}
			was := last[s.Wallet]
			if s.Up != was.up {
				f(PeerEvent{Kind: map[bool]PeerEventKind{true: PeerUp, false: PeerDown}[s.Up], Wallet: s.Wallet})
			}
			switch {
			case s.Direct.IsValid() && s.Direct != was.direct:
				f(PeerEvent{Kind: PathDirect, Wallet: s.Wallet, Addr: s.Direct})
			case !s.Direct.IsValid() && was.direct.IsValid():
				f(PeerEvent{Kind: PathRelayed, Wallet: s.Wallet})
			}
		}
		last = now
		if a := r.ep.Attached(); a != attached {
			attached = a
			f(PeerEvent{Kind: map[bool]PeerEventKind{true: Attached, false: Detached}[a]})
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-sessions:
		case <-paths:
		}
		if r, err = n.current(); err != nil {
			return err
		}
	}
}
