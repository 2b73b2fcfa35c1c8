package ensip15

import "testing"

func TestVectors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Nick.ETH", "nick.eth"},
		{"💩\uFE0F.eth", "💩.eth"},
		{"_a.eth", "_a.eth"},
		{"ab--c.eth", ""},
		{"xn--a.eth", ""},
		{"a_b.eth", ""},
		{"Ünïcödé.eth", "ünïcödé.eth"},
		{"рaypal.eth", ""},
		{"a..b", ""},
		{"", ""},
	} {
		got, err := Normalize(tt.in)
		if (err != nil) != (tt.want == "" && tt.in != "") || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// FuzzNormalize: never panics, and a normalized name is its own
// normalization.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"nick.eth", "💩\uFE0F.eth", "_a", "ab--c", "Ünï.cödé", "рaypal", "a\u0300\u0300", "’a", "1️⃣", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		out, err := Normalize(name)
		if err != nil {
			return
		}
		again, err := Normalize(out)
		if err != nil || again != out {
			t.Fatalf("Normalize(%+q) = %+q, but Normalize of that = %+q, %v", name, out, again, err)
		}
	})
}
