package sim

import (
	"cmp"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/relay"
	"github.com/anynet/anynet/apps/service"
)

// The "relay" workload runs apps/relay's core on every host: a tenth of
// the hosts are Edges (a share Cheat of them cheating), ten are
// WatchDogs, each with a probe partner, three are Guardians, and the
// rest are endpoints that send Messages flows of 1 to 16 KiB through
// random Edges to random endpoints over Spread, a third of them echoed
// (request/response). WatchDogs probe every Edge Probes times an epoch
// (default twice) with flows like those, and a Guardian judges an Edge's
// availability by the Wilson bound of relay.Compute. Each Guardian
// settles every epoch on its own, with a stake snapshot in which every
// Edge holds 1 ether (a ceiling of 16 GiB an epoch for unstaked
// endpoints, far above what an Edge relays here) and no endpoint holds
// any: Guardians ask for it (relay.WantStakes) and their driver answers
// at once, as relay.Service answers from the chain.
//
// Cheating Edges take turns in the four ways of relay.Cheater:
// inflated receipts, dropped frames, relaying only what looks like
// probes (echoed flows, both ways: all probes and a third of the real
// flows), and going offline.
//
// Invariants, per settled epoch:
//   - a Guardian's commitment recomputes from the evidence it publishes,
//     and every Guardian commits the same root;
//   - every cheater is detected (not "ok") or is credited no more than
//     the bytes that truly reached endpoints through it;
//   - every honest Edge is "ok" and credited within 1 % of the bytes
//     that truly reached endpoints through it.

var relayCheats = []string{relay.CheatInflate, relay.CheatDrop, relay.CheatProbeOnly, relay.CheatOffline}

// relayLoad is the state of one "relay" workload entry.
type relayLoad struct {
	edges     []common.Address
	cheat     map[common.Address]string
	guardians map[common.Address]bool
	truth     map[relayKey]uint64                       // bytes delivered through an Edge per epoch
	roots     map[uint64]map[common.Address]common.Hash // epoch → guardian → root
	scores    map[uint64]relay.Scores
	params    relay.Params // the first Guardian's
	// counts, for the tests and the summary.
	flows, settled, detected int
	// probes of honest Edges: per Edge and epoch, and the answered
	// probes' round trips.
	probes map[relayKey]*[2]uint64 // answered, sent
	rtts   []time.Duration
	stats  *Stats
	why    string // how two Guardians' scores differ
	// links: the link receipts' side of a routed run (relaylink.go);
	// nil without routing. linkReceipts: per settled epoch, the link
	// receipts in the first Guardian's evidence.
	links        *relayLinks
	linkReceipts map[uint64]int
	s            *Sim
}

type relayKey struct {
	edge  common.Address
	epoch uint64
}

var _ task = (*relayLoad)(nil)

func (l *relayLoad) schedule(*Sim)         {}
func (l *relayLoad) poll(*Sim, *node) bool { return false }
func (l *relayLoad) crashed(*Sim, *node)   {}
func (l *relayLoad) restarted(*Sim, *node) {}
func (l *relayLoad) done() bool            { return true }

func relayMaker(s *Sim, w Workload, rng *rand.Rand) []task {
	l := &relayLoad{s: s, cheat: map[common.Address]string{}, guardians: map[common.Address]bool{}, linkReceipts: map[uint64]int{},
		truth: map[relayKey]uint64{}, probes: map[relayKey]*[2]uint64{}, roots: map[uint64]map[common.Address]common.Hash{}, scores: map[uint64]relay.Scores{},
		stats: &s.stats}
	hosts := make([]common.Address, len(s.hosts))
	for i, h := range s.hosts {
		hosts[i] = s.nodes[h].self.Wallet
	}
	if len(hosts) < 40 {
		return []task{l}
	}
	epoch := time.Duration(w.Epoch)
	if epoch == 0 {
		epoch = 10 * time.Second
	}
	// A routed run: the routers with hosts are Edges too, a share Cheat
	// of them cheating; their hosts are endpoints only (relaylink.go).
	var routerEdges []common.Address
	linkCheat := map[common.Address]string{}
	behind := map[common.Address]bool{} // hosts of cheating routers
	if s.rt != nil {
		l.links = newRelayLinks(s, epoch)
		seen := map[int32]bool{}
		var rs []int32
		for _, h := range s.hosts {
			if r := s.net.nodeSeg[h]; !seen[r] {
				seen[r] = true
				rs = append(rs, r)
			}
		}
		slices.Sort(rs)
		for _, i := range rng.Perm(len(rs)) {
			r := rs[i]
			rw := s.nodes[r].self.Wallet
			l.links.routers[r] = rw
			routerEdges = append(routerEdges, rw)
		}
		for i, rw := range routerEdges[:int(w.Cheat*float64(len(routerEdges))+0.5)] {
			r := s.byWallet[rw]
			kind := relayCheats[i%len(relayCheats)]
			l.cheat[rw], linkCheat[rw] = kind, kind
			l.links.cheat[r.id] = kind
			for _, h := range s.hosts {
				if s.net.nodeSeg[h] == r.id {
					behind[s.nodes[h].self.Wallet] = true
				}
			}
		}
	}
	order := rng.Perm(len(hosts))
	slices.SortStableFunc(order, func(a, b int) int { // hosts of cheating routers last: endpoints
		return cmp.Compare(b2i(behind[hosts[a]]), b2i(behind[hosts[b]]))
	})
	take := func(n int) []common.Address {
		out := make([]common.Address, 0, n)
		for range n {
			out = append(out, hosts[order[0]])
			order = order[1:]
		}
		return out
	}
	guardians, dogs, partners := take(3), take(10), take(10)
	l.edges = take(len(hosts) / 10)
	endpoints := take(len(order))
	for _, g := range guardians {
		l.guardians[g] = true
	}
	cheaters := int(w.Cheat*float64(len(l.edges)) + 0.5)
	for i, e := range l.edges[:cheaters] {
		l.cheat[e] = relayCheats[i%len(relayCheats)]
	}
	hostEdges := l.edges
	l.edges = append(slices.Clone(l.edges), routerEdges...)
	if l.links != nil {
		for _, a := range append(slices.Clone(dogs), partners...) {
			l.links.probes[a] = true
		}
		s.tap = l.links
	}
	// Edges hand in one Grace after an epoch, Guardians settle three
	// after. Routed, an Edge's batch holds link receipts of every session
	// of its hosts (hundreds of KiB from a router), all Edges' batches
	// meet at each Guardian's access link, over paths that lose a frame
	// at each of their three or more sends: a Grace of an epoch, up to
	// 10 s.
	grace := 4 * time.Second
	if l.links != nil {
		grace = max(grace, min(epoch, 10*time.Second))
	}
	probes := w.Probes
	if probes == 0 {
		probes = 2
	}
	params := relay.DefaultParams(dogs...)
	l.params = params
	stakes := relay.StakeSnapshot{Block: 1}
	for _, e := range l.edges {
		stakes.Stakes = append(stakes.Stakes, relay.Stake{Wallet: e, Amount: big.NewInt(1e18)})
	}
	roles := map[common.Address]relay.CoreConfig{}
	for i, d := range dogs {
		roles[d] = relay.CoreConfig{Roles: relay.RoleWatchDog, Edges: l.edges, ProbePartner: partners[i], ProbesPerEpoch: probes}
	}
	for _, e := range l.edges {
		roles[e] = relay.CoreConfig{Roles: relay.RoleEdge}
	}
	for _, g := range guardians {
		roles[g] = relay.CoreConfig{Roles: relay.RoleGuardian}
	}

	// Endpoints behind a cheating router send to each other only, and
	// through cheating host Edges only: an honest Edge whose endpoint's
	// receipts a router drops would lose credit it earned (so would a
	// router whose host, an offline Edge, signs nothing: relaylink.go
	// leaves those out of its truth).
	var ends, behindEnds, cheatEdges []common.Address
	for _, e := range endpoints {
		if behind[e] {
			behindEnds = append(behindEnds, e)
		} else {
			ends = append(ends, e)
		}
	}
	for _, e := range hostEdges {
		if l.cheat[e] != "" {
			cheatEdges = append(cheatEdges, e)
		}
		if l.cheat[e] == relay.CheatOffline && l.links != nil {
			n := s.byWallet[e]
			l.links.silent[n.id] = true
		}
	}
	var planned []Command
	for i := range w.Messages {
		from := endpoints[rng.IntN(len(endpoints))]
		pool, vias := ends, hostEdges
		if behind[from] {
			pool, vias = behindEnds, cheatEdges
		}
		to := pool[rng.IntN(len(pool))]
		if from == to || len(vias) == 0 {
			continue
		}
		at := time.Duration(w.Start) + time.Duration(w.Spread)*time.Duration(i)/time.Duration(max(1, w.Messages))
		planned = append(planned, Command{At: at, Node: from, Cmd: relay.Send{Via: vias[rng.IntN(len(vias))], To: to,
			Bytes: 1<<10 + rng.IntN(15<<10), Echo: rng.IntN(3) == 0}})
	}
	svc := &Service{
		Port: relay.RelayPort,
		Core: func(self common.Address, st service.Store, rnd io.Reader) service.Core {
			cfg := roles[self]
			cfg.Wallet, cfg.Epoch, cfg.Guardians, cfg.Params = s.wallet(self), epoch, guardians, params
			cfg.Store, cfg.Rand, cfg.ReceiptEvery, cfg.ProbeTimeout, cfg.Grace = st, rnd, 16<<10, 5*time.Second, grace
			cfg.FlowBytes = [2]int{1 << 10, 16 << 10}
			kind := l.cheat[self]
			if k := linkCheat[self]; k == relay.CheatDrop || k == relay.CheatProbeOnly {
				kind = "" // a router's cheats of these kinds are in its link layer (relaylink.go)
			}
			return &relayDriver{core: relay.NewCore(cfg), cheat: relay.Cheater{Kind: kind}, stakes: stakes}
		},
		Commands: func(Workload, Layout, *rand.Rand) []Command { return planned },
		Started:  l.started,
		Observe:  l.observe,
		Check:    l.check,
		// Routers run the core too (Edges) in a routed run.
		OnRouters: l.links != nil,
	}
	if l.links != nil {
		// Every host samples its link meter, as relay.Service does (at
		// its core's start, then every linkEvery), with the routers'
		// locators as their DID documents publish them (the service reads
		// them there).
		for i := range s.rt.segs {
			l.links.routerLocs[s.nodes[i].self.Wallet] = [][32]byte{s.rt.loc[i]}
		}
		for _, h := range s.hosts {
			n := s.nodes[h]
			for at := linkEvery; at <= time.Duration(s.sc.Duration); at += linkEvery {
				planned = append(planned, Command{At: at, Node: n.self.Wallet, Make: func() any { return l.links.sample(n, false) }})
			}
		}
	}
	return append(svc.workload(s, w, rng), l)
}

// started hands a host's core its first sample of the link meter as it
// starts, as relay.Service does (relaylink.go).
func (l *relayLoad) started(self common.Address, _ service.Core, _ bool) []any {
	if l.links == nil {
		return nil
	}
	if n, ok := l.s.byWallet[self]; ok && !l.s.rt.isRouter(n.id) {
		if lc := l.links.sample(n, true); lc != nil {
			return []any{lc}
		}
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (l *relayLoad) observe(o Observation) error {
	switch e := o.Event.(type) {
	case nil:
		if _, send := o.Cmd.(relay.Send); send && o.Err == nil {
			l.flows++
		}
	case relay.Delivered:
		l.truth[relayKey{e.Edge, e.Epoch}] += uint64(e.Bytes)
	case relay.Probed:
		if l.cheat[e.Probe.Edge] != "" {
			break
		}
		k := relayKey{e.Probe.Edge, e.Probe.Epoch}
		if l.probes[k] == nil {
			l.probes[k] = new([2]uint64)
		}
		l.probes[k][1]++
		if e.Probe.Answered {
			l.probes[k][0]++
			l.rtts = append(l.rtts, time.Duration(e.Probe.RTTMicro)*time.Microsecond)
		}
	case relay.Settled:
		ep := e.Scores.Epoch
		// Anyone recomputes a Guardian's commitment from what it publishes.
		if again := relay.Commit(relay.Compute(e.Evidence, l.params)); again.Root != e.Commitment.Root {
			return fmt.Errorf("epoch %d: guardian %s's commitment does not recompute from its evidence", ep, o.Node)
		}
		if l.roots[ep] == nil {
			l.roots[ep] = map[common.Address]common.Hash{}
			l.scores[ep] = e.Scores
			for _, r := range e.Evidence.Receipts {
				if r.Link {
					l.linkReceipts[ep]++
				}
			}
		}
		l.roots[ep][o.Node] = e.Commitment.Root

		if e.Commitment.Root != l.scoresRoot(ep) {
			l.differ(ep, o.Node, e.Scores)
		}
	}
	return nil
}

func (l *relayLoad) scoresRoot(ep uint64) common.Hash { return relay.Commit(l.scores[ep]).Root }

// differ names, in the run's log, the first Edge a Guardian scored
// otherwise than the first Guardian of the epoch.
func (l *relayLoad) differ(ep uint64, g common.Address, s relay.Scores) {
	for _, a := range l.scores[ep].Edges {
		b, ok := s.Of(a.Edge)
		if !ok || a.Status != b.Status || a.Delivered != b.Delivered || a.Probes != b.Probes {
			l.why = fmt.Sprintf("edge %s (%s): first guardian %s %d bytes %d probes, guardian %s %s %d bytes %d probes",
				a.Edge, l.cheat[a.Edge], a.Status, a.Delivered, a.Probes, g, b.Status, b.Delivered, b.Probes)
			return
		}
	}
}

// check verifies every settled epoch.
func (l *relayLoad) check() error {
	defer l.fillStats()
	l.settled, l.detected = 0, 0
	if l.links != nil {
		l.links.credited, l.links.delivered, l.links.raw, l.links.worstPPM = 0, 0, 0, 0
	}
	price := relay.DefaultParams().PricePerGiB
	for ep, roots := range l.roots {
		if len(roots) != len(l.guardians) {
			return fmt.Errorf("epoch %d settled by %d of %d guardians", ep, len(roots), len(l.guardians))
		}
		var first common.Hash
		for _, r := range roots {
			if first == (common.Hash{}) {
				first = r
			} else if r != first {
				return fmt.Errorf("epoch %d: guardians committed different roots: %s", ep, l.why)
			}
		}
		l.settled++
		s := l.scores[ep]
		for _, e := range l.edges {
			truth := l.truth[relayKey{e, ep}]
			if l.links != nil {
				truth = uint64(max(0, int64(truth)+l.links.truth[relayKey{e, ep}]))
			}
			sc, ok := s.Of(e)
			if !ok {
				return fmt.Errorf("epoch %d: edge %s not scored", ep, e)
			}
			if kind := l.cheat[e]; kind != "" {
				// Earned at most the truth's worth at full price.
				most := new(big.Int).Mul(new(big.Int).SetUint64(truth), price)
				most.Rsh(most, 30)
				if sc.Status == relay.StatusOK && sc.Net.Cmp(most) > 0 {
					return fmt.Errorf("epoch %d: %s edge %s earned %s for %d bytes delivered", ep, kind, e, sc.Net, truth)
				}
				if sc.Status != relay.StatusOK {
					l.detected++
				}
				continue
			}
			if sc.Status != relay.StatusOK {
				return fmt.Errorf("epoch %d: honest edge %s is %s: %s", ep, e, sc.Status, sc.Why)
			}
			if l.links != nil && l.links.isRouter(e) {
				l.linkStats(e, ep, sc.Delivered, truth)
			}
			if diff := int64(sc.Delivered) - int64(truth); diff*100 > int64(truth) || -diff*100 > int64(truth) {
				what := "a host relaying in its service"
				if l.links != nil && l.links.isRouter(e) {
					k := relayKey{e, ep}
					what = fmt.Sprintf("a router: %d relayed in its service, %d forwarded in its link layer of which %d delivered; %d bytes unmatched", l.truth[k], l.links.forwarded[k], l.links.truth[k], sc.Unmatched)
				}
				return fmt.Errorf("epoch %d: honest edge %s (%s) credited %d bytes, delivered %d", ep, e, what, sc.Delivered, truth)
			}

		}
	}
	if l.settled == 0 {
		return fmt.Errorf("no epoch settled")
	}
	if l.links != nil {
		if err := l.links.checkMeters(l.s); err != nil {
			return err
		}
		for ep := range l.roots {
			if l.linkReceipts[ep] == 0 {
				return fmt.Errorf("epoch %d: no link receipts in the evidence of a routed run", ep)
			}
		}
	}
	return nil
}

// relayDriver is one node's core with its way of cheating, if any.
type relayDriver struct {
	core   *relay.Core
	cheat  relay.Cheater
	stakes relay.StakeSnapshot // what a Guardian's WantStakes is answered
}

func (d *relayDriver) Handle(now time.Time, in service.Input, out *service.Effects) {
	d.core.Handle(now, in, out)
	for _, e := range out.Events[:len(out.Events):len(out.Events)] {
		if w, ok := e.(relay.WantStakes); ok {
			d.core.Handle(now, service.Input{Kind: service.Command, Cmd: relay.Stakes{Epoch: w.Epoch, Snapshot: d.stakes}}, out)
		}
	}

	if d.cheat.Kind == "" {
		return
	}
	kept := out.Send[:0]
	for _, f := range out.Send {
		if keep := d.cheat.Filter(f.Frame); keep != nil {
			kept = append(kept, service.Outbound{To: f.To, Frame: keep})
		}
	}
	out.Send = kept
}

// fillStats sets the run's relay figures, whether or not check passed.
func (l *relayLoad) fillStats() {
	st := l.stats
	if l.links != nil {
		st.RelayLinkEdges, st.RelayLinkCheaters = len(l.links.routers), len(l.links.cheat)
		st.RelayLinkCredited, st.RelayLinkTruth, st.RelayLinkForwarded, st.RelayLinkWorstPPM = l.links.credited, l.links.delivered, l.links.raw, l.links.worstPPM
		st.RelayLinkReceipts = 0
		for _, n := range l.linkReceipts {
			st.RelayLinkReceipts += n
		}
	}
	st.RelayFlows, st.RelayEpochs, st.RelayDetected = l.flows, l.settled, l.detected
	st.RelayEdges, st.RelayCheaters = len(l.edges), len(l.cheat)
	st.RelayProbeRTT, st.RelayAnswered, st.RelayProbes = l.rtts, 0, 0
	st.RelayWorst = [2]uint64{}
	for _, p := range l.probes {
		st.RelayAnswered += p[0]
		st.RelayProbes += p[1]
		if st.RelayWorst[1] == 0 || p[0]*st.RelayWorst[1] < st.RelayWorst[0]*p[1] {
			st.RelayWorst = *p
		}
	}
}
