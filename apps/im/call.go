package im

// Calls: a real-time stream over UDP in the overlay, with no codec.
// The caller sends MEDIA datagrams (call ID, sequence number, send time,
// payload) to CallPort of the callee at a fixed bitrate, then BYE with
// the number it sent. The callee plays them out through a jitter buffer
// (call_recv.go), echoes every fourth packet's send time (ECHO) so the
// caller measures round trips, and answers BYE with a REPORT of what it
// saw: received, lost, late, duplicates, RFC 3550 interarrival jitter.
// Calls are accepted only from Allowed wallets.

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// CallOptions shape an outgoing call's stream.
type CallOptions struct {
	// Bitrate in bits per second. Zero means 64000.
	Bitrate int
	// PacketSize is the payload of one packet, at most 1000 bytes. Zero
	// means 160 (20 ms at 64 kbit/s).
	PacketSize int
}

// CallStats describes a finished call. On the caller, the receive-side
// fields come from the callee's REPORT (Reported says it arrived).
type CallStats struct {
	Peer common.Address
	Call uint64
	// Sent is the media packets sent (caller) or announced by BYE (callee).
	Sent uint64
	// Received counts distinct packets that arrived, on time or late.
	Received uint64
	// Lost is Sent minus Received.
	Lost uint64
	// Late packets arrived after their playout time and were skipped.
	Late       uint64
	Duplicates uint64
	// Jitter is the RFC 3550 interarrival jitter at the receiver.
	Jitter time.Duration
	// RTTP50 and RTTP99 are round-trip times from echoes (caller only).
	RTTP50, RTTP99 time.Duration
	Echoes         int
	// Bytes is the payload sent (caller) or played out (callee).
	Bytes    int64
	Duration time.Duration
	Reported bool
}

// LossRate is Lost over Sent.
func (c CallStats) LossRate() float64 {
	if c.Sent == 0 {
		return 0
	}
	return float64(c.Lost) / float64(c.Sent)
}

// Call streams src to a wallet or name at opt's bitrate and returns the
// statistics of the call, once the callee reported or 3 s after BYE.
func (s *Service) Call(ctx context.Context, to string, src io.Reader, opt CallOptions) (CallStats, error) {
	if s.isClosed() {
		return CallStats{}, ErrClosed
	}
	if opt.Bitrate <= 0 {
		opt.Bitrate = 64000
	}
	if opt.PacketSize <= 0 {
		opt.PacketSize = 160
	}
	if opt.PacketSize > maxCallPayload {
		return CallStats{}, fmt.Errorf("%w: packet size %d, limit %d", ErrTooLarge, opt.PacketSize, maxCallPayload)
	}
	w, err := s.resolve(ctx, to)
	if err != nil {
		return CallStats{}, err
	}
	c, err := s.node.Dial(ctx, "udp", fmt.Sprintf("%s:%d", w.Hex(), CallPort))
	if err != nil {
		return CallStats{}, fmt.Errorf("im: call %s: %w", w, err)
	}
	var id [8]byte
	rand.Read(id[:])
	st := CallStats{Peer: w, Call: binary.BigEndian.Uint64(id[:])}

	// The reader takes ECHOs and the REPORT until the conn closes; rtts
	// is its own until readerDone.
	var rtts []time.Duration
	reports := make(chan callReport, 1)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		buf := make([]byte, 2048)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			p, err := decodeCallPacket(buf[:n])
			switch {
			case err != nil || p.Call != st.Call:
			case p.Type == pktEcho:
				rtts = append(rtts, time.Since(time.UnixMicro(p.Sent)))
			case p.Type == pktReport:
				select {
				case reports <- p.Report:
				default: // a repeat
				}
			}
		}
	}()
	defer func() { c.Close(); <-readerDone }()

	interval := time.Duration(float64(opt.PacketSize*8) / float64(opt.Bitrate) * float64(time.Second))
	start := time.Now()
	buf := make([]byte, opt.PacketSize)
	var pkt []byte
	for seq := uint32(0); ; seq++ {
		n, rerr := io.ReadFull(src, buf)
		if n > 0 {
			if wait := time.Until(start.Add(time.Duration(seq) * interval)); wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
					return st, ctx.Err()
				}
			}
			pkt = callPacket{Type: pktMedia, Call: st.Call, Seq: seq, Sent: time.Now().UnixMicro(), Payload: buf[:n]}.append(pkt[:0])
			if _, err := c.Write(pkt); err != nil {
				return st, fmt.Errorf("im: call %s: %w", w, err)
			}
			st.Sent++
			st.Bytes += int64(n)
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return st, fmt.Errorf("im: call source: %w", rerr)
		}
	}
	st.Duration = time.Since(start)

	// BYE until the REPORT arrives (UDP may lose either), 3 s at most.
	bye := callPacket{Type: pktBye, Call: st.Call, Seq: uint32(st.Sent)}.append(nil)
	wait, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var report *callReport
	c.Write(bye)
	for report == nil && wait.Err() == nil {
		select {
		case r := <-reports:
			report = &r
		case <-tick.C:
			c.Write(bye)
		case <-wait.Done():
		}
	}
	c.Close()
	<-readerDone
	if report != nil {
		st.Reported = true
		st.Received, st.Lost, st.Late, st.Duplicates = uint64(report.Received), uint64(report.Lost), uint64(report.Late), uint64(report.Duplicates)
		st.Jitter = time.Duration(report.JitterMicros) * time.Microsecond
	}
	if len(rtts) > 0 {
		slices.Sort(rtts)
		st.Echoes = len(rtts)
		st.RTTP50, st.RTTP99 = rtts[len(rtts)/2], rtts[len(rtts)*99/100]
	}
	return st, nil
}
