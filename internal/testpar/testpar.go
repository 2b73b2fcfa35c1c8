package testpar

import (
	"flag"
	"strconv"
)

// AtLeast raises the test binary's -test.parallel to n unless it was
// given (`go test -parallel k` keeps k) or is already n or more. It
// parses the command line, as TestMain must before reading flags.
func AtLeast(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	f := flag.Lookup("test.parallel")
	if f == nil {
		return // not a test binary
	}
	given := false
	flag.Visit(func(g *flag.Flag) { given = given || g == f })
	if cur, err := strconv.Atoi(f.Value.String()); given || err != nil || cur >= n {
		return
	}
	f.Value.Set(strconv.Itoa(n))
}
