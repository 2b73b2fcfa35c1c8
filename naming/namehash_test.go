package naming

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// EIP-137 and EIP-181 test vectors.
func TestNamehash(t *testing.T) {
	tests := []struct{ name, want string }{
		{"", "0x0000000000000000000000000000000000000000000000000000000000000000"},
		{"eth", "0x93cdeb708b7545dc668eb9280176169d1c33cfd8ed6f04690a0bcc88a93fc4ae"},
		{"foo.eth", "0xde9b09fd7c5f901e23a3f19fecc54828e9c848539801e86591bd9801b019f84f"},
		{"addr.reverse", "0x91d1777781884d03a6757a803996e38de2a42967fb37eeaca72729271025a9e2"},
	}
	for _, tt := range tests {
		if got := Namehash(tt.name); got != common.HexToHash(tt.want) {
			t.Errorf("Namehash(%q) = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string // want "" means ErrInvalidName
	}{
		{"alice.anynet", "alice.anynet"},
		{"Alice.ETH", "alice.eth"},
		{"ＡＬＩＣＥ.eth", "alice.eth"}, // full-width folds to ASCII
		{"faß.eth", "faß.eth"},     // ß stays
		{"xn--fa-hia.eth", ""},     // ENSIP-15: no label extension, punycode is not decoded
		{"ab--c.eth", ""},          // nor "--" in positions 3-4
		{"_a.eth", "_a.eth"},       // a leading underscore is allowed
		{"💩\uFE0F.eth", "💩.eth"},   // FE0F dropped from emoji
		{"рaypal.eth", ""},         // Cyrillic р with Latin: mixture
		{"🚀.eth", "🚀.eth"},
		{"*.corp.anynet", "*.corp.anynet"},
		{"", ""},
		{".eth", ""},
		{"eth.", ""},
		{"a..eth", ""},
		{"a b.eth", ""},
		{"a_b.eth", ""}, // underscore only at the start
		{"a.*.eth", ""},
		{"*", ""},
		{"*.", ""},
		{strings.Repeat("a", 256) + ".eth", ""},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if tt.want == "" {
			if !errors.Is(err, ErrInvalidName) {
				t.Errorf("Normalize(%q) = %q, %v; want ErrInvalidName", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := NormalizeLabel("a.b"); !errors.Is(err, ErrInvalidName) {
		t.Errorf("NormalizeLabel with a dot: %v", err)
	}
	if _, err := NormalizeLabel("*"); !errors.Is(err, ErrInvalidName) {
		t.Errorf("NormalizeLabel(*): %v", err)
	}
}

func TestDNSEncode(t *testing.T) {
	got, err := DNSEncode("foo.eth")
	if want := []byte("\x03foo\x03eth\x00"); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("DNSEncode = %q, %v; want %q", got, err, want)
	}
	if got, _ := DNSEncode(""); !bytes.Equal(got, []byte{0}) {
		t.Fatalf("DNSEncode(root) = %q", got)
	}
}

func TestNameDeps(t *testing.T) {
	deps := nameDeps("a.b.eth")
	want := []common.Hash{
		Namehash("a.b.eth"),
		Namehash("b.eth"), Namehash("*.b.eth"),
		Namehash("eth"), Namehash("*.eth"),
	}
	if len(deps) != len(want) {
		t.Fatalf("deps %v", deps)
	}
	for i := range want {
		if deps[i] != want[i] {
			t.Errorf("dep %d = %s, want %s", i, deps[i], want[i])
		}
	}
}

func TestGasMargin(t *testing.T) {
	for _, est := range []uint64{21_000, 50_000, 100_000, 1_000_000} {
		g := gasWithMargin(est)
		if g < est*3/2 || g < est+minGasMargin {
			t.Errorf("gasWithMargin(%d) = %d", est, g)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"alice.eth", "Alice.ETH", "faß.eth", "xn--fa-hia.eth", "*.a.b", "a..b", "🚀", "\u200d.eth", "ـa.eth"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		out, err := Normalize(name)
		if err != nil {
			if !errors.Is(err, ErrInvalidName) {
				t.Fatalf("Normalize(%q): %v is not ErrInvalidName", name, err)
			}
			return
		}
		for _, l := range splitLabels(out) {
			if l == "" || len(l) > maxLabel {
				t.Fatalf("Normalize(%q) = %q has a bad label", name, out)
			}
		}
		again, err := Normalize(out)
		if err != nil || again != out {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q, %v", name, out, again, err)
		}
		dns, err := DNSEncode(out)
		if err != nil || len(dns) != len(out)+2 {
			t.Fatalf("DNSEncode(%q) = %x, %v", out, dns, err)
		}
		_ = Namehash(out)
	})
}
