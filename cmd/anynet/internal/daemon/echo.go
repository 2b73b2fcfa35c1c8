package daemon

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/stack"
)

// EchoPort is the UDP port of every node's echo responder (RFC 862's
// port): ping sends datagrams there through the overlay and times the
// replies.
const EchoPort = 7

// pingMethod says how ping measures.
const pingMethod = "UDP echo to port 7 of the peer's identity address, through the overlay (Noise session, sealed frames); the first probe may include the handshake"

// serveEcho returns every datagram to its sender until pc is closed.
func serveEcho(pc net.PacketConn) {
	buf := make([]byte, 2048)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		pc.WriteTo(buf[:n], from)
	}
}

// repathAfter is how long ping waits for a first reply before it reads
// the peer's DID document again (stack.Node.Repath).
const repathAfter = time.Second

// maxPingCount bounds the probes of one ping request.
const maxPingCount = 100

// ping sends count probes to name's echo responder, one at a time, each
// waiting up to timeout for its reply.
func ping(ctx context.Context, node *stack.Node, name string, count int, timeout time.Duration) (control.PingResult, error) {
	res := control.PingResult{Name: name, Method: pingMethod}
	c, err := node.Dial(ctx, "udp", fmt.Sprintf("%s:%d", name, EchoPort))
	if err != nil {
		return res, fmt.Errorf("ping %s: %w", name, err)
	}
	defer c.Close()
	if a, ok := c.RemoteAddr().(*stack.Addr); ok {
		res.Wallet = a.Wallet.Hex()
	}
	buf := make([]byte, 64)
	repathed := false // the peer's DID document was read again (once per ping)
	for seq := uint64(1); seq <= uint64(count); seq++ {
		if ctx.Err() != nil {
			break
		}
		var probe [16]byte
		binary.BigEndian.PutUint64(probe[:8], seq)
		start := time.Now()
		binary.BigEndian.PutUint64(probe[8:], uint64(start.UnixNano()))
		res.Sent++
		if _, err := c.Write(probe[:]); err != nil {
			return res, fmt.Errorf("ping %s: %w", name, err)
		}
		deadline := start.Add(timeout)
		if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
			deadline = dl
		}
		if first := start.Add(repathAfter); !repathed && first.Before(deadline) {
			c.SetReadDeadline(first)
		} else {
			c.SetReadDeadline(deadline)
		}
		got := false
		for !got {
			n, err := c.Read(buf)
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					if !repathed && time.Now().Before(deadline) {
						// No answer yet: the peer may have moved. Read its
						// DID document again, past the cache, and probe
						// again if it did.
						repathed = true
						if moved, _ := node.Repath(ctx, name); moved {
							c.Write(probe[:])
						}
						c.SetReadDeadline(deadline)
						continue
					}
					break
				}
				return res, fmt.Errorf("ping %s: %w", name, err)
			}
			if n == len(probe) && binary.BigEndian.Uint64(buf[:8]) == seq {
				got = true
			}
		}
		if !got {
			res.Lost++
			continue
		}
		rtt := time.Since(start)
		res.RTTs = append(res.RTTs, rtt)
		if seq < uint64(count) {
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	if rtts := res.RTTs; len(rtts) > 0 {
		lo, hi, sum := rtts[0], rtts[0], time.Duration(0)
		for _, r := range rtts {
			lo, hi, sum = min(lo, r), max(hi, r), sum+r
		}
		res.Min, res.Max, res.Avg = lo, hi, sum/time.Duration(len(rtts))
	}
	return res, nil
}
