package vpn

import (
	"cmp"
	"slices"
	"time"
)

// RankBytes is the transfer "auto" ranks exits for: an exit's score is
// the time to fetch this much through it, one round trip plus
// RankBytes at its measured throughput.
const RankBytes = 1 << 20

// MinSampleBytes is the least a finished session must have carried,
// both ways, to count as a throughput sample: below it a session's
// rate says more about its round trips than about the exit's capacity.
const MinSampleBytes = 64 << 10

// ThroughputWeight is the weight of the newest sample in an exit's
// throughput, an exponentially weighted moving average of the samples
// of its finished sessions.
const ThroughputWeight = 0.3

// ExitMeasure is what a client measured of one exit.
type ExitMeasure struct {
	Exit string
	// RTT is the probed round trip.
	RTT time.Duration
	// Failed: the probe got no answer; the exit is ranked last.
	Failed bool
	// Throughput is bytes per second observed on the exit's finished
	// sessions (ThroughputWeight EWMA); zero: not measured yet.
	Throughput float64
}

// score is the seconds to fetch RankBytes through m: RTT plus RankBytes
// at m's throughput, or at assumed if m has none.
func (m ExitMeasure) score(assumed float64) float64 {
	s := m.RTT.Seconds()
	t := m.Throughput
	if t <= 0 {
		t = assumed
	}
	if t > 0 {
		s += RankBytes / t
	}
	return s
}

// RankExits orders ms best first (the "auto" choice): by the time to
// fetch RankBytes through each, its RTT plus RankBytes at its
// throughput. An exit not measured yet is assumed as fast as the
// fastest measured one — optimistic, so it is tried and measured — and
// with no exit measured the order is by RTT alone. Exits whose probe
// failed come last; ties keep ms's order. ms is not modified.
func RankExits(ms []ExitMeasure) []ExitMeasure {
	var fastest float64
	for _, m := range ms {
		if !m.Failed {
			fastest = max(fastest, m.Throughput)
		}
	}
	out := slices.Clone(ms)
	slices.SortStableFunc(out, func(a, b ExitMeasure) int {
		if a.Failed != b.Failed {
			if a.Failed {
				return 1
			}
			return -1
		}
		if a.Failed {
			return 0
		}
		return cmp.Compare(a.score(fastest), b.score(fastest))
	})
	return out
}

// observe folds a finished session through exit into its throughput:
// bytes moved over the span from the session's first byte to its last.
func (c *Client) observe(exit string, bytes uint64, span time.Duration) {
	if bytes < MinSampleBytes || span <= 0 {
		return
	}
	sample := float64(bytes) / span.Seconds()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tput == nil {
		c.tput = make(map[string]float64)
	}
	if old, ok := c.tput[exit]; ok {
		sample = ThroughputWeight*sample + (1-ThroughputWeight)*old
	}
	c.tput[exit] = sample
}

// Throughput returns the bytes per second the client observed through
// exit (an entry of Exits) on its finished sessions, 0 if none.
func (c *Client) Throughput(exit string) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tput[exit]
}
