package sim

import (
	"slices"
	"time"
)

// Stats are a run's measurements.
type Stats struct {
	// HealFlows is how many transfers were in flight when the last
	// partition healed; HealMoved, for each that moved data again, how
	// long after the heal (heal.go).
	HealFlows int
	HealMoved []time.Duration

	FramesSent      uint64
	FramesDelivered uint64
	BytesDelivered  uint64
	Drops           map[string]uint64 // by reason

	// Latency holds one-way frame latencies (every frame up to
	// maxSamples, then every k-th).
	Latency []time.Duration
	// Throughput is delivered bytes per BinWidth of virtual time.
	Throughput []uint64
	BinWidth   time.Duration

	// Links is the utilization of every core link and the busiest
	// access links, filled at the end.
	Links []LinkUse

	Transfers        int
	TransfersDone    int
	TransferAttempts int
	TransferStalls   int
	TransferTimes    []time.Duration
	BytesVerified    uint64
	Crashes          int

	// Naming (names.go, resolve.go): names registered before the run;
	// lookups asked, answered with the right wallet, answered "no such
	// name" (unregistered names), failed (asked again); and the virtual
	// time from a lookup to its answer.
	Registered     int
	Lookups        int
	Resolved       int
	NotFound       int
	LookupFailures int
	LookupTimes    []time.Duration

	// IM (im.go): messages the workload offered; accepted by a running
	// sender (stored Pending); refused (sender down); delivered (RECEIPT
	// back at the sender); stored by recipients; copies a recipient
	// already had (suppressed by ID); delivered although their sender
	// crashed while they were pending (kept in its store); and, per
	// delivered message, the virtual time from acceptance to its
	// RECEIPT.
	IMMessages    int
	IMAccepted    int
	IMRefused     int
	IMDelivered   int
	IMStored      int
	IMDuplicates  int
	IMAfterCrash  int
	IMDeposited   int // messages a mailbox stored (status Sent)
	IMFromMailbox int // mailbox items recipients fetched
	IMBlocked     int // messages refused because their recipient blocked the sender
	IMRead        int // read receipts that reached senders
	IMGroupShown  int // group messages shown to members
	IMLatency     []time.Duration
	IMDownloads   int // attachments downloaded and verified

	// Services (service.go): connections up, and connections down or
	// peers unreachable (Up and Down inputs of every service's cores).
	ServiceConns int
	ServiceDowns int

	// relay (relay.go): flows started, epochs settled, Edges and cheating
	// Edges, and cheater-epochs detected (scored other than "ok").
	RelayFlows, RelayEpochs, RelayEdges, RelayCheaters, RelayDetected int
	// Probes of honest Edges: answered and sent over the run, the worst
	// Edge-epoch (answered, sent), and the answered probes' round trips.
	RelayAnswered, RelayProbes uint64
	RelayWorst                 [2]uint64
	RelayProbeRTT              []time.Duration
	// Link receipts (routed runs, relaylink.go): router Edges and the
	// cheating ones, link receipts in the evidence, and over honest
	// routers' settled epochs the bytes credited, the bytes they
	// forwarded that arrived (the truth), all they forwarded, and the
	// worst |credited − truth| / truth in parts per million.
	RelayLinkEdges, RelayLinkCheaters, RelayLinkReceipts  int
	RelayLinkCredited, RelayLinkTruth, RelayLinkForwarded uint64
	RelayLinkWorstPPM                                     int64

	// Overlay routing (routing.go): every router's work, and the totals
	// of frames forwarded and dropped by reason; HostDirect counts frames
	// a host sent to any node but its own router (zero when all goes
	// through routers).
	Routers         []RouterUse
	RoutedForwarded uint64
	RoutedNoRoute   uint64
	RoutedHopLimit  uint64
	HostDirect      uint64

	// Churn (churn.go): hosts that joined late and that left for good;
	// transfers and IM messages abandoned because an end left.
	Joins              int
	Leaves             int
	TransfersAbandoned int
	IMAbandoned        int

	sampleEvery uint64
}

// LinkUse is one link direction's load over the run.
type LinkUse struct {
	Name        string
	Bytes       uint64
	Utilization float64 // share of capacity used over the run
}

// Percent is Utilization in percent.
func (l LinkUse) Percent() float64 { return 100 * l.Utilization }

const maxSamples = 1 << 20

func (st *Stats) init(sc *Scenario) {
	st.Drops = map[string]uint64{}
	st.BinWidth = max(time.Duration(sc.Duration)/100, time.Millisecond)
	st.Throughput = make([]uint64, 101)
	st.sampleEvery = 1
}

func (st *Stats) delivered(at, latency int64, size int) {
	st.FramesDelivered++
	st.BytesDelivered += uint64(size)
	if b := int(at / int64(st.BinWidth)); b < len(st.Throughput) {
		st.Throughput[b] += uint64(size)
	}
	if st.FramesDelivered%st.sampleEvery == 0 {
		st.Latency = append(st.Latency, time.Duration(latency))
		if len(st.Latency) >= maxSamples {
			// Keep every other sample and halve the rate from now on.
			for i := range len(st.Latency) / 2 {
				st.Latency[i] = st.Latency[2*i]
			}
			st.Latency = st.Latency[:len(st.Latency)/2]
			st.sampleEvery *= 2
		}
	}
}

func (st *Stats) transferDone(d int64) {
	st.TransfersDone++
	st.TransferTimes = append(st.TransferTimes, time.Duration(d))
}

func (st *Stats) lookupDone(d int64) {
	st.Resolved++
	st.LookupTimes = append(st.LookupTimes, time.Duration(d))
}

// finish fills in what is known only at the end.
func (st *Stats) finish(s *Sim) {
	st.Transfers = 0
	for _, t := range s.tasks {
		if _, ok := t.(*transfer); ok {
			st.Transfers++
		}
	}
	if s.rt != nil {
		s.rt.finish(s, st)
	}
	secs := float64(max(s.now.Load(), 1)) / 1e9
	st.Links = st.Links[:0]
	for i, e := range s.net.edges {
		for j, h := range []*hop{e.ab, e.ba} {
			dir := [2]string{"→", "←"}[j]
			st.Links = append(st.Links, LinkUse{
				Name:        h.name + " " + itoa(e.a) + dir + itoa(e.b) + " #" + itoa(i),
				Bytes:       h.bytes,
				Utilization: float64(h.bytes) * 8 / float64(h.class.Bandwidth) / secs,
			})
		}
	}
	var access []LinkUse
	for i := range s.net.up {
		for j, h := range []*hop{&s.net.up[i], &s.net.downl[i]} {
			if h.bytes == 0 {
				continue
			}
			access = append(access, LinkUse{
				Name:        h.name + " node " + itoa(i) + [2]string{" up", " down"}[j],
				Bytes:       h.bytes,
				Utilization: float64(h.bytes) * 8 / float64(h.class.Bandwidth) / secs,
			})
		}
	}
	slices.SortStableFunc(access, func(a, b LinkUse) int {
		switch {
		case a.Bytes > b.Bytes:
			return -1
		case a.Bytes < b.Bytes:
			return 1
		}
		return 0
	})
	st.Links = append(st.Links, access[:min(len(access), 20)]...)
}

// DeliveryRatio is delivered frames over sent frames.
func (st *Stats) DeliveryRatio() float64 {
	if st.FramesSent == 0 {
		return 1
	}
	return float64(st.FramesDelivered) / float64(st.FramesSent)
}

// Percentile returns the p-th percentile (0–100) of the frame latency.
func (st *Stats) Percentile(p float64) time.Duration {
	return percentile(st.Latency, p)
}

func percentile(xs []time.Duration, p float64) time.Duration {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(p / 100 * float64(len(s)-1))
	return s[i]
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}
