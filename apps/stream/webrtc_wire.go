package stream

import (
	"encoding/binary"
	"fmt"
	"io"
)

// RTC frame types: the first byte of every frame on RTCPort (see
// doc.go, "WebRTC").
const (
	rtcWant   = 1 // key (20 owner | u8 len | name)
	rtcTracks = 2 // u8 count | count × track
	rtcRTP    = 3 // u8 track | RTP packet
	rtcPLI    = 4 // u8 track
	rtcEnd    = 5 // u8 len | reason
)

// Limits of the RTC wire.
const (
	// maxRTCFrame bounds an RTC frame: an RTP packet (at most a UDP
	// datagram) and its two header bytes.
	maxRTCFrame = 64 << 10
	// maxTracks bounds the tracks of a stream.
	maxTracks = 8
)

// Track kinds on the wire.
const (
	kindAudio = 1
	kindVideo = 2
)

// TrackInfo describes one media track a WebRTC publisher sends: its
// negotiated codec, which every viewer's track offers in turn.
type TrackInfo struct {
	Kind      uint8 // 1 audio, 2 video
	MimeType  string
	ClockRate uint32
	Channels  uint8
	Fmtp      string // the SDP a=fmtp parameters

	ssrc uint32 // at the publisher: the WHIP track's SSRC (not sent)
}

func encWant(k Key) []byte { return appendKey(nil, rtcWant, k) }

func encTracks(ts []TrackInfo) []byte {
	b := []byte{rtcTracks, byte(len(ts))}
	for _, t := range ts {
		b = append(b, t.Kind)
		b = binary.BigEndian.AppendUint32(b, t.ClockRate)
		b = append(b, t.Channels, byte(len(t.MimeType)))
		b = append(b, t.MimeType...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(t.Fmtp)))
		b = append(b, t.Fmtp...)
	}
	return b
}

func encRTP(track int, pkt []byte) []byte {
	b := make([]byte, 2, 2+len(pkt))
	b[0], b[1] = rtcRTP, byte(track)
	return append(b, pkt...)
}

func encPLI(track int) []byte { return []byte{rtcPLI, byte(track)} }

func encEnd(reason string) []byte {
	reason = reason[:min(len(reason), 255)]
	return append([]byte{rtcEnd, byte(len(reason))}, reason...)
}

// rtcMsg is one decoded RTC frame; which fields are set follows typ.
type rtcMsg struct {
	typ    byte
	key    Key
	tracks []TrackInfo
	track  int
	pkt    []byte // aliases the frame
	reason string
}

// decodeRTC parses one RTC frame; pkt aliases b.
func decodeRTC(b []byte) (rtcMsg, error) {
	var m rtcMsg
	bad := func(what string) (rtcMsg, error) {
		return rtcMsg{}, fmt.Errorf("%w: rtc frame type %d: %s", ErrMalformed, m.typ, what)
	}
	if len(b) == 0 {
		return bad("empty")
	}
	m.typ = b[0]
	r := b[1:]
	switch m.typ {
	case rtcWant:
		if len(b) < 22 || len(b) != 22+int(b[21]) {
			return bad("length")
		}
		copy(m.key.Owner[:], b[1:21])
		m.key.Name = string(b[22:])
		if !ValidName(m.key.Name) {
			return bad("bad name")
		}
	case rtcTracks:
		if len(r) < 1 || r[0] > maxTracks {
			return bad("count")
		}
		n := int(r[0])
		r = r[1:]
		for range n {
			if len(r) < 7 {
				return bad("short track")
			}
			t := TrackInfo{Kind: r[0], ClockRate: binary.BigEndian.Uint32(r[1:]), Channels: r[5]}
			if t.Kind != kindAudio && t.Kind != kindVideo {
				return bad("kind")
			}
			ml := int(r[6])
			r = r[7:]
			if len(r) < ml+2 {
				return bad("short mime")
			}
			t.MimeType = string(r[:ml])
			fl := int(binary.BigEndian.Uint16(r[ml:]))
			r = r[ml+2:]
			if len(r) < fl {
				return bad("short fmtp")
			}
			t.Fmtp, r = string(r[:fl]), r[fl:]
			m.tracks = append(m.tracks, t)
		}
		if len(r) != 0 {
			return bad("trailing bytes")
		}
	case rtcRTP:
		if len(r) < 1+12 || int(r[0]) >= maxTracks {
			return bad("length or track")
		}
		m.track, m.pkt = int(r[0]), r[1:]
	case rtcPLI:
		if len(r) != 1 || int(r[0]) >= maxTracks {
			return bad("length or track")
		}
		m.track = int(r[0])
	case rtcEnd:
		if len(r) < 1 || len(r) != 1+int(r[0]) {
			return bad("length")
		}
		m.reason = string(r[1:])
	default:
		return bad("unknown type")
	}
	return m, nil
}

// writeRTC writes frames, each after its u32 length, in one write.
func writeRTC(w io.Writer, buf []byte, frames ...[]byte) ([]byte, error) {
	buf = buf[:0]
	for _, f := range frames {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(f)))
		buf = append(buf, f...)
	}
	_, err := w.Write(buf)
	return buf, err
}

// readRTC reads one frame (u32 length, then at most maxRTCFrame bytes).
func readRTC(r io.Reader) ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(head[:])
	if n == 0 || n > maxRTCFrame {
		return nil, fmt.Errorf("%w: rtc frame of %d bytes", ErrMalformed, n)
	}
	f := make([]byte, n)
	if _, err := io.ReadFull(r, f); err != nil {
		return nil, err
	}
	return f, nil
}
