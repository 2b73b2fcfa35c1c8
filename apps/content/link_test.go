package content

import (
	"errors"
	"testing"
)

// FuzzParseLink: a link is typed by a person or pasted from a message.
// Parsing never panics, refuses with ErrBadLink, never accepts a path
// that climbs out of a collection, and what it accepts prints as a
// link that parses the same.
func FuzzParseLink(f *testing.F) {
	for _, s := range []string{"alice.anynet/photos", "alice/photos/2024/beach.jpg", "0x00000000000000000000000000000000000000a1/www/",
		Sum([]byte("abc")).String() + "@alice", Sum([]byte("abc")).CID() + "@alice", "alice/photos/../etc", "@", "/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLink(s)
		if err != nil {
			if !errors.Is(err, ErrBadLink) {
				t.Fatalf("%q: error %v is not ErrBadLink", s, err)
			}
			return
		}
		if l.Path != "" && !validPath(l.Path) {
			t.Fatalf("%q: path %q accepted", s, l.Path)
		}
		back, err := ParseLink(l.String())
		if err != nil || back != l {
			t.Fatalf("%q parses to %+v, which prints as %q and parses to %+v (%v)", s, l, l.String(), back, err)
		}
	})
}
