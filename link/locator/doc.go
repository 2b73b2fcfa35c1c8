// Package locator is anynet's unicast address: a 256-bit, hierarchical
// locator that routers route on, kept apart from the identity (the
// wallet) that connections are bound to.
//
// # Layout
//
//	bits    0–63    segment   a network segment (the root of a network pass)
//	bits   64–127   subnet    a subnet inside the segment
//	bits  128–223   host      the node, derived from its node key (HostID)
//	bits  224–255   NIC       one of the node's underlays
//
// Bit 0 is the most significant bit of byte 0; the 32 bytes travel as is in
// frame headers (package link) and network passes (package naming).
//
// # Text form
//
// The four fields in hexadecimal, without leading zeros, separated by
// dots: segment.subnet.host.nic, for example
//
//	2a.1.9f3e5c01aa7b.0
//
// A prefix writes the fields its length reaches into, then "/" and the
// length in bits: "2a/64" is segment 2a, "2a.1/128" one subnet of it. Bits
// past the length are zero in a valid prefix. Fields are numbers, as IPv6
// groups are, so the first byte alone is written in full:
// "2a00000000000000/8".
//
// # Host IDs
//
// A router that holds a pass assigns host IDs inside it without a central
// allocator, as SLAAC does with stable interface IDs (RFC 7217): the host
// field is a hash of the subnet prefix and the node's X25519 public key,
// so a node gets the same locator whenever it attaches to the same subnet
// and different, unlinkable ones in different subnets.
//
// # NICs
//
// A node with several underlays (package link, "Several NICs") has one
// locator per NIC, Assign(subnet, nodeKey, i) for NIC i, each in the
// subnet of the routers it attaches to over that NIC. In one subnet two
// NICs of a node differ in the NIC field alone; in different subnets the
// host field differs too, as above.
package locator
