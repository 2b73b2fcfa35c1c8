package tui

import "testing"

func TestSparkline(t *testing.T) {
	for _, tc := range []struct {
		name    string
		samples []float64
		width   int
		want    string
	}{
		{"empty", nil, 4, "    "},
		{"zero width", []float64{1, 2}, 0, ""},
		{"idle", []float64{0, 0, 0}, 3, "▁▁▁"},
		{"ramp", []float64{0, 1, 2, 3, 4, 5, 6, 7}, 8, "▁▂▃▄▅▆▇█"},
		{"keeps newest", []float64{7, 0, 7}, 2, "▁█"},
		{"padded left", []float64{1}, 3, "  █"},
		{"negative is idle", []float64{-5, 10}, 2, "▁█"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sparkline(tc.samples, tc.width); got != tc.want {
				t.Errorf("sparkline(%v, %d) = %q, want %q", tc.samples, tc.width, got, tc.want)
			}
		})
	}
}

func TestRingKeepsNewest(t *testing.T) {
	r := ring{max: 3}
	for i := range 5 {
		r.push(float64(i))
	}
	if len(r.vals) != 3 || r.vals[0] != 2 || r.vals[2] != 4 {
		t.Fatalf("ring = %v, want [2 3 4]", r.vals)
	}
}

func BenchmarkSparkline(b *testing.B) {
	s := make([]float64, 120)
	for i := range s {
		s[i] = float64(i % 17)
	}
	for b.Loop() {
		sparkline(s, 100)
	}
}
