package locator

import (
	"errors"
	"testing"
)

func TestParseString(t *testing.T) {
	host := [12]byte{0x9f, 0x3e, 0x5c, 0x01, 0xaa, 0x7b}
	tests := []struct {
		text string
		want Locator
	}{
		{"0.0.0.0", Locator{}},
		{"2a.1.9f3e5c01aa7b000000000000.0", New(0x2a, 1, host, 0)},
		{"ffffffffffffffff.ffffffffffffffff.ffffffffffffffffffffffff.ffffffff",
			New(^uint64(0), ^uint64(0), [12]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ^uint32(0))},
		{"1.2.3.4", New(1, 2, [12]byte{11: 3}, 4)},
	}
	for _, tt := range tests {
		got, err := Parse(tt.text)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.text, err)
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %x, want %x", tt.text, got, tt.want)
		}
		if s := got.String(); s != tt.text {
			t.Errorf("String() = %q, want %q", s, tt.text)
		}
	}
	l := New(7, 8, host, 9)
	if l.Segment() != 7 || l.Subnet() != 8 || l.Host() != host || l.NIC() != 9 {
		t.Errorf("fields of %s wrong", l)
	}
}

func TestParseErrors(t *testing.T) {
	for _, s := range []string{
		"", "1.2.3", "1.2.3.4.5", "1..3.4", "g.0.0.0", "1.2.3.100000000",
		"10000000000000000.0.0.0", "1.2.1000000000000000000000000.0", "0x1.2.3.4", "-1.2.3.4", " 1.2.3.4",
	} {
		if _, err := Parse(s); !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want ErrSyntax", s, err)
		}
	}
}

func TestPrefix(t *testing.T) {
	tests := []struct {
		text string
		bits int
	}{
		{"0/0", 0},
		{"2a/64", 64},
		{"2a00000000000000/8", 8},
		{"2a.1/128", 128},
		{"2a.1.ff0000000000000000000000/136", 136},
		{"2a.1.0.0/256", 256},
	}
	for _, tt := range tests {
		p, err := ParsePrefix(tt.text)
		if err != nil {
			t.Fatalf("ParsePrefix(%q): %v", tt.text, err)
		}
		if p.Bits() != tt.bits {
			t.Errorf("%q: bits %d, want %d", tt.text, p.Bits(), tt.bits)
		}
		if s := p.String(); s != tt.text {
			t.Errorf("String() = %q, want %q", s, tt.text)
		}
	}
	for _, s := range []string{"2a", "2a/65x", "2a/257", "2a/-1", "2a/064", "2a.1/64", "ff/4", "2a/8", "1.2.3.4.5/8"} {
		if _, err := ParsePrefix(s); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParsePrefix(%q) = %v, want ErrSyntax", s, err)
		}
	}
	if _, err := PrefixFrom(Locator{}, 257); err == nil {
		t.Error("PrefixFrom accepted 257 bits")
	}
}

func TestContainsOverlaps(t *testing.T) {
	seg := mustParsePrefix(t, "2a/64")
	sub1 := mustParsePrefix(t, "2a.1/128")
	sub2 := mustParsePrefix(t, "2a.2/128")
	other := mustParsePrefix(t, "2b/64")
	half := mustParsePrefix(t, "2a.8000000000000000/65")
	in := New(0x2a, 1, [12]byte{1}, 0)
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"segment contains host", seg.Contains(in), true},
		{"subnet contains host", sub1.Contains(in), true},
		{"sibling subnet does not", sub2.Contains(in), false},
		{"other segment does not", other.Contains(in), false},
		{"/0 contains all", Prefix{}.Contains(in), true},
		{"segment contains subnet", seg.ContainsPrefix(sub1), true},
		{"subnet does not contain segment", sub1.ContainsPrefix(seg), false},
		{"subnet overlaps segment", sub1.Overlaps(seg), true},
		{"siblings do not overlap", sub1.Overlaps(sub2), false},
		{"segments do not overlap", seg.Overlaps(other), false},
		{"upper half does not contain subnet 1", half.Contains(in), false},
		{"upper half is inside segment", seg.ContainsPrefix(half), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v", tt.name, tt.got)
		}
	}
}

func TestCommonPrefixLen(t *testing.T) {
	a := New(0x2a, 1, [12]byte{}, 0)
	tests := []struct {
		b    Locator
		want int
	}{
		{a, 256},
		{New(0x2a, 1, [12]byte{}, 1), 255},
		{New(0x2a, 3, [12]byte{}, 0), 126},
		{New(0x2b, 1, [12]byte{}, 0), 63},
		{New(1<<63, 0, [12]byte{}, 0), 0},
		{New(0x2a, 1, [12]byte{0x80}, 0), 128},
	}
	for _, tt := range tests {
		if got := CommonPrefixLen(a, tt.b); got != tt.want {
			t.Errorf("CommonPrefixLen(%s, %s) = %d, want %d", a, tt.b, got, tt.want)
		}
	}
}

func TestAssign(t *testing.T) {
	sub := mustParsePrefix(t, "2a.1/128")
	key := [32]byte{1, 2, 3}
	l0, err := Assign(sub, key, 0)
	if err != nil {
		t.Fatal(err)
	}
	l1, _ := Assign(sub, key, 1)
	again, _ := Assign(sub, key, 0)
	otherKey, _ := Assign(sub, [32]byte{4}, 0)
	otherSub, _ := Assign(mustParsePrefix(t, "2a.2/128"), key, 0)
	switch {
	case !sub.Contains(l0) || !sub.Contains(l1):
		t.Error("assigned locator outside its subnet")
	case l0 != again:
		t.Error("same key, same subnet, different locator")
	case l0.Host() != l1.Host() || l0.NIC() != 0 || l1.NIC() != 1:
		t.Error("NICs of one node must share the host ID and differ in the NIC field")
	case otherKey.Host() == l0.Host():
		t.Error("two keys got one host ID")
	case otherSub.Host() == l0.Host():
		t.Error("host ID is linkable across subnets")
	}
	if _, err := Assign(mustParsePrefix(t, "2a.1.10000000000000000000000/136"), key, 0); err == nil {
		t.Error("Assign accepted a prefix reaching into the host field")
	}
}

func TestTextMarshal(t *testing.T) {
	l := New(1, 2, [12]byte{3}, 4)
	b, _ := l.MarshalText()
	var back Locator
	if err := back.UnmarshalText(b); err != nil || back != l {
		t.Fatalf("round trip %s: %v %s", b, err, back)
	}
	p := MustPrefix(l, 100)
	b, _ = p.MarshalText()
	var q Prefix
	if err := q.UnmarshalText(b); err != nil || q != p {
		t.Fatalf("round trip %s: %v %s", b, err, q)
	}
}

func mustParsePrefix(t *testing.T, s string) Prefix {
	t.Helper()
	p, err := ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// FuzzParse: anything that parses prints back to text that parses to the
// same value, and prefixes stay normalized.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2a.1.9f3e5c01aa7b.0", "0.0.0.0", "2a.1/128", "ff/8", "1.2.3.4/256", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if l, err := Parse(s); err == nil {
			back, err := Parse(l.String())
			if err != nil || back != l {
				t.Fatalf("%q → %s → %v %s", s, l, err, back)
			}
		}
		if p, err := ParsePrefix(s); err == nil {
			back, err := ParsePrefix(p.String())
			if err != nil || back != p {
				t.Fatalf("%q → %s → %v %s", s, p, err, back)
			}
			if !p.Contains(p.Addr()) || MustPrefix(p.Addr(), p.Bits()) != p {
				t.Fatalf("%s not normalized", p)
			}
		}
	})
}
