package router

import (
	"net/netip"
	"testing"
	"time"
)

// TestRouteCacheFollowsChanges checks that NextHop answers from the
// route cache only while the table it was built from holds: a host that
// attaches again elsewhere, one whose address moves, and one whose
// attachment expires are followed at once.
func TestRouteCacheFollowsChanges(t *testing.T) {
	tr, _ := newTestRouter(t)
	dst := forwardDst
	addr1 := netip.MustParseAddrPort("127.0.0.1:11")
	addr2 := netip.MustParseAddrPort("127.0.0.1:12")
	addr3 := netip.MustParseAddrPort("127.0.0.1:13")
	next := func(want netip.AddrPort, wantOK bool) {
		t.Helper()
		for range 2 { // the slow path, then the cache
			got, ok := tr.r.NextHop(&dst)
			if ok != wantOK || got != want {
				t.Fatalf("NextHop = %v, %v; want %v, %v", got, ok, want, wantOK)
			}
		}
	}
	next(netip.AddrPort{}, false)

	tr.attachForTest(t, dst, addr1)
	next(addr1, true)
	if tr.r.routes.lookup(&dst) == nil {
		t.Fatal("a route NextHop answered is not cached")
	}

	tr.attachForTest(t, dst, addr2) // attached again, from elsewhere
	next(addr2, true)

	e := tr.r.routes.lookup(&dst)
	if e == nil {
		t.Fatal("not cached")
	}
	e.p.SetAddr(addr3) // the attached host roamed
	next(addr3, true)

	tr.r.Tick(time.Now().Add(time.Hour)) // the attachment expires
	next(netip.AddrPort{}, false)
}
