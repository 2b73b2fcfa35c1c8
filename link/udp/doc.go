// Package udp is the link.Underlay over UDP sockets, IPv4 and IPv6: the
// tunnel from the overlay to today's internet.
//
//	c, err := udp.Listen(ctx, udp.Config{Addr: "0.0.0.0:4242"})
//	c.SetReceiver(func(frame []byte, src netip.AddrPort) { … })
//	err = c.Send(peer, frames...)
//
// # Data flow
//
// Outbound (send.go): Send checks the batch (closed, MTU, destination
// family), groups it into messages, and writes them with one sendmmsg
// through golang.org/x/net's ipv4/ipv6 PacketConn.WriteBatch. With UDP
// GSO (Linux UDP_SEGMENT) a run of equal-sized frames, optionally ended
// by one shorter frame, is one message whose iovecs are the caller's
// frames; the kernel cuts it into datagrams. Send blocks while the
// socket's send buffer is full, like any blocking write; it never drops.
//
// Inbound (receive.go): one long-lived reader goroutine reads up to
// Config.BatchSize datagrams per recvmmsg into buffers it reuses, each
// MTU+1 bytes, and hands every datagram to the receiver in arrival
// order. With UDP GRO (Linux UDP_GRO, on unless Config.DisableGRO) the
// kernel hands a run of equal-sized datagrams from one sender over as
// one read of up to 64 KiB with the datagram size in a control message;
// the reader then reads into 8 buffers of 64 KiB and splits each read
// back into datagrams, without copying. After each read the batch-end
// function runs (link.BatchUnderlay), so the link can coalesce what one
// read carried. Datagrams over the MTU (truncated, or one byte over) are
// dropped and counted, as are datagrams before SetReceiver. The reader
// never parses what it delivers beyond the kernel's control message, so
// random bytes cannot stop it.
//
// Elsewhere than Linux (batch_other.go) the same pipeline reads and
// writes one datagram per system call, without GSO.
//
// # Sockets
//
// Listen asks for 4 MiB receive and send buffers (Config.SocketBuffer),
// with SO_RCVBUFFORCE/SO_SNDBUFFORCE first where the process may exceed
// net.core.rmem_max/wmem_max; what the kernel grants is logged at debug
// level. An IPv4 listen address gives an IPv4-only socket (Send to an
// IPv6 destination fails with ErrAddrFamily); an IPv6 or wildcard one
// a dual-stack socket. Source addresses are reported unmapped: an IPv4
// peer of a dual-stack socket appears as 1.2.3.4, not ::ffff:1.2.3.4.
//
// # GSO: measured
//
// BenchmarkSend on IPv4 loopback, 1280-byte frames, 2 shared vCPUs
// (sender and reader competing), three runs each:
//
//	batch  gso   sent frames/s   delivered frames/s
//	1      off   91k–138k        91k–138k
//	1      on    110k–148k       110k–148k   (a batch of 1 is never segmented)
//	32     off   400k–429k       390k–403k
//	32     on    760k–1080k      530k–700k
//
// GSO roughly doubles what a batch of 32 puts on the wire and raises
// what arrives by about 1.5x, so it is on by default (Config.DisableGSO
// turns it off). The reader is then the bottleneck, and loopback drops
// what it cannot take; UDP GRO on the receiving socket removes most of
// the reader's per-datagram system-call cost (see bench/doc.go for its
// effect end to end).
//
// A segmented write the kernel refuses (EIO where the device has no
// checksum offload, EINVAL where a segment exceeds the path MTU) is
// resent unsegmented; EIO turns GSO off for the Conn.
package udp
