package naming

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestParseUnderlay(t *testing.T) {
	key := strings.Repeat("3b", 32)
	tests := []struct {
		in   string
		want string // String of the result; "" means ErrBadAttribute
	}{
		{"192.0.2.7:4000", "192.0.2.7:4000"},
		{"[2001:db8::1]:4000 " + key, "[2001:db8::1]:4000 " + key},
		{"100.64.0.1:1 " + strings.ToUpper(key), "100.64.0.1:1 " + key},
		{"192.0.2.7:0", ""},                               // no port
		{"192.0.2.7", ""},                                 // no port at all
		{"host.example:4000", ""},                         // not an address
		{"192.0.2.7:4000 " + key[:62], ""},                // short key
		{"192.0.2.7:4000 " + strings.Repeat("0", 64), ""}, // zero key
		{"192.0.2.7:4000  " + key, ""},                    // two spaces
		{"192.0.2.7:4000 " + key + " x", ""},              // trailing junk
		{"[fe80::1%eth0]:4000", ""},                       // zone
		{"", ""},
	}
	for _, tt := range tests {
		u, err := ParseUnderlay(tt.in)
		if tt.want == "" {
			if !errors.Is(err, ErrBadAttribute) {
				t.Errorf("ParseUnderlay(%q) = %v, %v; want ErrBadAttribute", tt.in, u, err)
			}
			continue
		}
		if err != nil || u.String() != tt.want {
			t.Errorf("ParseUnderlay(%q) = %q, %v; want %q", tt.in, u.String(), err, tt.want)
		}
	}
	u := Underlay{Addr: netip.MustParseAddrPort("192.0.2.7:4000")}
	if u.HasKey() || u.String() != "192.0.2.7:4000" {
		t.Errorf("keyless underlay: HasKey %v, String %q", u.HasKey(), u.String())
	}
}

// FuzzParseUnderlay: endpoints come from the chain, written by anyone.
// Whatever parses prints back to a form that parses to the same value and
// is a valid attribute value.
func FuzzParseUnderlay(f *testing.F) {
	f.Add("192.0.2.7:4000")
	f.Add("[2001:db8::1]:4000 " + strings.Repeat("ab", 32))
	f.Add("[::ffff:1.2.3.4]:9 " + strings.Repeat("0", 63) + "1")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUnderlay(s)
		if err != nil {
			if !errors.Is(err, ErrBadAttribute) {
				t.Fatalf("error %v is not ErrBadAttribute", err)
			}
			return
		}
		again, err := ParseUnderlay(u.String())
		if err != nil || again != u {
			t.Fatalf("%q → %q → %v, %v", s, u.String(), again, err)
		}
		name, _ := AttributeName(AttrUnderlay)
		if _, err := ParseAttribute(name, []byte(u.String())); err != nil {
			t.Fatalf("%q is not a valid attribute value: %v", u.String(), err)
		}
	})
}
