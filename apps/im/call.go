package im

// Calls: a real-time stream over UDP in the overlay, with no codec, in
// RTP and RTCP (doc.go). The caller paces RTP media to CallPort of the
// callee, with an RTCP sender report every fourth packet and one with
// BYE at the end; the callee plays media out through a jitter buffer
// (call_recv.go) and answers each SR with a receiver report, which
// gives the caller round trips and, answering BYE, the callee's
// statistics. Calls are accepted only from Allowed wallets.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/pion/rtp"
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
// fields come from the callee's final RTCP report (Reported says it
// arrived).
type CallStats struct {
	Peer common.Address
	// Call is the RTP SSRC of the caller's stream.
	Call uint64
	// Sent is the media packets sent (caller) or announced by the
	// caller's last sender report (callee; BYE carries the final one).
	Sent uint64
	// Received counts distinct packets that arrived, on time or late.
	Received uint64
	// Lost is Sent minus Received.
	Lost uint64
	// Late packets arrived after their playout time and were skipped.
	Late       uint64
	Duplicates uint64
	// Jitter is the RFC 3550 interarrival jitter at the receiver; the
	// caller's is rounded to the RTP clock (1/48000 s).
	Jitter time.Duration
	// RTTP50 and RTTP99 are round-trip times from the callee's receiver
	// reports (caller only), to 1/65536 s.
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
	opt.Bitrate, opt.PacketSize = cmp.Or(max(opt.Bitrate, 0), 64000), cmp.Or(max(opt.PacketSize, 0), 160)
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
	ssrc := rand.Uint32()
	st := CallStats{Peer: w, Call: uint64(ssrc)}

	// The reader takes the callee's receiver reports until the conn
	// closes: a round trip from each, and the final one (with BYE).
	// rtts is its own until readerDone.
	var rtts []time.Duration
	final := make(chan callDatagram, 1)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		buf := make([]byte, 2048)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			d, err := decodeCall(buf[:n])
			if err != nil || d.rr == nil || d.ssrc != ssrc {
				continue
			}
			if d.rr.LastSenderReport != 0 {
				rtts = append(rtts, roundTrip(time.Now(), d.rr))
			}
			if d.bye {
				select {
				case final <- d:
				default: // a repeat
				}
			}
		}
	}()
	defer func() { c.Close(); <-readerDone }()

	interval := time.Duration(float64(opt.PacketSize*8) / float64(opt.Bitrate) * float64(time.Second))
	start := time.Now()
	media := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: callPayloadType, SSRC: ssrc}}
	buf := make([]byte, opt.PacketSize)
	for seq := 0; ; seq++ {
		n, rerr := io.ReadFull(src, buf)
		if n > 0 {
			if wait := time.Until(start.Add(time.Duration(seq) * interval)); wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
					return st, ctx.Err()
				}
			}
			media.SequenceNumber, media.Timestamp, media.Payload = uint16(seq), rtpTime(time.Since(start)), buf[:n]
			pkt, _ := media.Marshal()
			if _, err := c.Write(pkt); err != nil {
				return st, fmt.Errorf("im: call %s: %w", w, err)
			}
			st.Sent++
			st.Bytes += int64(n)
			if seq%4 == 0 {
				c.Write(senderReport(time.Now(), ssrc, start, st, false))
			}
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return st, fmt.Errorf("im: call source: %w", rerr)
		}
	}
	st.Duration = time.Since(start)

	// BYE until the final report arrives (UDP may lose either), 3 s at
	// most.
	var report *callDatagram
	for end := time.Now().Add(3 * time.Second); report == nil && time.Now().Before(end) && ctx.Err() == nil; {
		c.Write(senderReport(time.Now(), ssrc, start, st, true))
		select {
		case r := <-final:
			report = &r
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	c.Close()
	<-readerDone
	if report != nil {
		st.Reported = true
		st.Lost = min(uint64(report.rr.TotalLost), st.Sent)
		st.Received = st.Sent - st.Lost
		st.Late, st.Duplicates = uint64(report.late), uint64(report.duplicates)
		st.Jitter = time.Duration(report.rr.Jitter) * time.Second / callClock
	}
	if len(rtts) > 0 {
		slices.Sort(rtts)
		st.Echoes = len(rtts)
		st.RTTP50, st.RTTP99 = rtts[len(rtts)/2], rtts[len(rtts)*99/100]
	}
	return st, nil
}
