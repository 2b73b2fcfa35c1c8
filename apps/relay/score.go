package relay

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"

	"github.com/ethereum/go-ethereum/common"
)

// Params are the public scoring rules of a network; a Guardian publishes
// them with every epoch's evidence so anyone can recompute its scores.
type Params struct {
	// PricePerGiB is what an Edge earns, in wei, per GiB (2^30 bytes)
	// delivered through it.
	PricePerGiB *big.Int
	// FeeBps is the Guardian's fee in basis points of the gross credit,
	// shown in every score before settlement.
	FeeBps uint64
	// CapPerEndpoint is the most bytes one endpoint wallet can vouch for
	// to one Edge in one epoch beyond what its stake backs (its free
	// allowance).
	CapPerEndpoint uint64
	// BytesPerEther is how many bytes an epoch one ether (10^18 wei) of
	// stake backs (see "Stake" in the package doc): an endpoint's stake
	// backs that much of what it vouches for, over all Edges, free of
	// the per-endpoint cap, and an Edge's stake is the ceiling of what it
	// is credited for bytes no stake backs. Wallets are free, so this is
	// what bounds colluding wallets. Zero consults no stake: every
	// endpoint vouches for up to CapPerEndpoint per Edge, without a
	// ceiling (a closed network's rule; colluders are then unbounded in
	// wallets).
	BytesPerEther uint64
	// MinProbes is how many probe results an Edge needs in an epoch to be
	// credited at all: availability is measured, never assumed.
	MinProbes uint64
	// WarnPPM and SuspendPPM are availability thresholds in parts per
	// million: an Edge whose availability bound (see BoundZ) is below
	// WarnPPM is warned and its credit scaled by the bound; below
	// SuspendPPM it earns nothing.
	WarnPPM, SuspendPPM uint64
	// BoundZ, in hundredths of a standard deviation, is the confidence
	// an Edge's probes must give before it is judged below a threshold:
	// the thresholds apply to the Wilson score interval's upper bound on
	// the share of probes answered (AvailabilityBound), not to the share
	// itself, so a few probes lost on a lossy network do not warn an
	// Edge, while an Edge the probes show to be below a threshold is
	// judged so. Zero judges the bare share.
	BoundZ uint64
	// SuspendAfter: an Edge judged below WarnPPM in this many epochs in
	// a row (this one included; see Standing) is suspended, not warned,
	// until an epoch it is ok. Zero never suspends for it.
	SuspendAfter uint64
	// WatchDogs are the wallets whose probe results count.
	WatchDogs []common.Address
}

// DefaultParams returns the rules the embedded network uses: 0.001 ether
// per GiB, a 2 % fee, 64 GiB per endpoint beyond its stake, 16 GiB an
// epoch per ether staked, 10 probes, warned below 96 %
// and suspended below 60 % availability (Storj's audit thresholds) or
// after three epochs below 96 % in a row,
// judged at 3 standard deviations (a one-sided 99.87 % bound: an Edge
// answering 99 % of 40 probes at random is warned about three times in
// 10^6 epochs; see the package doc).
func DefaultParams(watchdogs ...common.Address) Params {
	return Params{
		PricePerGiB:    big.NewInt(1e15),
		FeeBps:         200,
		CapPerEndpoint: 64 << 30,
		BytesPerEther:  16 << 30,
		MinProbes:      10,
		WarnPPM:        960_000,
		SuspendPPM:     600_000,
		BoundZ:         300,
		SuspendAfter:   3,
		WatchDogs:      watchdogs,
	}
}

// Submitted is a receipt as an Edge handed it to a Guardian.
type Submitted struct {
	By common.Address // the Edge that submitted it
	Receipt
}

// Evidence is everything a Guardian scores one epoch from, and what it
// publishes: receipts as submitted by Edges, WatchDogs' probe results,
// and the standings its previous settled epoch ended with (anyone checks
// them against that epoch's published result).
type Evidence struct {
	Epoch    uint64
	Receipts []Submitted
	Probes   []Probe
	Prior    []Standing
	// Wallets are the WatchDogs' signed lists of the wallets they probed
	// from (ProbeWallets): shown in Score.ProbeBytes, not judged.
	Wallets []ProbeWallets
	// Stakes are the wallets' stakes at a block the Guardian took after
	// the epoch (Params.BytesPerEther); anyone checks them on chain with
	// RelayCredits.stakeAt.
	Stakes StakeSnapshot
}

// Standing is what an Edge carries from one epoch to the next: Strikes
// is how many epochs in a row, up to and including the last settled one,
// it was judged below WarnPPM (warned or suspended for availability) or
// fraudulent. An ok epoch clears it; an unmeasured epoch, or one the
// Edge is absent from, leaves it as it was.
type Standing struct {
	Edge    common.Address
	Strikes uint64
}

// Status is an Edge's standing in one epoch.
type Status string

const (
	StatusOK         Status = "ok"
	StatusWarned     Status = "warned"     // availability below WarnPPM
	StatusSuspended  Status = "suspended"  // availability below SuspendPPM, or below WarnPPM SuspendAfter epochs in a row
	StatusUnmeasured Status = "unmeasured" // fewer than MinProbes probes
	StatusFraudulent Status = "fraudulent" // submitted a receipt it could not have
)

// Score is one Edge's result for an epoch, with the figures behind it.
type Score struct {
	Edge      common.Address
	Delivered uint64 // bytes credited: receipts, capped by stake and per endpoint
	Claimed   uint64 // bytes the receipts state before caps
	// Backed: the part of Delivered that endpoints' stake backs; the
	// rest is unbacked bytes within the per-endpoint cap, at most
	// Ceiling. Stake is this Edge's stake in Evidence.Stakes, and
	// Ceiling what it backs (Params.BytesPerEther; both zero when the
	// rules consult no stake).
	Backed  uint64
	Ceiling uint64
	Stake   *big.Int
	// Unmatched: bytes of link receipts the other end of the session did
	// not vouch for (the higher count's excess, or a receipt with no
	// counterpart); never credited.
	Unmatched uint64
	Endpoints int
	// ProbeBytes is the part of Delivered vouched for by wallets a
	// WatchDog declared as its probe wallets of the epoch (Evidence.
	// Wallets): shown, not judged.
	ProbeBytes uint64
	Probes     uint64
	Answered   uint64
	AvailPPM   uint64 // answered * 10^6 / probes, rounded down
	BoundPPM   uint64 // AvailabilityBound(answered, probes, BoundZ): what is judged
	Strikes    uint64 // epochs in a row judged below WarnPPM or fraudulent, this one included
	Status     Status
	Why        string // for every status but ok: the reason, in words
	Gross      *big.Int
	Fee        *big.Int
	Net        *big.Int // what the Edge can claim
}

// Scores is an epoch's result: one Score per Edge in ascending address
// order, the sum of their Net, and the standings the next epoch starts
// from (every Edge with strikes, scored or carried, in ascending address
// order).
type Scores struct {
	Epoch     uint64
	Edges     []Score
	Total     *big.Int
	Standings []Standing
}

// Compute scores ev under p. It is a pure function of its arguments:
// the order of the evidence does not matter, and anyone holding the
// published evidence and rules gets the same result bit for bit.
func Compute(ev Evidence, p Params) Scores {
	type flowKey struct {
		edge, endpoint common.Address
		session        uint64
	}
	type linkKey struct {
		edge    common.Address
		session uint64
	}
	flows := map[flowKey]uint64{}
	links := map[linkKey]map[common.Address]uint64{}
	fraud := map[common.Address]string{}
	edges := map[common.Address]bool{}
	for _, s := range ev.Receipts {
		edges[s.By] = true
		switch err := s.Verify(); {
		case err != nil:
			fraud[s.By] = fmt.Sprintf("submitted a receipt with a bad signature (session %d)", s.Session)
			continue
		case s.Edge != s.By:
			fraud[s.By] = fmt.Sprintf("submitted a receipt naming %s", s.Edge)
			continue
		case s.Epoch != ev.Epoch:
			fraud[s.By] = fmt.Sprintf("submitted a receipt of epoch %d", s.Epoch)
			continue
		}
		if s.Link {
			lk := linkKey{s.Edge, s.Session}
			if links[lk] == nil {
				links[lk] = map[common.Address]uint64{}
			}
			links[lk][s.Endpoint] = max(links[lk][s.Endpoint], s.Bytes)
			continue
		}
		k := flowKey{s.Edge, s.Endpoint, s.Session}
		flows[k] = max(flows[k], s.Bytes)
	}
	// Link receipts: a session's bytes count when both its ends vouch
	// for them, as much as the lower of the two says, for the receiver.
	unmatched := map[common.Address]uint64{}
	for lk, ends := range links {
		paired := map[common.Address]bool{}
		for from, sent := range ends {
			for to, got := range ends {
				if from == to || LinkSession(from, to) != lk.session {
					continue
				}
				k := flowKey{lk.edge, to, lk.session}
				flows[k] = max(flows[k], min(sent, got))
				unmatched[lk.edge] += max(sent, got) - min(sent, got)
				paired[from], paired[to] = true, true
			}
		}
		for w, b := range ends {
			if !paired[w] {
				unmatched[lk.edge] += b
			}
		}
	}

	type perEdge struct {
		endpoints map[common.Address]uint64
		probes    map[probeKey]bool // answered?
	}
	per := map[common.Address]*perEdge{}
	get := func(e common.Address) *perEdge {
		if per[e] == nil {
			per[e] = &perEdge{endpoints: map[common.Address]uint64{}, probes: map[probeKey]bool{}}
		}
		return per[e]
	}
	for k, b := range flows {
		get(k.edge).endpoints[k.endpoint] += b
	}
	dogs := map[common.Address]bool{}
	for _, w := range p.WatchDogs {
		dogs[w] = true
	}
	for _, pr := range ev.Probes {
		if !dogs[pr.WatchDog] || pr.Epoch != ev.Epoch || pr.Verify() != nil {
			continue
		}
		edges[pr.Edge] = true
		e := get(pr.Edge)
		k := probeKey{pr.WatchDog, pr.Seq}
		// Two results for one probe: the unanswered one counts.
		if prev, seen := e.probes[k]; seen {
			e.probes[k] = prev && pr.Answered
		} else {
			e.probes[k] = pr.Answered
		}
	}

	owners := probeOwners(ev.Wallets, dogs, ev.Epoch)

	// Stake: what each wallet's stake backs, and what each endpoint
	// vouched for over all Edges (backs(w) is shared among them).
	staking := p.BytesPerEther > 0
	stakes := ev.Stakes.stakeMap()
	backs := func(w common.Address) uint64 { return stakeBytes(stakes[w], p.BytesPerEther) }
	vouched := map[common.Address]uint64{}
	for _, e := range per {
		for w, b := range e.endpoints {
			vouched[w] = satAdd(vouched[w], b)
		}
	}

	prior := map[common.Address]uint64{}
	for _, st := range ev.Prior {
		prior[st.Edge] = max(prior[st.Edge], st.Strikes)
	}
	out := Scores{Epoch: ev.Epoch, Total: new(big.Int)}
	for edge := range edges {
		e := get(edge)
		s := Score{Edge: edge, Endpoints: len(e.endpoints), Unmatched: unmatched[edge], Stake: new(big.Int), Gross: new(big.Int), Fee: new(big.Int), Net: new(big.Int)}
		var free uint64
		for w, b := range e.endpoints {
			s.Claimed += b
			var backed uint64
			if staking {
				backed = share(b, backs(w), vouched[w])
			}
			s.Backed += backed
			f := min(b-backed, p.CapPerEndpoint)
			free += f
			if _, probe := owners[w]; probe {
				s.ProbeBytes += backed + f
			}
		}
		ceiling := uint64(math.MaxUint64)
		if staking {
			if st := stakes[edge]; st != nil {
				s.Stake.Set(st)
			}
			ceiling = backs(edge)
			s.Ceiling = ceiling
		}
		s.Delivered = s.Backed + min(free, ceiling)
		for _, ok := range e.probes {
			s.Probes++
			if ok {
				s.Answered++
			}
		}
		if s.Probes > 0 {
			s.AvailPPM = s.Answered * 1_000_000 / s.Probes
			s.BoundPPM = AvailabilityBound(s.Answered, s.Probes, p.BoundZ)
		}
		scale := uint64(1_000_000)
		switch {
		case fraud[edge] != "":
			s.Status, s.Why, scale = StatusFraudulent, fraud[edge], 0
		case s.Probes < p.MinProbes:
			s.Status, scale = StatusUnmeasured, 0
			s.Why = fmt.Sprintf("%d probe results, %d needed", s.Probes, p.MinProbes)
		case s.BoundPPM < p.SuspendPPM:
			s.Status, scale = StatusSuspended, 0
			s.Why = fmt.Sprintf("answered %d of %d probes (%s, at most %s), below %s", s.Answered, s.Probes, ppm(s.AvailPPM), ppm(s.BoundPPM), ppm(p.SuspendPPM))
		case s.BoundPPM < p.WarnPPM && p.SuspendAfter > 0 && prior[edge]+1 >= p.SuspendAfter:
			s.Status, scale = StatusSuspended, 0
			s.Why = fmt.Sprintf("answered %d of %d probes (%s, at most %s), below %s for %d epochs in a row", s.Answered, s.Probes, ppm(s.AvailPPM), ppm(s.BoundPPM), ppm(p.WarnPPM), prior[edge]+1)
		case s.BoundPPM < p.WarnPPM:
			s.Status, scale = StatusWarned, s.BoundPPM
			s.Why = fmt.Sprintf("answered %d of %d probes (%s, at most %s), below %s: credit scaled", s.Answered, s.Probes, ppm(s.AvailPPM), ppm(s.BoundPPM), ppm(p.WarnPPM))
		default:
			s.Status = StatusOK
		}
		switch s.Status {
		case StatusOK:
			s.Strikes = 0
		case StatusUnmeasured:
			s.Strikes = prior[edge]
		default:
			s.Strikes = prior[edge] + 1
		}
		delete(prior, edge)
		if s.Strikes > 0 {
			out.Standings = append(out.Standings, Standing{Edge: edge, Strikes: s.Strikes})
		}
		if s.Delivered < s.Claimed && s.Why == "" {
			s.Why = fmt.Sprintf("receipts for %d bytes, %d over the per-endpoint cap", s.Claimed, s.Claimed-s.Delivered)
			if staking {
				s.Why = fmt.Sprintf("receipts for %d bytes, %d over the caps: %d backed by endpoints' stake, %d unbacked within %d per endpoint, credited up to %d by this Edge's stake",
					s.Claimed, s.Claimed-s.Delivered, s.Backed, free, p.CapPerEndpoint, ceiling)
			}
		}
		// gross = delivered * price * scale / (2^30 * 10^6), rounded down.
		s.Gross.SetUint64(s.Delivered)
		s.Gross.Mul(s.Gross, p.PricePerGiB)
		s.Gross.Mul(s.Gross, new(big.Int).SetUint64(scale))
		s.Gross.Div(s.Gross, new(big.Int).Lsh(big.NewInt(1_000_000), 30))
		s.Fee.Mul(s.Gross, new(big.Int).SetUint64(p.FeeBps))
		s.Fee.Div(s.Fee, big.NewInt(10_000))
		s.Net.Sub(s.Gross, s.Fee)
		out.Total.Add(out.Total, s.Net)
		out.Edges = append(out.Edges, s)
	}
	for edge, n := range prior { // absent this epoch: carried
		if n > 0 {
			out.Standings = append(out.Standings, Standing{Edge: edge, Strikes: n})
		}
	}
	slices.SortFunc(out.Edges, func(a, b Score) int { return bytes.Compare(a.Edge[:], b.Edge[:]) })
	slices.SortFunc(out.Standings, func(a, b Standing) int { return bytes.Compare(a.Edge[:], b.Edge[:]) })
	return out
}

// AvailabilityBound is the upper end of the Wilson score interval, at z
// = zHundredths/100 standard deviations, for an Edge that answered
// answered of probes probes, in parts per million, rounded down: the
// highest availability the probes do not rule out. Integers only:
//
//	Z = zHundredths, n = probes, k = answered
//	r = isqrt(10^12 * (4*10^4 * k*(n-k)*n + Z^2 * n^2))
//	bound = (10^6 * n * (2*10^4*k + Z^2) + Z*r) / (2*n*(10^4*n + Z^2))
//
// isqrt rounds down. It is 10^6 when every probe was answered, the bare
// share k*10^6/n when Z is 0, and 0 when n is 0.
func AvailabilityBound(answered, probes, zHundredths uint64) uint64 {
	if probes == 0 {
		return 0
	}
	answered = min(answered, probes)
	n, k, z := new(big.Int).SetUint64(probes), new(big.Int).SetUint64(answered), new(big.Int).SetUint64(zHundredths)
	i := func(v int64) *big.Int { return big.NewInt(v) }
	z2 := new(big.Int).Mul(z, z)
	// r = isqrt(10^12 * (4*10^4*k*(n-k)*n + Z^2*n^2))
	r := new(big.Int).Sub(n, k)
	r.Mul(r, k).Mul(r, n).Mul(r, i(40_000))
	r.Add(r, new(big.Int).Mul(z2, new(big.Int).Mul(n, n)))
	r.Mul(r, i(1_000_000_000_000)).Sqrt(r)
	// num = 10^6*n*(2*10^4*k + Z^2) + Z*r
	num := new(big.Int).Mul(k, i(20_000))
	num.Add(num, z2).Mul(num, n).Mul(num, i(1_000_000))
	num.Add(num, r.Mul(r, z))
	// den = 2*n*(10^4*n + Z^2)
	den := new(big.Int).Mul(n, i(10_000))
	den.Add(den, z2).Mul(den, n).Mul(den, i(2))
	b := num.Div(num, den).Uint64()
	return min(b, 1_000_000)
}

// stakeBytes is what stake backs at perEther bytes an ether: stake *
// perEther / 10^18, rounded down, at most 2^64-1.
func stakeBytes(stake *big.Int, perEther uint64) uint64 {
	if stake == nil || stake.Sign() <= 0 || perEther == 0 {
		return 0
	}
	v := new(big.Int).Mul(stake, new(big.Int).SetUint64(perEther))
	v.Div(v, big.NewInt(1e18))
	if !v.IsUint64() {
		return math.MaxUint64
	}
	return v.Uint64()
}

// share is the part of b, of an endpoint's total vouched bytes, that its
// backing covers: all of it when total <= backing, else b * backing /
// total, rounded down.
func share(b, backing, total uint64) uint64 {
	if total <= backing {
		return b
	}
	hi, lo := bits.Mul64(b, backing)
	q, _ := bits.Div64(hi, lo, total) // b <= total, backing < total: no overflow
	return q
}

// satAdd is a + b, at most 2^64-1.
func satAdd(a, b uint64) uint64 {
	if s, c := bits.Add64(a, b, 0); c == 0 {
		return s
	}
	return math.MaxUint64
}

// probeKey names one probe: a WatchDog's sequence number.
type probeKey struct {
	dog common.Address
	seq uint64
}

// Of returns edge's score, or false.
func (s Scores) Of(edge common.Address) (Score, bool) {
	i, ok := slices.BinarySearchFunc(s.Edges, edge, func(x Score, e common.Address) int { return bytes.Compare(x.Edge[:], e[:]) })
	if !ok {
		return Score{}, false
	}
	return s.Edges[i], true
}

func ppm(v uint64) string { return fmt.Sprintf("%d.%04d %%", v/10_000, v%10_000) }
