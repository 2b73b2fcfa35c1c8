package content

import (
	"errors"
	"net/netip"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// The instances of an anycast wallet (several nodes, one wallet: see
// package stack, "Instances") are providers of their own: a download
// given a provider's instances (FetchCmd.Instances) asks each node at
// its instance address, ranks each by its own throughput, and drops
// one that lies without losing the others, where the wallet's address
// would reach whichever node the link picks. The core knows an
// instance by InstancePeer of its instance address, a peer address
// like a wallet's; the driver dials it there (Service: the runner's
// Dial and Name hooks, instances_host.go). The wallet itself is then
// asked nothing by the download: its Who, Have and ranges all go to
// its instances, so one downloader never holds two connections with
// one node for a download (a node's runner keeps one connection per
// wallet that dialed it, the newest).

// instanceMark ends the peer address of an instance: its instance
// address (16 bytes), then these 4.
var instanceMark = [4]byte{'i', 'n', 's', 't'}

// Instance is one node of a provider's wallet, at its instance address
// (stack.Instance.Addr).
type Instance struct {
	Wallet common.Address
	Addr   netip.Addr
}

// InstancePeer is the peer address a core knows the node at instance
// address inst by.
func InstancePeer(inst netip.Addr) common.Address {
	var p common.Address
	a := inst.As16()
	copy(p[:16], a[:])
	copy(p[16:], instanceMark[:])
	return p
}

// InstanceOf is the instance address of an InstancePeer address.
func InstanceOf(p common.Address) (netip.Addr, bool) {
	if [4]byte(p[16:]) != instanceMark {
		return netip.Addr{}, false
	}
	return netip.AddrFrom16([16]byte(p[:16])), true
}

// isSplit says whether f asks w at its instances.
func (f *fetch) isSplit(w common.Address) bool {
	for _, p := range f.provs {
		if p.owner == w && p.w != w {
			return true
		}
	}
	return false
}

// addWallet adds provider w to f (fetchCmd): its instances in ins, if
// any, each a provider of its own in w's place; else w, or, if f asks w
// at its instances already, those.
func (c *Core) addWallet(now time.Time, f *fetch, w common.Address, ins []Instance, out *service.Effects) {
	var peers []common.Address
	for _, in := range ins {
		if in.Wallet == w && in.Addr.IsValid() && !slices.Contains(peers, InstancePeer(in.Addr)) {
			peers = append(peers, InstancePeer(in.Addr))
		}
	}
	if len(peers) == 0 && f.isSplit(w) {
		for _, p := range f.provs {
			if p.owner == w && p.w != w {
				f.addProvider(p.w, true)
			}
		}
		return
	}
	if len(peers) == 0 {
		f.addProvider(w, true)
		return
	}
	at := len(f.provs)
	if i := slices.IndexFunc(f.provs, func(p *prov) bool { return p.w == w }); i >= 0 {
		c.forget(f, f.provs[i])
		f.provs = slices.Delete(f.provs, i, i+1)
		at = i
	}
	var fresh []*prov
	for _, pw := range peers {
		if p := f.provider(pw); p != nil {
			f.addProvider(pw, true) // revived
			continue
		}
		fresh = append(fresh, &prov{w: pw, owner: w})
	}
	f.provs = slices.Insert(f.provs, at, fresh...)
}

// forget takes back p's Gets in flight for f (requeued) without
// dropping it: p leaves f (addWallet). It returns their numbers, in
// increasing order.
func (c *Core) forget(f *fetch, p *prov) []uint32 {
	var mine []uint32
	for n, q := range c.reqs {
		if q.f == f && q.p == p {
			mine = append(mine, n)
		}
	}
	slices.Sort(mine)
	for i := len(mine) - 1; i >= 0; i-- {
		q := c.reqs[mine[i]]
		delete(c.reqs, mine[i])
		if q.r >= 0 {
			f.copies[q.r]--
			c.requeue(f, q.r)
		}
	}
	p.inflight = 0
	return mine
}

// origin is f's publisher wallet: its first provider's.
func (f *fetch) origin() common.Address {
	if len(f.provs) == 0 {
		return common.Address{}
	}
	return f.provs[0].owner
}

// originPeer is where f's messages for its origin go (Who, Have): the
// origin's first provider not dropped for lying, the first if none.
func (f *fetch) originPeer() *prov {
	o := f.origin()
	for _, p := range f.provs {
		if p.owner == o && !p.cache && (p.dropped == nil || errors.Is(p.dropped, ErrTimeout)) {
			return p
		}
	}
	return f.provs[0]
}

// ownerOf is the wallet of peer p in f: an instance's wallet, or p.
func (f *fetch) ownerOf(peer common.Address) common.Address {
	if p := f.provider(peer); p != nil {
		return p.owner
	}
	return peer
}

// instanceAddr is p's instance address, or the zero Addr for a wallet.
func (p *prov) instanceAddr() netip.Addr {
	if p.w == p.owner {
		return netip.Addr{}
	}
	a, _ := InstanceOf(p.w)
	return a
}
