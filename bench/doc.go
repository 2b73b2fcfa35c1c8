// Command bench measures anynet against the kernel, wireguard-go and a bare
// pair of gVisor stacks, in one run on one machine.
//
// Every throughput figure moves the same number of bytes (-bytes) over one
// TCP stream from a client to a server and stops the clock when the server
// has read the last byte and its one-byte acknowledgement is back:
//
//	kernel-tcp    kernel TCP over 127.0.0.1 (the ceiling)
//	wireguard-go  two wireguard-go tun/netstack peers over UDP loopback
//	anynet-udp    two anynet nodes over link/udp on loopback
//	raw-gvisor    two gVisor stacks wired by memory, no crypto
//	anynet-mem    two anynet nodes over link/mem
//
// The other figures:
//
//	handshakes    transport-level IK handshakes per second, with full
//	              binding verification and with a cached binding
//	rtt           64-byte echo round trip, p50 and p99, over kernel TCP
//	              and over anynet on udp and on mem
//	idle-memory   heap bytes per idle anynet node (-nodes nodes over mem)
//
// The report is one line per figure and ends with the two ratios the project
// tracks (anynet/wireguard-go over UDP, anynet/raw-gvisor over memory). With
// -json the same figures come as one JSON document. -only runs a subset,
// -cpuprofile and -memprofile write pprof profiles of what ran.
//
// Targets (reported, not asserted): anynet ≥ 2× wireguard-go over UDP,
// ≥ 0.5× the raw gVisor pair over memory, ≥ 1,500 handshakes/s, ≤ 100 KiB
// per idle node.
package main
