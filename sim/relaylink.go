package sim

import (
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/relay"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/transport"
)

// Link receipts in a routed "relay" run (routing: {enabled: true}).
// Every overlay router with hosts attached is an Edge as well: it runs
// the relay core (Service.OnRouters) and collects the link receipts its
// hosts sign, and the WatchDogs probe it like any Edge. Every host's
// core gets a sample of its node's link meter (stack.Node.RoutedTraffic,
// through relay.CountsOf, as relay.Service does on a node) every
// linkEvery of virtual time, aligned to the epochs, and signs link
// receipts from it, exactly as on a node (apps/relay linkmeter.go).
//
// Ground truth is the routers' own meters (link/router meter.go): the
// simulator sees every frame a router sends and keeps, per router,
//   - all the transport bytes it forwarded between two hosts, which at
//     the end must equal, router by router, what its meter
//     (Router.Forwarded) counted for host pairs: the tally is the meter;
//   - of those, the data messages (what hosts meter and sign for) it
//     forwarded for one of its own hosts (it is the source's router or
//     the destination's, the two a session's receipts name), less those
//     the network or a cheating router lost after it: bytes it forwarded
//     that reached the destination host, per epoch.
//
// An honest router must be credited within 1 % of the latter, like
// any Edge; the former, raw, is shown beside it (the gap is what the
// network lost after the router: receipts are the lower of the two
// ends, so no Edge is paid for a frame that did not arrive). Keepalives
// (data messages without a payload) are counted by neither end and are
// not in the truth. Hosts sample their meters at the same virtual
// instants, so the only bytes the receipts cannot show are those in
// flight between the two ends at an epoch's cut: the sender counts
// them in one epoch, the receiver in the next, and each epoch credits
// the lower count. In TestRelayLinks that is under 0.1 % of an honest
// router's truth over the run (worst router-epoch 0.29 %).
//
// Cheating routers cheat on the link path: "inflate" doubles the link
// receipts it hands in (relay.Cheater, in its core), "drop" drops every
// third data message it forwards, "probe-only" forwards only what goes
// to or comes from a WatchDog or a probe partner (whose wallets it
// recognizes) and drops the rest, "offline" runs a silent core (no
// receipts handed in, no probe answered) while its link layer still
// forwards (its hosts would be cut off otherwise). Hosts attached to a
// cheating router are endpoints only.

// linkEvery is how often hosts sample their link meter; it divides every
// epoch, so samples fall on epoch boundaries.
const linkEvery = time.Second

// transportData is the type byte of a transport data message
// (transport/messages.go, msgData): what hosts meter, when it carries a
// payload (a keepalive, transport.Overhead bytes, counts at neither end).
const transportData = 4

// relayLinks is the link-layer side of a routed relay run.
type relayLinks struct {
	epochLen time.Duration
	hostAt   map[link.Locator]int32
	// routers: the routers that are Edges, by node; cheat: the link
	// cheats of routers (drop, probe-only); probes: the wallets a
	// probe-only router recognizes.
	routers map[int32]common.Address
	// routerLocs: every router's locator, as its DID document publishes it.
	routerLocs map[common.Address][][32]byte
	cheat      map[int32]string
	probes     map[common.Address]bool
	drops      int // data messages seen by drop cheaters
	// silent: hosts whose core sends nothing (offline Edges): they sign
	// no receipts, so what routers forward for them is not in the truth.
	silent map[int32]bool
	// all: per router node, every transport byte it forwarded between
	// hosts (the meter's view); forwarded and truth: per router Edge
	// and epoch, the data bytes it forwarded for its hosts, and those
	// less what was lost after it.
	all       map[int32]uint64
	forwarded map[relayKey]uint64
	truth     map[relayKey]int64
	// Over honest routers' settled epochs, for the summary: credited,
	// the truth (forwarded and delivered), forwarded (raw, with the
	// service-layer truth), and the worst |credited-truth|/truth in ppm.
	credited, delivered, raw uint64
	worstPPM                 int64
}

var _ frameTap = (*relayLinks)(nil)

func newRelayLinks(s *Sim, epochLen time.Duration) *relayLinks {
	L := &relayLinks{epochLen: epochLen, hostAt: map[link.Locator]int32{}, routers: map[int32]common.Address{}, routerLocs: map[common.Address][][32]byte{},
		cheat: map[int32]string{}, probes: map[common.Address]bool{}, silent: map[int32]bool{}, all: map[int32]uint64{},
		forwarded: map[relayKey]uint64{}, truth: map[relayKey]int64{}}
	for _, h := range s.hosts {
		L.hostAt[link.Locator(s.rt.loc[h])] = h
	}
	return L
}

// window is the epoch whose receipts count what a router forwards at
// virtual time now: a host's sample at an epoch's boundary closes the
// epoch before with the count of the sample before it, so an epoch
// counts what moved from one sample before its start to one sample
// before its end.
func (L *relayLinks) window(now int64) uint64 {
	t := epoch.Add(time.Duration(now) + linkEvery)
	return uint64(t.UnixNano() / int64(L.epochLen))
}

// parse returns the hosts a frame a router sends goes between, and
// whether it is a data message; ok is false for anything else.
func (L *relayLinks) parse(frame []byte) (from, to int32, data, ok bool) {
	var h link.Header
	payload, err := link.ParseHeader(frame, &h)
	if err != nil || h.Type != link.FrameTransport || h.Src == nil || h.Dst == nil {
		return 0, 0, false, false
	}
	from, okf := L.hostAt[*h.Src]
	to, okt := L.hostAt[*h.Dst]
	return from, to, len(payload) > transport.Overhead && payload[0] == transportData, okf && okt
}

// sent implements frameTap.
func (L *relayLinks) sent(s *Sim, src, _ int32, frame []byte) bool {
	if !s.rt.isRouter(src) {
		return false
	}
	from, to, data, ok := L.parse(frame)
	if !ok {
		return false
	}
	L.all[src] += uint64(len(frame))
	drop := false
	switch L.cheat[src] {
	case relay.CheatDrop:
		if data {
			L.drops++
			drop = L.drops%3 == 0
		}
	case relay.CheatProbeOnly:
		drop = !L.probes[s.nodes[from].self.Wallet] && !L.probes[s.nodes[to].self.Wallet]
	}
	if !data || L.silent[from] || L.silent[to] {
		return drop
	}
	rs, rd := s.net.nodeSeg[from], s.net.nodeSeg[to]
	if w, edge := L.routers[src]; edge && (src == rs || src == rd) {
		k := relayKey{w, L.window(s.now.Load())}
		L.forwarded[k] += uint64(len(frame))
		L.truth[k] += int64(len(frame))
	}
	if drop {
		L.lostAfter(s, src, rs, rd, len(frame))
	}
	return drop
}

// dropped implements frameTap: a data message lost after a router.
func (L *relayLinks) dropped(s *Sim, src, _ int32, frame []byte, reason string) {
	if reason == dropCheat || !s.rt.isRouter(src) {
		return
	}
	from, to, data, ok := L.parse(frame)
	if !ok || !data || L.silent[from] || L.silent[to] {
		return
	}
	L.lostAfter(s, src, s.net.nodeSeg[from], s.net.nodeSeg[to], len(frame))
}

// lostAfter books n bytes router x sent on and that did not arrive:
// the source's router rs forwarded them (a host sends only to its own
// router), and the destination's router rd did if it is x.
func (L *relayLinks) lostAfter(s *Sim, x, rs, rd int32, n int) {
	win := L.window(s.now.Load())
	if w, ok := L.routers[rs]; ok {
		L.truth[relayKey{w, win}] -= int64(n)
	}
	if w, ok := L.routers[rd]; ok && x == rd && rd != rs {
		L.truth[relayKey{w, win}] -= int64(n)
	}
}

// sample is host n's sample of its link meter for its core, as
// relay.Service takes it: nil when the node is down, or when the meter
// is empty and the core already had its first sample.
func (L *relayLinks) sample(n *node, first bool) any {
	if n.down || n.st == nil {
		return nil
	}
	lc := relay.CountsOf(n.st.RoutedTraffic())
	if len(lc.Counts) == 0 && !first {
		return nil
	}
	lc.RouterLocators = L.routerLocs
	return lc
}

// checkMeters compares the tally with every router's own meter.
func (L *relayLinks) checkMeters(s *Sim) error {
	for r := range s.rt.segs {
		n := s.nodes[r]
		if n.down || n.st == nil || n.inc > 0 { // a restart began a new meter
			continue
		}
		var meter uint64
		for _, f := range n.st.Forwarded() {
			_, okf := L.hostAt[f.Src]
			_, okt := L.hostAt[f.Dst]
			if okf && okt {
				meter += f.Bytes
			}
		}
		if meter != L.all[int32(r)] {
			return fmt.Errorf("router %d's meter counts %d bytes forwarded between hosts, the simulator saw it send %d", r, meter, L.all[int32(r)])
		}
	}
	return nil
}

func (L *relayLinks) isRouter(w common.Address) bool {
	for _, r := range L.routers {
		if r == w {
			return true
		}
	}
	return false
}

// linkStats books an honest router's epoch for the summary.
func (l *relayLoad) linkStats(e common.Address, ep uint64, credited, truth uint64) {
	L := l.links
	k := relayKey{e, ep}
	L.credited += credited
	L.delivered += truth
	L.raw += l.truth[k] + L.forwarded[k]
	if truth > 0 {
		d := int64(credited) - int64(truth)
		L.worstPPM = max(L.worstPPM, d*1_000_000/int64(truth), -d*1_000_000/int64(truth))
	}
}
