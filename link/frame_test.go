package link

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func seqLocator() *Locator {
	var l Locator
	for i := range l {
		l[i] = byte(i + 1)
	}
	return &l
}

// TestFrameVectors checks the vectors in doc.go.
func TestFrameVectors(t *testing.T) {
	tests := []struct {
		name    string
		h       Header
		payload []byte
		want    string
	}{
		{"direct", Header{Type: FrameTransport, HopLimit: 32}, []byte{4}, "1020000004"},
		{"dst locator", Header{Type: FrameTransport, HopLimit: 32, Dst: seqLocator()}, nil,
			"10200100" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"},
		{"both locators", Header{Type: FrameControl, HopLimit: 1, Dst: seqLocator(), Src: &Locator{}}, []byte{9, 9},
			"11010300" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" + "0000000000000000000000000000000000000000000000000000000000000000" + "0909"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := append(AppendHeader(nil, &tt.h), tt.payload...)
			if hex.EncodeToString(got) != tt.want {
				t.Fatalf("encode = %x, want %s", got, tt.want)
			}
			if len(got)-len(tt.payload) != tt.h.Len() {
				t.Fatalf("Len = %d, encoded %d", tt.h.Len(), len(got)-len(tt.payload))
			}
			var h Header
			payload, err := ParseHeader(got, &h)
			if err != nil {
				t.Fatal(err)
			}
			if h.Type != tt.h.Type || h.HopLimit != tt.h.HopLimit || !bytes.Equal(payload, tt.payload) ||
				(h.Dst == nil) != (tt.h.Dst == nil) || (h.Src == nil) != (tt.h.Src == nil) ||
				(h.Dst != nil && *h.Dst != *tt.h.Dst) || (h.Src != nil && *h.Src != *tt.h.Src) {
				t.Fatalf("parse = %+v %x, want %+v %x", h, payload, tt.h, tt.payload)
			}
		})
	}
}

func TestPutHeaderMatchesAppend(t *testing.T) {
	b := make([]byte, 4)
	putHeader(b, FrameTransport, DefaultHopLimit)
	want := AppendHeader(nil, &Header{Type: FrameTransport, HopLimit: DefaultHopLimit})
	if !bytes.Equal(b, want) {
		t.Fatalf("putHeader %x, AppendHeader %x", b, want)
	}
}

func TestParseHeaderErrors(t *testing.T) {
	tests := []struct {
		name  string
		frame string
		want  error
	}{
		{"empty", "", ErrShortFrame},
		{"three bytes", "102000", ErrShortFrame},
		{"version 2", "20200000", ErrFrameVersion},
		{"version 0", "00200000", ErrFrameVersion},
		{"unknown flag", "10200400", ErrMalformedFrame},
		{"reserved set", "10200001", ErrMalformedFrame},
		{"truncated dst", "10200100" + "0102", ErrShortFrame},
		{"truncated src", "10200300" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" + "01", ErrShortFrame},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := hex.DecodeString(tt.frame)
			var h Header
			if _, err := ParseHeader(b, &h); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzParseHeader(f *testing.F) {
	f.Add([]byte{0x10, 0x20, 0, 0, 4})
	f.Add(append([]byte{0x10, 0x20, 3, 0}, make([]byte, 64)...))
	f.Fuzz(func(t *testing.T, frame []byte) {
		var h Header
		payload, err := ParseHeader(frame, &h)
		if err != nil {
			return
		}
		// A parsed header re-encodes to the bytes it came from.
		again := append(AppendHeader(nil, &h), payload...)
		if !bytes.Equal(again, frame) {
			t.Fatalf("round trip %x → %x", frame, again)
		}
	})
}
