package service

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
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

// TestPebbleLazy: a batch of Lazy writes alone is applied without a
// sync of the log; a batch with one write not Lazy is synced; both are
// there after a reopen.
func TestPebbleLazy(t *testing.T) {
	dir := t.TempDir()
	var syncs atomic.Int64
	fs := errorfs.Wrap(vfs.Default, errorfs.InjectorFunc(func(op errorfs.Op) error {
		switch op.Kind {
		case errorfs.OpFileSync, errorfs.OpFileSyncData, errorfs.OpFileSyncTo:
			syncs.Add(1)
		}
		return nil
	}))
	st, err := openPebble(dir, fs)
	if err != nil {
		t.Fatal(err)
	}
	var out Effects
	out.PutLazy([]byte("hint"), []byte("1"))
	out.PutLazy([]byte("hint2"), []byte("2"))
	before := syncs.Load()
	if err := st.Apply(out.Writes); err != nil {
		t.Fatal(err)
	}
	if n := syncs.Load() - before; n != 0 {
		t.Fatalf("a lazy batch synced %d times", n)
	}
	if v, err := st.Get([]byte("hint")); err != nil || string(v) != "1" {
		t.Fatalf("lazy write not applied: %q %v", v, err)
	}
	out.Reset()
	out.PutLazy([]byte("hint"), []byte("3"))
	out.Put([]byte("must"), []byte("4"))
	before = syncs.Load()
	if err := st.Apply(out.Writes); err != nil {
		t.Fatal(err)
	}
	if n := syncs.Load() - before; n == 0 {
		t.Fatal("a batch with a write not lazy was not synced")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = OpenPebble(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for k, want := range map[string]string{"hint": "3", "hint2": "2", "must": "4"} {
		if v, err := st.Get([]byte(k)); err != nil || string(v) != want {
			t.Fatalf("%s after reopen: %q %v, want %q", k, v, err, want)
		}
	}
}
