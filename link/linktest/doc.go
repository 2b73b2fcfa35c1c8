// Package linktest is the conformance suite of link.Underlay and the
// helpers the link tests share.
//
// Every underlay runs Run with a function that makes a pair of fresh,
// connected underlays (link/mem and link/udp do, in their
// conformance_test.go): frames arrive whole, in order, from the sender's
// LocalAddr; an oversized frame is refused before anything is sent;
// Close is idempotent and final (Send returns link.ErrClosed, the
// receiver is never called once Close returned); a link.BatchUnderlay
// ends its batches outside the receiver; a link.TrySender's TrySend
// takes every frame an idle receiver has room for; a link.HandOffer's
// frames arrive as sent, handed off or queued. The optional parts are
// stated in Caps, and the suite holds an underlay to them both ways, so
// a part that does not apply is a statement, not a silent skip.
//
// A path that is not an underlay of its own runs the suite through
// PacketUnderlay, an underlay over a datagram socket: package link's
// TestRoutedConformance runs it over UDP sockets of two hosts' netstacks
// whose datagrams cross the overlay through link/router routers.
//
// WaitFor and Collect replace the helpers each test file used to carry.
package linktest
