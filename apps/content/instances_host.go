package content

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
)

// instancer is a Host that reaches one node of a wallet (stack.Node:
// instance addresses, LookupInstances; and the anycast state its link
// keeps, Instances).
type instancer interface {
	service.Instancer
	Instances(wallet common.Address) []link.InstanceStatus
}

// instancesFor bounds the time a wallet's instances are taken from one
// lookup (a collection's files are fetched one by one).
const instancesFor = 30 * time.Second

// lookupTimeout bounds one LookupInstances.
const lookupTimeout = 10 * time.Second

// looked is one wallet's instances, as looked up at at.
type looked struct {
	ins []Instance
	at  time.Time
}

// instancesOf returns the instances Fetch gives the core for the
// providers ws: for each wallet served by several nodes, the nodes not
// known to have failed (the link's anycast probes), every other
// wallet none. Nil when the host cannot tell nodes apart.
func (s *Service) instancesOf(ctx context.Context, ws []common.Address) []Instance {
	if s.inst == nil {
		return nil
	}
	var out []Instance
	for _, w := range ws {
		if w != s.host.Addr() {
			out = append(out, s.walletInstances(ctx, w)...)
		}
	}
	return out
}

// walletInstances is instancesOf for one wallet.
func (s *Service) walletInstances(ctx context.Context, w common.Address) []Instance {
	now := s.host.Time()
	s.instMu.Lock()
	l, ok := s.looked[w]
	s.instMu.Unlock()
	if ok && now.Sub(l.at) < instancesFor {
		return l.ins
	}
	lctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	all, err := s.inst.LookupInstances(lctx, w.Hex())
	if err != nil {
		s.log.Debug("instances", "wallet", w, "err", err)
	}
	var ins []Instance
	if len(all) >= 2 {
		failed := map[[32]byte]bool{}
		for _, st := range s.inst.Instances(w) {
			failed[st.NodeKey] = st.Failed
		}
		for _, in := range all {
			if !failed[in.NodeKey] && in.Addr.IsValid() {
				ins = append(ins, Instance{Wallet: w, Addr: in.Addr})
			}
		}
	}
	s.instMu.Lock()
	defer s.instMu.Unlock()
	s.looked[w] = looked{ins: ins, at: now}
	for _, in := range ins {
		s.walletOf[InstancePeer(in.Addr)] = w
	}
	return ins
}

// instanceConn is a connection dialed to one instance: the runner's
// Name hook (name) knows it by its InstancePeer.
type instanceConn struct {
	net.Conn
	wallet, peer common.Address
}

// dial is the runner's Dial hook: a wallet at its identity address, an
// instance at its instance address only.
func (s *Service) dial(ctx context.Context, peer common.Address) (net.Conn, error) {
	ip, ok := InstanceOf(peer)
	if !ok {
		return s.host.Dial(ctx, "tcp", net.JoinHostPort(peer.Hex(), strconv.Itoa(Port)))
	}
	s.instMu.Lock()
	w, known := s.walletOf[peer]
	s.instMu.Unlock()
	if !known {
		return nil, fmt.Errorf("content: dial %s: %w", ip, ErrUnknownInstance)
	}
	addr := netip.AddrPortFrom(ip, Port).String()
	nc, err := s.host.Dial(ctx, "tcp", addr)
	if errors.Is(err, stack.ErrUnknownPeer) { // the node forgot it (restarted): learn it again
		if _, lerr := s.inst.LookupInstances(ctx, w.Hex()); lerr == nil {
			nc, err = s.host.Dial(ctx, "tcp", addr)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("content: dial instance %s of %s: %w", ip, w, err)
	}
	if a, ok := nc.RemoteAddr().(*stack.Addr); !ok || a.Instance != ip {
		nc.Close()
		return nil, fmt.Errorf("content: dial instance %s of %s reached %v", ip, w, nc.RemoteAddr())
	}
	return &instanceConn{Conn: nc, wallet: w, peer: peer}, nil
}

// name is the runner's Name hook: a connection dial made to an instance
// is that instance's peer; any other is its verified wallet's.
func (s *Service) name(nc net.Conn, w common.Address) (common.Address, error) {
	ic, ok := nc.(*instanceConn)
	if !ok {
		return w, nil
	}
	if w != ic.wallet {
		return common.Address{}, fmt.Errorf("content: instance %s is %s's, not %s's", ic.RemoteAddr(), w, ic.wallet)
	}
	return ic.peer, nil
}
