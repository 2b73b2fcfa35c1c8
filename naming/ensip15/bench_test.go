package ensip15

import (
	"encoding/json"
	"testing"
)

// benchNames is a mix of what resolvers meet: ASCII, mixed case, Unicode
// text, emoji, and names that are refused.
var benchNames = []string{
	"alice.anynet", "deep.sub.alice.anynet", "Nick.ETH", "vitalik.eth", "_my-node1.anynet",
	"ünïcödé.eth", "中文.eth", "αβγδ.eth", "привет.eth", "💩.eth", "👨\u200D💻.eth", "🏳️\u200D🌈x.eth",
	"рaypal.eth", "a_b.eth", "xn--ls8h.eth",
}

// benchValid are the names of benchNames that normalize: the comparison
// with the reference times those (its refusals build long messages and
// cost it milliseconds each, which would swamp the ratio).
var benchValid = benchNames[:12]

func normalizeAll() {
	for _, n := range benchNames {
		_, _ = Normalize(n)
	}
}

// BenchmarkNormalize reports Go's ns per name over benchNames.
func BenchmarkNormalize(b *testing.B) {
	load()
	for b.Loop() {
		normalizeAll()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(benchNames)), "ns/name")
}

// BenchmarkNormalizeASCII is the common case: a lower-case ASCII name.
func BenchmarkNormalizeASCII(b *testing.B) {
	for b.Loop() {
		if _, err := Normalize("deep.sub.alice.anynet"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVsReference normalizes benchValid in Go, then asks the
// reference (Node.js) to time the same names, and reports both in ns per
// name and their ratio (Go / reference; below 1 is faster).
func BenchmarkVsReference(b *testing.B) {
	load()
	for _, n := range benchValid {
		if _, err := Normalize(n); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		for _, n := range benchValid {
			_, _ = Normalize(n)
		}
	}
	goNS := float64(b.Elapsed().Nanoseconds()) / float64(b.N*len(benchValid))
	var res struct {
		NS float64 `json:"ns_per_name"`
	}
	runRef(b, benchValid, func(_ int, line string) {
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			b.Fatal(err)
		}
	}, "--bench")
	b.ReportMetric(goNS, "go-ns/name")
	b.ReportMetric(res.NS, "ref-ns/name")
	b.ReportMetric(goNS/res.NS, "go/ref")
}
