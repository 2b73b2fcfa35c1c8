package stream

import (
	"bytes"
	"encoding/hex"
	"errors"
	"slices"
	"testing"

	"github.com/pion/rtp"
)

// TestRTCVectors checks doc.go's RTC frame vectors.
func TestRTCVectors(t *testing.T) {
	k := Key{Owner: vectorSigner(t).Address(), Name: "cam"}
	h264 := TrackInfo{Kind: kindVideo, MimeType: "video/H264", ClockRate: 90000, Fmtp: "packetization-mode=1"}
	opus := TrackInfo{Kind: kindAudio, MimeType: "audio/opus", ClockRate: 48000, Channels: 2}
	pkt, _ := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: 1, Timestamp: 2, SSRC: 3}, Payload: []byte{0xaa}}).Marshal()
	for _, c := range []struct {
		name  string
		frame []byte
		want  string
	}{
		{"want", encWant(k), "01" + "1a642f0e3c3af545e7acbd38b07251b3990914f1" + "03" + "63616d"},
		{"tracks", encTracks([]TrackInfo{h264, opus}), "02" + "02" +
			"02" + "00015f90" + "00" + "0a" + hex.EncodeToString([]byte("video/H264")) + "0014" + hex.EncodeToString([]byte("packetization-mode=1")) +
			"01" + "0000bb80" + "02" + "0a" + hex.EncodeToString([]byte("audio/opus")) + "0000"},
		{"rtp", encRTP(1, pkt), "03" + "01" + "8060000100000002" + "00000003" + "aa"},
		{"pli", encPLI(0), "0400"},
		{"end", encEnd("gone"), "0504" + hex.EncodeToString([]byte("gone"))},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := hex.EncodeToString(c.frame); got != c.want {
				t.Fatalf("\n got %s\nwant %s", got, c.want)
			}
			m, err := decodeRTC(c.frame)
			if err != nil {
				t.Fatal(err)
			}
			switch m.typ {
			case rtcWant:
				if m.key != k {
					t.Fatalf("key %v", m.key)
				}
			case rtcTracks:
				if !slices.Equal(m.tracks, []TrackInfo{h264, opus}) {
					t.Fatalf("tracks %+v", m.tracks)
				}
			case rtcRTP:
				if m.track != 1 || !bytes.Equal(m.pkt, pkt) {
					t.Fatalf("track %d packet %x", m.track, m.pkt)
				}
			case rtcEnd:
				if m.reason != "gone" {
					t.Fatalf("reason %q", m.reason)
				}
			}
		})
	}
}

func TestRTCMalformed(t *testing.T) {
	k := Key{Owner: vectorSigner(t).Address(), Name: "cam"}
	for _, b := range [][]byte{
		nil,
		{9},
		encWant(k)[:20],
		append(encWant(k), 0),
		append(encWant(Key{Owner: k.Owner, Name: "c"})[:21], 1, 'C'), // a bad name
		{rtcTracks, maxTracks + 1},
		{rtcTracks, 1, 3, 0, 0, 0, 0, 0, 0}, // a bad kind
		append(encTracks([]TrackInfo{{Kind: kindAudio, MimeType: "a"}}), 0),
		{rtcRTP, 0, 0x80},
		encRTP(maxTracks, make([]byte, 12)),
		{rtcPLI},
		{rtcEnd, 3, 'a'},
	} {
		if _, err := decodeRTC(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%x: %v, want ErrMalformed", b, err)
		}
	}
}

// TestIngestRTPStripsExtensions: a WHIP session's header extensions
// do not travel on.
func TestIngestRTPStripsExtensions(t *testing.T) {
	p := &rtp.Packet{Header: rtp.Header{Version: 2, Marker: true, PayloadType: 102, SequenceNumber: 7, Timestamp: 9, SSRC: 5}, Payload: []byte{1, 2, 3}}
	if err := p.SetExtension(3, []byte{0xff, 0xfe}); err != nil {
		t.Fatal(err)
	}
	raw, _ := p.Marshal()
	f, err := ingestRTP(2, raw)
	if err != nil {
		t.Fatal(err)
	}
	m, err := decodeRTC(f)
	if err != nil {
		t.Fatal(err)
	}
	var q rtp.Packet
	if err := q.Unmarshal(m.pkt); err != nil {
		t.Fatal(err)
	}
	if m.track != 2 || q.Extension || q.SequenceNumber != 7 || q.Timestamp != 9 || !q.Marker || !bytes.Equal(q.Payload, p.Payload) {
		t.Fatalf("track %d packet %+v", m.track, q)
	}
	if _, err := ingestRTP(0, raw[:5]); !errors.Is(err, ErrMalformed) {
		t.Fatalf("a short packet: %v", err)
	}
}

func FuzzDecodeRTC(f *testing.F) {
	k := Key{Name: "cam"}
	f.Add(encWant(k))
	f.Add(encTracks([]TrackInfo{{Kind: kindVideo, MimeType: "video/H264", ClockRate: 90000, Fmtp: "x"}}))
	f.Add(encRTP(0, make([]byte, 12)))
	f.Add(encPLI(1))
	f.Add(encEnd("x"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeRTC(b)
		if err != nil {
			return
		}
		// What decodes encodes back to the same bytes.
		var again []byte
		switch m.typ {
		case rtcWant:
			again = encWant(m.key)
		case rtcTracks:
			again = encTracks(m.tracks)
		case rtcRTP:
			again = encRTP(m.track, m.pkt)
		case rtcPLI:
			again = encPLI(m.track)
		case rtcEnd:
			again = encEnd(m.reason)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("%x decoded to %+v, encodes to %x", b, m, again)
		}
	})
}

func FuzzIngestRTP(f *testing.F) {
	raw, _ := (&rtp.Packet{Header: rtp.Header{Version: 2, SSRC: 1}, Payload: []byte{1}}).Marshal()
	f.Add(raw)
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := ingestRTP(0, b)
		if err != nil {
			return
		}
		if _, err := decodeRTC(fr); err != nil && len(fr) >= 14 {
			t.Fatalf("ingestRTP made an undecodable frame %x: %v", fr, err)
		}
	})
}

// TestSourceRemap: an upstream that announces the tracks in another
// order (a publisher that came back) is mapped to the viewers' tracks.
func TestSourceRemap(t *testing.T) {
	video := TrackInfo{Kind: kindVideo, MimeType: "video/H264", ClockRate: 90000}
	audio := TrackInfo{Kind: kindAudio, MimeType: "audio/opus", ClockRate: 48000, Channels: 2}
	s := newSource(Key{Name: "cam"}, false)
	s.setTracks([]TrackInfo{video, audio})
	if m := s.remap([]TrackInfo{video, audio}); m[0] != 0 || m[1] != 1 || m[2] != -1 {
		t.Fatalf("same order: %v", m)
	}
	if m := s.remap([]TrackInfo{audio, video}); m[0] != 1 || m[1] != 0 {
		t.Fatalf("swapped: %v", m)
	}
	vp8 := TrackInfo{Kind: kindVideo, MimeType: "video/VP8", ClockRate: 90000}
	if m := s.remap([]TrackInfo{vp8, audio}); m[0] != -1 || m[1] != 1 {
		t.Fatalf("another codec: %v", m)
	}
}
