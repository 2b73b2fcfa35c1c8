package im

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// CallPort is the well-known UDP port of calls.
const CallPort = 5223

const (
	// callClock is the RTP clock rate of calls (48 kHz, as for voice).
	callClock = 48000
	// callPayloadType is the dynamic RTP payload type of call media,
	// which has no codec.
	callPayloadType = 96
	// maxCallPayload keeps a media packet inside one overlay datagram.
	maxCallPayload = 1000
)

// callDatagram is what one datagram on a call says (see doc.go): RTP
// media, or an RTCP compound packet.
type callDatagram struct {
	ssrc  uint32 // the caller's SSRC: the call
	media *rtp.Packet
	sr    *rtcp.SenderReport
	rr    *rtcp.ReceptionReport // the callee's report on the call
	// late and duplicates are the callee's APP "CALL" packet.
	late, duplicates uint32
	bye              bool
}

// decodeCall reads one datagram, telling RTP from RTCP by the second
// byte as RFC 5761 §4 does.
func decodeCall(b []byte) (callDatagram, error) {
	var d callDatagram
	if len(b) > 1 && b[1] >= 192 && b[1] <= 223 {
		ps, err := rtcp.Unmarshal(b)
		if err != nil {
			return d, fmt.Errorf("%w: call RTCP: %v", ErrMalformed, err)
		}
		for _, p := range ps {
			switch p := p.(type) {
			case *rtcp.SenderReport:
				d.sr, d.ssrc = p, p.SSRC
			case *rtcp.ReceiverReport:
				if len(p.Reports) > 0 {
					d.rr, d.ssrc = &p.Reports[0], p.Reports[0].SSRC
				}
			case *rtcp.ApplicationDefined:
				if p.Name == "CALL" && len(p.Data) == 8 {
					d.late, d.duplicates = binary.BigEndian.Uint32(p.Data), binary.BigEndian.Uint32(p.Data[4:])
				}
			case *rtcp.Goodbye:
				d.bye = true
			}
		}
		return d, nil
	}
	d.media = new(rtp.Packet)
	if err := d.media.Unmarshal(b); err != nil || d.media.Version != 2 || len(d.media.Payload) > maxCallPayload {
		return callDatagram{}, fmt.Errorf("%w: call RTP packet of %d bytes", ErrMalformed, len(b))
	}
	d.ssrc = d.media.SSRC
	return d, nil
}

// senderReport is the caller's RTCP SR at now, followed by BYE once the
// stream ended.
func senderReport(now time.Time, ssrc uint32, start time.Time, st CallStats, bye bool) []byte {
	ps := []rtcp.Packet{&rtcp.SenderReport{SSRC: ssrc, NTPTime: ntpTime(now), RTPTime: rtpTime(now.Sub(start)),
		PacketCount: uint32(st.Sent), OctetCount: uint32(st.Bytes)}}
	if bye {
		ps = append(ps, &rtcp.Goodbye{Sources: []uint32{ssrc}})
	}
	b, _ := rtcp.Marshal(ps)
	return b
}

// receiverReport is the callee's RTCP RR on a call; the last one adds
// APP "CALL" (late u32 | duplicates u32) and BYE.
func receiverReport(own uint32, r rtcp.ReceptionReport, last bool, late, duplicates uint64) []byte {
	ps := []rtcp.Packet{&rtcp.ReceiverReport{SSRC: own, Reports: []rtcp.ReceptionReport{r}}}
	if last {
		data := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(late)), uint32(duplicates))
		ps = append(ps, &rtcp.ApplicationDefined{SSRC: own, Name: "CALL", Data: data}, &rtcp.Goodbye{Sources: []uint32{own}})
	}
	b, _ := rtcp.Marshal(ps)
	return b
}

// ntpTime is t as a 64-bit NTP timestamp (RFC 3550 §4); its middle 32
// bits, in 1/65536 s, are what reports echo for round trips.
func ntpTime(t time.Time) uint64 {
	return uint64(t.Unix()+2208988800)<<32 | uint64(t.Nanosecond())<<32/1e9
}

// roundTrip is the round trip a reception report gives at now: now −
// LSR − DLSR (RFC 3550 §6.4.1), to 1/65536 s.
func roundTrip(now time.Time, r *rtcp.ReceptionReport) time.Duration {
	rtt := int32(uint32(ntpTime(now)>>16) - r.LastSenderReport - r.Delay)
	return time.Duration(max(rtt, 0)) * time.Second >> 16
}

// rtpTime is d in units of callClock.
func rtpTime(d time.Duration) uint32 { return uint32(d * callClock / time.Second) }
