// Package route is the routing logic of anynet routers: a table of
// locator prefixes with longest-prefix match, and a small path-vector
// protocol by which the routers of one segment tell each other what they
// reach.
//
// It also holds the sender's side of anycast (anycast.go): when several
// nodes serve one wallet, Selector picks the instance for each flow —
// nearest by measured RTT, then by shared locator prefix — pins the flow
// to it, and moves new flows only on failure or a clear, lasting gain.
//
// The package is pure state: it never sends, sleeps or reads a clock.
// The link layer feeds it what neighbors say (Speaker.Receive), tells it
// when a neighbor comes or goes (SetNeighbor, NeighborDown), sends what
// Speaker.Adverts returns to every neighbor whenever it changed and
// periodically, and asks Lookup where a frame goes next.
//
// # Protocol
//
// Each router originates the prefixes it owns (its network passes, or
// the subnets it assigns host IDs in) and advertises, to every neighbor,
// its full table: for each prefix its best metric and the path of router
// IDs the route follows, itself last. A router ignores routes whose path
// contains itself, so loops and count-to-infinity cannot occur: when a
// neighbor dies, every route through it is withdrawn at once and the
// next-best path (if any) takes over as soon as the remaining neighbors'
// adverts say so. Among routes to one prefix the lowest metric wins, then
// the shorter path, then the lower next-hop ID, so every router decides
// the same way from the same input.
//
// # Wire format
//
// A router's full table travels as one or more advert messages (Split,
// Encode, Decode), each small enough for one control frame; all parts of
// one table carry the same generation, and the receiver's Assembler
// hands the table to Speaker.Receive once every part arrived (a part of
// a newer generation starts over; tables are resent periodically, so a
// lost part costs one interval). Integers big-endian:
//
//	offset size  field
//	0      1     version, = 2
//	1      2     table generation (the sender's counter)
//	3      1     part index, from 0
//	4      1     part count (1–255), > part index
//	5      2     count of routes in this part
//	then, per route:
//	       1     prefix length in bits (0–255; a full 256-bit locator is
//	             not a prefix a router advertises)
//	       32    prefix locator, zero past the length
//	       4     metric
//	       1     path length n (1–MaxPath)
//	       32×n  router IDs, origin first, sender last
//
// Test vector: generation 7, part 0 of 1, one route 2a/64, metric 1,
// path [01…01]:
//
//	02 0007 00 01 0001 40 000000000000002a 0000…(24 zero bytes) 00000001 01 0101…01
package route
