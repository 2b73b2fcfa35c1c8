package naming

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
)

// AttrUnderlay: an underlay endpoint where one node of the identity
// receives frames, with the node key it answers with (see Underlay).
const AttrUnderlay = "did/svc/AnynetUnderlay"

// Underlay is where one node serving an identity can be reached: the
// underlay address its frames go to (UDP, or an in-memory or simulated
// underlay's address of the same form) and, optionally, the node key of
// the node listening there, so that a wallet served by several nodes
// (anycast) says which key answers at which address.
//
// Text form, the value of an AnynetUnderlay attribute:
//
//	<addr:port>                  e.g. "192.0.2.7:4000"
//	<addr:port> <64 hex digits>  e.g. "[2001:db8::1]:4000 3b6a27bc…" (node key, lowercase)
//
// One ASCII space separates the two; nothing else is allowed.
type Underlay struct {
	Addr    netip.AddrPort
	NodeKey [32]byte // zero: not said
}

// String returns the text form.
func (u Underlay) String() string {
	if u.NodeKey == ([32]byte{}) {
		return u.Addr.String()
	}
	return u.Addr.String() + " " + hex.EncodeToString(u.NodeKey[:])
}

// HasKey reports whether the endpoint names its node key.
func (u Underlay) HasKey() bool { return u.NodeKey != ([32]byte{}) }

// ParseUnderlay parses the text form of an Underlay. The address must be
// a valid address and a non-zero port; the key, when present, exactly 64
// lowercase or uppercase hex digits and not all zero. Anything else is
// ErrBadAttribute.
func ParseUnderlay(s string) (Underlay, error) {
	addr, key, hasKey := strings.Cut(s, " ")
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().IsValid() || ap.Port() == 0 || ap.Addr().Zone() != "" {
		return Underlay{}, fmt.Errorf("%w: underlay %q: bad address", ErrBadAttribute, s)
	}
	u := Underlay{Addr: ap}
	if hasKey {
		if len(key) != 64 {
			return Underlay{}, fmt.Errorf("%w: underlay %q: node key is not 64 hex digits", ErrBadAttribute, s)
		}
		if _, err := hex.Decode(u.NodeKey[:], []byte(key)); err != nil {
			return Underlay{}, fmt.Errorf("%w: underlay %q: node key: %v", ErrBadAttribute, s, err)
		}
		if !u.HasKey() {
			return Underlay{}, fmt.Errorf("%w: underlay %q: zero node key", ErrBadAttribute, s)
		}
	}
	return u, nil
}
