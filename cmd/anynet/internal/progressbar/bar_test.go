package progressbar

import "testing"

func TestBar(t *testing.T) {
	for _, tt := range []struct {
		frac  float64
		width int
		want  string
	}{
		{0, 4, "[░░░░]   0%"},
		{0.5, 4, "[██░░]  50%"},
		{1, 4, "[████] 100%"},
		{2, 2, "[██] 100%"},
		{-1, 2, "[░░]   0%"},
	} {
		if got := Bar(tt.frac, tt.width); got != tt.want {
			t.Errorf("Bar(%v, %d) = %q, want %q", tt.frac, tt.width, got, tt.want)
		}
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 100_000: "97.7 KiB", 3 << 20: "3.0 MiB", 5 << 30: "5.0 GiB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Transfer(50, 100, 2); got != "[█░]  50% 50 B / 100 B" {
		t.Errorf("Transfer = %q", got)
	}
}
