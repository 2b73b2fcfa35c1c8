package relay

import (
	"bytes"
	"cmp"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/service"
)

// observer wraps a Core for a Service: it passes every input on, and
// keeps what the user is shown before settlement (an Edge's receipts so
// far, a WatchDog's probes), and makes a Guardian's published evidence
// one of the writes of the Handle that settled the epoch, so it is
// stored (and served) exactly when the core's epoch is settled. It runs
// on the runner's goroutine.
type observer struct {
	core   *Core
	self   common.Address
	roles  Roles
	epoch  time.Duration
	params Params
	store  service.Store

	// edge: the highest bytes per (endpoint, session) per epoch, from
	// receipts this node accepted.
	vouched map[uint64]map[collectKey]uint64
	// watchdog: probe results per epoch and Edge.
	probes map[uint64]map[common.Address]*ProbeTally
	// guardian: epochs settled since start (and found in the store).
	settled map[uint64]SettledEpoch
}

var _ service.Core = (*observer)(nil)

// statusQuery asks the observer for a snapshot (a Command).
type statusQuery struct{}

// ProbeTally is a WatchDog's count of its probes of one Edge in one epoch.
type ProbeTally struct {
	Epoch    uint64
	Edge     common.Address
	Probes   uint64
	Answered uint64
	// RTTMicro is the mean round trip of the answered probes.
	RTTMicro uint64
}

// Pending is an Edge's epoch before settlement: what its endpoints have
// vouched for so far, and what that would earn at full availability
// under the node's Params — fee shown before settlement.
type Pending struct {
	Epoch     uint64
	Endpoints int
	Sessions  int
	Bytes     uint64 // vouched, capped per endpoint
	Gross     *big.Int
	Fee       *big.Int
	Net       *big.Int
}

// SettledEpoch is a Guardian's settled epoch.
type SettledEpoch struct {
	Epoch    uint64
	Root     common.Hash
	Total    *big.Int
	Edges    int
	Receipts int
	Probes   int
}

// snapshot is the observer's answer to statusQuery.
type snapshot struct {
	pending []Pending
	probes  []ProbeTally
	settled []SettledEpoch
}

func (o *observer) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Start:
		o.load()
	case service.Command:
		switch cmd := in.Cmd.(type) {
		case statusQuery:
			out.Result = o.snapshot(now)
			return
		case setFee: // refresh.go
			o.params.FeeBps, o.core.cfg.Params.FeeBps = cmd.bps, cmd.bps
			return
		}
	case service.Frame:
		o.frame(in.Peer, in.Frame)
	}
	o.core.Handle(now, in, out)
	for _, e := range out.Events {
		switch e := e.(type) {
		case Settled:
			pub := Published{Guardian: o.self, Params: o.params, Evidence: e.Evidence}
			if b, err := pub.MarshalBinary(); err == nil {
				out.Put(publishedKey(e.Evidence.Epoch), b)
			}
			o.settled[e.Evidence.Epoch] = settledOf(e.Evidence, e.Scores, e.Commitment)
		case Probed:
			o.probed(e.Probe)
		}
	}
}

// load rebuilds what the store holds: receipts an Edge has not handed
// in, and a Guardian's published epochs.
func (o *observer) load() {
	o.vouched = map[uint64]map[collectKey]uint64{}
	o.probes = map[uint64]map[common.Address]*ProbeTally{}
	o.settled = map[uint64]SettledEpoch{}
	_ = o.store.Scan([]byte("r"), func(_, v []byte) bool {
		var r Receipt
		if r.UnmarshalBinary(v) == nil {
			o.vouch(r)
		}
		return true
	})
	_ = o.store.Scan([]byte("P"), func(_, v []byte) bool {
		var p Published
		if p.UnmarshalBinary(v) == nil {
			s := Compute(p.Evidence, p.Params)
			o.settled[p.Evidence.Epoch] = settledOf(p.Evidence, s, Commit(s))
		}
		return true
	})
}

func settledOf(ev Evidence, s Scores, c Commitment) SettledEpoch {
	return SettledEpoch{Epoch: ev.Epoch, Root: c.Root, Total: c.Total, Edges: len(s.Edges), Receipts: len(ev.Receipts), Probes: len(ev.Probes)}
}

// frame notes a receipt for this Edge that the core will keep (signed
// by the endpoint that sent it).
func (o *observer) frame(peer common.Address, b []byte) {
	if o.roles&RoleEdge == 0 || len(b) == 0 || b[0] != frameReceipt {
		return
	}
	var r Receipt
	if r.UnmarshalBinary(b[1:]) != nil || r.Endpoint != peer || r.Edge != o.self || r.Verify() != nil {
		return
	}
	o.vouch(r)
}

func (o *observer) vouch(r Receipt) {
	m := o.vouched[r.Epoch]
	if m == nil {
		m = map[collectKey]uint64{}
		o.vouched[r.Epoch] = m
	}
	k := collectKey{r.Endpoint, r.Session}
	m[k] = max(m[k], r.Bytes)
}

func (o *observer) probed(p Probe) {
	m := o.probes[p.Epoch]
	if m == nil {
		m = map[common.Address]*ProbeTally{}
		o.probes[p.Epoch] = m
	}
	t := m[p.Edge]
	if t == nil {
		t = &ProbeTally{Epoch: p.Epoch, Edge: p.Edge}
		m[p.Edge] = t
	}
	t.Probes++
	if p.Answered {
		t.RTTMicro = (t.RTTMicro*t.Answered + uint64(p.RTTMicro)) / (t.Answered + 1)
		t.Answered++
	}
}

// keep is how many epochs back the snapshot reaches.
const keep = 24

// snapshot reports the recent epochs and forgets older ones.
func (o *observer) snapshot(now time.Time) snapshot {
	cur := uint64(now.UnixNano() / int64(o.epoch))
	old := func(e uint64) bool { return e+keep < cur }
	var s snapshot
	for _, e := range sortedKeys(o.vouched) {
		if old(e) {
			delete(o.vouched, e)
			continue
		}
		s.pending = append(s.pending, o.estimate(e))
	}
	for _, e := range sortedKeys(o.probes) {
		if old(e) {
			delete(o.probes, e)
			continue
		}
		for _, t := range o.probes[e] {
			s.probes = append(s.probes, *t)
		}
	}
	slices.SortFunc(s.probes, func(a, b ProbeTally) int {
		return cmp.Or(cmp.Compare(a.Epoch, b.Epoch), bytes.Compare(a.Edge[:], b.Edge[:]))
	})
	for _, e := range sortedKeys(o.settled) {
		if old(e) {
			delete(o.settled, e)
			continue
		}
		s.settled = append(s.settled, o.settled[e])
	}
	return s
}

// estimate is Compute's formula for this Edge's receipts of epoch e, at
// full availability.
func (o *observer) estimate(e uint64) Pending {
	per := map[common.Address]uint64{}
	for k, b := range o.vouched[e] {
		per[k.endpoint] += b
	}
	p := Pending{Epoch: e, Endpoints: len(per), Sessions: len(o.vouched[e])}
	for _, b := range per {
		p.Bytes += min(b, o.params.CapPerEndpoint)
	}
	price := o.params.PricePerGiB
	if price == nil {
		price = new(big.Int)
	}
	p.Gross = new(big.Int).Mul(new(big.Int).SetUint64(p.Bytes), price)
	p.Gross.Rsh(p.Gross, 30)
	p.Fee = new(big.Int).Mul(p.Gross, new(big.Int).SetUint64(o.params.FeeBps))
	p.Fee.Div(p.Fee, big.NewInt(10_000))
	p.Net = new(big.Int).Sub(p.Gross, p.Fee)
	return p
}
