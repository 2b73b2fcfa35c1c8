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
//	raw-gvisor-64k the same at a 64 KiB MTU: the netstack's own ceiling
//	anynet-mem    two anynet nodes over link/mem
//
// The other figures:
//
//	handshakes    transport-level IK handshakes per second, with full
//	              binding verification and with a cached binding
//	rtt           64-byte echo round trip, p50 and p99, over kernel TCP
//	              and over anynet on udp and on mem
//	idle-memory   heap bytes per idle anynet node (-nodes nodes over mem)
//	daemon-idle   real `anynet up --headless` processes of each binary in
//	              -daemon-bins (NAME=PATH,…, baseline first), on a remote
//	              chain and on the embedded one, standard scrypt keystore:
//	              peak RSS from start (VmHWM), RSS once settled, its
//	              anonymous and file-backed parts, and the CPU used over
//	              -idle-window after -idle-settle. Skipped
//	              without -daemon-bins. Targets: remote chain ≤ 64 MB at
//	              every moment and ≤ 0.3 % of a core; embedded ≤ 128 MB.
//
// The report is one line per figure and ends with the ratios the project
// tracks (anynet/wireguard-go over UDP, anynet/raw-gvisor over memory,
// anynet over UDP against the netstack's ceiling, raw-gvisor-64k). With
// -json the same figures come as one JSON document. -only runs a subset,
// -cpuprofile and -memprofile write pprof profiles of what ran.
//
// Targets (reported, not asserted): anynet ≥ 2× wireguard-go over UDP,
// ≥ 0.5× the raw gVisor pair over memory, ≥ 0.6× the raw pair at a 64 KiB
// MTU, ≥ 1,500 handshakes/s, ≤ 100 KiB per idle node.
//
// # Performance
//
// What each data-path lever gave, as the two tracked ratios: median of
// three runs (spread in brackets) of
// "go run . -only wireguard-go,anynet-udp,raw-gvisor,anynet-mem" on the
// shared 2-vCPU machine (2026-11-25, six other jobs running; absolute
// Gbit/s swing 2–3× between runs, so only ratios within one run compare).
// Each lever was switched off by a temporary build, not by a flag.
//
//	lever                                      udp anynet/wg      mem anynet/raw
//	before (last session, one run)             1.14               0.75
//	none of the below (pooled batches only)    1.34 [1.21–1.51]   0.75 [0.49–0.76]
//	+ GSO on send (link/gso.go)                2.60 [2.51–3.57]   0.92 [0.72–0.97]
//	+ GRO on receive (link/gro.go)             4.27 [3.92–5.14]   1.16 [1.06–1.37]
//	+ UDP GRO, open in place, one lookup/GSO   anynet-udp +29 % [+28–+64 %],
//	                                           paired runs
//
// GSO: link.Endpoint reports host GSO, so gVisor's TCP hands it packets
// of up to 64 KiB; the endpoint cuts them into 1280-byte IPv6/TCP
// segments straight into frame buffers (one copy, checksums completed),
// seals them and sends them as one underlay batch, which link/udp writes
// as one sendmmsg with UDP_SEGMENT. The netstack's per-segment work on
// send (TCP, IPv6, NIC, WritePackets) runs once per 64 KiB instead of
// once per 1.2 KiB.
//
// GRO: link/udp and link/mem say where a read batch ends
// (link.BatchUnderlay); opened packets go through gVisor's GRO engine and
// are flushed at the batch's end, so TCP on the receiver handles one
// merged segment per batch and sends far fewer ACKs (frames from server
// to client fell from ~21,700 to ~3,500–4,800 per 256 MiB).
//
// UDP GRO (link/udp): the receiving socket sets UDP_GRO, so the kernel
// hands a GSO write over as one read that the reader splits without
// copying; the reader's system calls fell from 21 % to 13 % of the
// profile. Opening data straight into the gVisor view the netstack then
// owns saves a copy and a pool round trip per packet, and the peer
// lookup runs once per GSO packet rather than once per segment.
//
// With all of them, three full runs ("go tool task bench", load average
// 7–8 on the 2 vCPUs): ratio udp anynet/wireguard-go 6.07 [4.56–12.88]
// (anynet-udp 1.06 [0.42–1.72] Gbit/s, wireguard-go 0.13 [0.09–0.17]:
// wireguard-go's many goroutines suffer most from the load, which
// flatters the ratio; on a quieter machine earlier the same code gave
// 3.8–4.1 with wireguard-go at 0.50), ratio mem anynet/raw-gvisor 1.38
// [0.62–1.63], idle node 45.7 KiB of heap. Handshakes (transport only,
// CPU-bound, untouched by these levers) fell with the load to 327–476/s
// from ~1,950/s measured on a quieter machine.
//
// With all of them the profile of anynet-udp is about one core, ~60 % of
// it the reader goroutine (decryption 14 %, GRO and the receiving TCP);
// the next lever would be to open frames on a second goroutine, as
// wireguard-go's parallel decryption does.
//
// # Against the netstack's ceiling, per CPU
//
// On the shared machine the wall-clock rates swing several times over
// with the load (load average 25–30, CPU pressure ~99 %: the process gets
// a fifth of a core), so every throughput figure also reports Gbit moved
// per second of the process's own CPU time (schedstat, all threads), and
// each ratio comes a second time "per CPU". "go run . -only
// anynet-udp,raw-gvisor-64k,wireguard-go -bytes 128MiB -runs 3"
// (2026-12-07, load ~27, two runs half an hour apart): anynet-udp
// 0.26 and 0.19 Gbit/s, 1.53 and 1.04 Gbit per CPU-second;
// raw-gvisor-64k 13.9 and 1.48 Gbit/s, 18.1 and 13.2 per CPU-second;
// wireguard-go 0.05 and 0.03 Gbit/s, 0.28 and 0.22 per CPU-second.
// Ratios: udp anynet/raw-gvisor-64k 0.02 and 0.13 by the clock, 0.08 and
// 0.08 per CPU; udp anynet/wireguard-go 5.1 and 5.6 by the clock, 5.4
// and 4.7 per CPU.
//
// Why 0.6 of the raw pair is out of reach over UDP at a 1280-byte MTU:
// the raw pair moves 64 KiB per TCP segment with no copy, no crypto and
// no system call, about 0.4 ns of CPU per byte. anynet's profile over
// 256 MiB (same run conditions): ChaCha20-Poly1305 21 % (seal 10, open
// 11), sendmmsg and recvmmsg 15 %, clearing the gVisor chunks that
// frames are opened into 13 % (gVisor's buffer clears every chunk it
// hands out, and a cold one costs a cache miss per line), GRO and the
// receiving TCP ~17 %, copies 6 %. The crypto alone, at the rate it
// runs inside this process, bounds anynet near 5–7 Gbit per CPU-second,
// 0.3–0.4 of the raw pair per CPU, before any system call or copy. By
// the clock on a quiet machine anynet gains from running sender and
// reader on two cores, the single-stream raw pair hardly does (last
// quiet measurement: 1.40 against 6.95 Gbit/s, 0.20). Levers left:
// opening on a second goroutine (wall clock on an idle machine, not
// CPU), one gVisor chunk per read batch instead of one per frame (less
// clearing), and a larger MTU where the path allows it.
//
// Coalescing on receive, done by the link itself (link/gro.go): the
// frames of a read batch are opened one behind the other into shared
// 64 KiB gVisor chunks, and a flow's consecutive TCP segments merge as
// they land (payload moved down over the headers, in cache), so the
// netstack gets one packet per run without a view, a packet buffer and
// a pass through gVisor's GRO engine per frame; the headers go in a
// small view of their own, since pulling up a view of a shared chunk
// copies the whole chunk. Alternating runs of main (382d2fa) and the
// change, "go run . -only anynet-udp,raw-gvisor-64k,wireguard-go -bytes
// 128MiB -runs 3", five of each (2026-12-07, load 25–31): anynet-udp
// 1.34 1.68 1.70 1.36 1.53 → 1.95 1.40 1.96 1.98 1.68 Gbit per
// CPU-second (median 1.53 → 1.95, +28 %); udp anynet/raw-gvisor-64k
// per CPU 0.10 0.09 0.14 0.11 0.09 → 0.16 0.09 0.11 0.15 0.13 (median
// 0.10 → 0.13; the raw pair itself swung 12.3–19.2 per CPU-second),
// by the clock 0.23 0.08 0.09 0.02 0.25 → 0.43 0.14 0.02 0.27 0.06;
// udp anynet/wireguard-go per CPU 5.96 5.76 6.69 4.75 5.49 → 7.25
// 5.45 7.14 6.59 7.05 (median 5.76 → 7.05), by the clock 8.64 21.89
// 20.46 2.20 8.48 → 17.97 5.80 7.20 9.77 11.84. The profile of 512 MiB
// after it: ChaCha20-Poly1305 41 % (seal 19, open 22), sendmmsg and
// recvmmsg 12 %, chunk clearing 7 % (the receive chunks and the
// sender's TCP buffer), the receiving netstack ~4 %; the rest is spread
// thin (time.Now per message 4 %, the noise nonce's allocation 3 %).
// With a 16,000-byte netstack MTU over loopback ("-mtu 16000") anynet
// reaches only 2.4–2.6 Gbit per CPU-second: the per-frame costs are no
// longer what bounds it, the crypto and the kernel's copies are, which
// leaves the per-CPU ceiling near 0.3–0.4 of the raw pair.
//
// # Idle daemon
//
// "go run . -only daemon-idle -timeout 30m -daemon-bins
// main=OLD,new=NEW,exp=EXP" (2026-12-06, shared 2-vCPU machine under
// load; EXP is NEW with apps/im's 5 ms call ticker idled, a one-off
// build): peak RSS 311 → 299 → 298 MiB (remote chain), 326 → 299 → 298
// (embedded); RSS after 70 s 311 → 50.0 → 50.9 MiB (remote), 326 → 64.5
// → 65.3 (embedded); idle CPU 3.03 → 2.43 → 0.42 % of a core (remote),
// 3.43 → 3.07 → 0.63 % (embedded). The peak is the wallet's unlock:
// golang.org/x/crypto/scrypt.Key allocates 256 MB for a standard-cost
// keystore (N=2^18, r=8); the daemon now returns it to the OS at once
// (before: ~4 minutes, until the forced GC and the scavenger). Most of
// the idle CPU is apps/im's call ticker, which wakes every 5 ms with no
// call; the link's timer goroutine no longer wakes every 100 ms on an
// idle host.
//
// Again on 2026-12-06 with the new services merged (load average 21–39;
// "go run . -only daemon-idle -daemon-bins before=OLD,after=NEW
// -idle-settle 10s -idle-window 45s", OLD = 5786cff, three runs): peak
// RSS on a remote chain 300–302 → 68.5–70.2 MiB, embedded 300–303 →
// 83.2–84.3 MiB; idle CPU, remote, 0.24–0.36 % of a core (before:
// 0.36–3.02, as noisy as the machine), embedded 0.44–1.09 %. Of the
// remote daemon's RSS only 11.3–11.9 MiB is anonymous (13.2 on main
// before the queues' engine started lazily); 57 MiB is the binary's
// pages, mapped whole: the linker writes the binary in large writes,
// ext4 keeps it in large folios and Linux 6.18 maps a whole folio at the
// first touch of any of its pages (PR_SET_THP_DISABLE changes nothing
// but the PMD mappings). That part is the binary's size, not the
// daemon's doing, and it differs between two copies of the same binary
// by their page-cache history (50 and 57 MiB for binaries of 93 MB).
//
// Again on 2026-12-06 (load average ~29): the same
// binary's peak RSS on a remote chain depends on how the page cache holds
// it, so the daemon-idle figure now runs a copy written as -idle-pages
// says. "go run . -only daemon-idle -daemon-bins base=BIN -idle-settle
// 10s -idle-window 45s -idle-pages large|small", BIN the 102 MB binary of
// main at 20dfd1e: remote chain, large folios 78.3 MiB (12.5 anonymous,
// 65.8 file-backed), 4 KiB pages 59.5 MiB (12.5 anonymous, 47.1
// file-backed); embedded chain 92.2 and 78.4 MiB (26.3 and 26.9
// anonymous). With large folios every 2 MiB of the text,
// rodata and pclntab that anything touches is mapped whole
// (FilePmdMapped 56 MiB of 66 in smaps_rollup); in 4 KiB pages the daemon
// maps 21 MiB of its 32 MiB of text, 10 of 11 MiB of rodata and 14 of 24
// MiB of pclntab (pagemap, with the kernel's 64 KiB fault-around). The
// anonymous part is small: a 7 MiB live heap (pebble's commit pipelines
// and WAL writers of the five stores opened at start, about 0.5 MiB
// each; package-level tables of regexp, net/http, encoding/json, gob and
// go-ethereum's metrics and ABI, each about 0.5 MiB), 62 goroutines; the
// package inits allocate 3.5 MB in all.
//
// Most of the file-backed part is code that a node on a remote chain
// never runs but still maps, because the package inits of the embedded
// chain (go-ethereum's core, eth, p2p, triedb; pebble v1; leveldb) touch
// their pages. A one-off build without the embedded chain (naming without
// naming/chain, no chain serve, sim or demo: 79 MB) measured in the same
// conditions (remote chain, 30 s settle, 45 s window, copies as above):
// 60.0 MiB with large folios (11.4 anonymous, 48.6 file-backed) against
// 78.1 for the full binary, 49.7 MiB in 4 KiB pages against 59.1. That
// build is now the `nochain` build tag (`go build -tags nochain
// ./cmd/anynet`: `up` needs --chain URL, naming.ErrNoEmbeddedChain
// otherwise; no chain serve, sim or demo); compare it with
// -daemon-bins base=FULL,nochain=NOCHAIN.
//
// Idle CPU by schedstat (exact, where clock ticks charge a whole tick or
// nothing) is 0.11–0.21 % of a core once the node has settled (30 s),
// 22–26 timeslices a second, and 0.45 % from 10 s (the end of start-up
// falls in the window). An execution trace of an idle remote-chain
// daemon over 20 s shows three wakers: link's timer goroutine once a
// second (idleTickMax), nats-server's pse.periodic once a second (its
// package init reads /proc/PID/stat every second in any process that
// links the server, engine started or not), and stack's key check every
// 10 s. Each wake costs several timeslices (the Go scheduler's threads
// and sysmon).
//
// The first was cut (2026-12-07): link's timer goroutine sleeps a
// minute (idleSleepMax) on a host with no session, handshake or queued
// packet. nats-server's sampler was silenced for a while by rewriting its
// private path variable through go:linkname; that was taken out again (a
// racy write into a dependency's internals, hidden from -race), so the
// figures below, measured with it, are slightly low for the full build. "go run . -only daemon-idle -timeout 40m
// -daemon-bins before=OLD,after=NEW,before-nochain=OLDNC,after-nochain=NEWNC
// -idle-settle 30s -idle-window 45s -idle-pages large|small" (the two
// page modes run side by side, load average 31–41), remote chain, idle
// CPU by schedstat: nochain build 0.17 → 0.03 % (large), 0.12 → 0.02 %
// (small); full build 0.17 → 0.26 % and 0.09 → 0.30 %, which is start-up
// still inside the window at this load: the same binaries measured from
// 40 s after start over 30 s (three daemons side by side on one chain)
// idle at 0.127 % with 19.5 timeslices/s (before) against 0.038 % with
// 7.4 (after), and 0.042 % with 7.9 for the nochain build. RSS, remote
// chain: large folios 78.5 → 77.5 MiB (full), 62.9 → 56.7 (nochain);
// 4 KiB pages 58.9 → 58.8 (full), 49.2 → 48.7 (nochain). Embedded chain
// (full build): 82.9 → 86.6 MiB large, 79.2 → 80.0 small; its idle CPU
// 0.42 → 0.34 % and 0.33 → 0.29 %. A nochain build's embedded-chain
// figure is skipped with a note.
//
// Starting the other services on first use would not reach 64 MiB with
// large folios: a one-off build that starts none of pay, VPN, mail,
// queues, stream, content and relay idles at 77.3 MiB against 78.7
// (large folios) and 56.7 against 60.1 (4 KiB pages), same run: their
// code is mapped by the package inits whether they run or not. The
// queues' engine, the largest (nats-server, about 13 MB when running),
// already starts on first use.
package main
