package service

import (
	"errors"
	"fmt"
	"testing"
)

// TestStores: both stores get, scan in key order within a prefix,
// overwrite, delete; the pebble store keeps what Apply returned for
// across a reopen.
func TestStores(t *testing.T) {
	dir := t.TempDir()
	open := map[string]func() (Store, error){
		"memory": func() (Store, error) { return &Memory{}, nil },
		"pebble": func() (Store, error) { return OpenPebble(dir) },
	}
	for _, name := range []string{"memory", "pebble"} {
		t.Run(name, func(t *testing.T) {
			st, err := open[name]()
			if err != nil {
				t.Fatal(err)
			}
			w := []Write{
				{Key: []byte("b2"), Value: []byte("two")},
				{Key: []byte("a"), Value: []byte("x")},
				{Key: []byte("b1"), Value: []byte("one")},
				{Key: []byte("b3"), Value: []byte("three")},
				{Key: []byte("c"), Value: []byte("y")},
			}
			if err := st.Apply(w); err != nil {
				t.Fatal(err)
			}
			if err := st.Apply([]Write{{Key: []byte("b3"), Delete: true}, {Key: []byte("b1"), Value: []byte("uno")}}); err != nil {
				t.Fatal(err)
			}
			check := func(st Store) {
				t.Helper()
				var got string
				st.Scan([]byte("b"), func(k, v []byte) bool {
					got += fmt.Sprintf("%s=%s ", k, v)
					return true
				})
				if got != "b1=uno b2=two " {
					t.Fatalf("scan b: %q", got)
				}
				if _, err := st.Get([]byte("b3")); !errors.Is(err, ErrNotFound) {
					t.Fatalf("deleted key: %v", err)
				}
				if v, err := st.Get([]byte("c")); err != nil || string(v) != "y" {
					t.Fatalf("get c: %q %v", v, err)
				}
			}
			check(st)
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			if name == "pebble" {
				st, err = OpenPebble(dir)
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
			}
			check(st)
		})
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct{ in, want string }{{"a", "b"}, {"a\xff", "b"}, {"\xff\xff", ""}, {"", ""}} {
		if got := string(prefixEnd([]byte(c.in))); got != c.want {
			t.Errorf("prefixEnd(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
