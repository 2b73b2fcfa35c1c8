package testpar

import (
	"flag"
	"testing"
)

// TestAtLeast: raised to n from go test's default, left alone when
// already higher or given on the command line.
func TestAtLeast(t *testing.T) {
	f := flag.Lookup("test.parallel")
	defer f.Value.Set(f.Value.String())
	given := false
	flag.Visit(func(g *flag.Flag) { given = given || g == f })
	if given {
		t.Skip("-test.parallel given: AtLeast leaves it, nothing to see")
	}
	f.Value.Set("2")
	AtLeast(5)
	if got := f.Value.String(); got != "5" {
		t.Errorf("AtLeast(5) from 2: -test.parallel %s, want 5", got)
	}
	AtLeast(3)
	if got := f.Value.String(); got != "5" {
		t.Errorf("AtLeast(3) from 5: -test.parallel %s, want 5", got)
	}
}
