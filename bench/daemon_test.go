package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestPageCopy checks that every mode runs the same bytes, and that an
// unknown mode is refused.
func TestPageCopy(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	want := bytes.Repeat([]byte("anynet\x00"), 3000) // not a multiple of 4096
	if err := os.WriteFile(src, want, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"large", "small", "none"} {
		got, err := pageCopy(src, filepath.Join(dir, mode), mode)
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if mode == "none" && got != src {
			t.Errorf("none: runs %s, want %s", got, src)
		}
		b, err := os.ReadFile(got)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, want) {
			t.Errorf("%s: copy differs (%d bytes, want %d)", mode, len(b), len(want))
		}
		if fi, _ := os.Stat(got); fi.Mode()&0o100 == 0 {
			t.Errorf("%s: copy is not executable (%v)", mode, fi.Mode())
		}
	}
	if _, err := pageCopy(src, filepath.Join(dir, "x"), "huge"); err == nil {
		t.Error("mode huge accepted")
	}
}

// TestProcSched reads this process's schedstat.
func TestProcSched(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc")
	}
	run, slices, err := procSched(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if run <= 0 || slices <= 0 {
		t.Errorf("run %d ns, %d slices: this test itself ran", run, slices)
	}
}
