package mail

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

var vid = MessageID{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f}

// vectorFrames are the frames of doc.go's test vectors, in order.
func vectorFrames() []frame {
	return []frame{
		{typ: typeMail, id: vid, blob: []byte("ab")},
		{typ: typeReceipt, id: vid},
		{typ: typeRefuse, id: vid, code: CodeTooLarge, reason: "big"},
		{typ: typeDeposit, to: common.Address{19: 0xb0}, id: vid, blob: []byte{0xcd}},
		{typ: typeHeld, id: vid},
		{typ: typeFetch},
		{typ: typeItem, seq: 7, by: common.Address{19: 0xa0}, id: vid, blob: []byte{0xcd}},
		{typ: typeEnd, more: true},
		{typ: typeDrop, seq: 7},
		{typ: typeExpired, id: vid},
		{typ: typeMailX, id: vid, n: 2, blob: []byte("ab")},
		{typ: typePart, id: vid, n: 1, blob: []byte{0xcd}},
		{typ: typeGot, id: vid, n: 2},
		{typ: typeDepositX, to: common.Address{19: 0xb0}, id: vid, n: 2, size: 300000, blob: []byte("ab")},
		{typ: typeDPart, id: vid, n: 1, blob: []byte{0xcd}},
		{typ: typeItemX, seq: 7, by: common.Address{19: 0xa0}, id: vid, n: 2, size: 300000, blob: []byte("ab")},
		{typ: typePull, seq: 7, n: 1},
		{typ: typeIPart, seq: 7, n: 1, blob: []byte{0xcd}},
	}
}

// The vectors of doc.go, byte for byte (the frame without its length).
var vectors = []string{
	"01 101112131415161718191a1b1c1d1e1f 6162",
	"02 101112131415161718191a1b1c1d1e1f",
	"03 101112131415161718191a1b1c1d1e1f 01 626967",
	"10 00000000000000000000000000000000000000b0 101112131415161718191a1b1c1d1e1f cd",
	"11 101112131415161718191a1b1c1d1e1f",
	"12",
	"13 0000000000000007 00000000000000000000000000000000000000a0 101112131415161718191a1b1c1d1e1f cd",
	"14 01",
	"15 0000000000000007",
	"16 101112131415161718191a1b1c1d1e1f",
	"07 101112131415161718191a1b1c1d1e1f 00000002 6162",
	"08 101112131415161718191a1b1c1d1e1f 00000001 cd",
	"09 101112131415161718191a1b1c1d1e1f 00000002",
	"17 00000000000000000000000000000000000000b0 101112131415161718191a1b1c1d1e1f 00000002 00000000000493e0 6162",
	"18 101112131415161718191a1b1c1d1e1f 00000001 cd",
	"19 0000000000000007 00000000000000000000000000000000000000a0 101112131415161718191a1b1c1d1e1f 00000002 00000000000493e0 6162",
	"1a 0000000000000007 00000001",
	"1b 0000000000000007 00000001 cd",
}

func TestVectors(t *testing.T) {
	for i, f := range vectorFrames() {
		want, _ := hex.DecodeString(strings.ReplaceAll(vectors[i], " ", ""))
		got := f.marshal()
		if !bytes.Equal(got, want) {
			t.Errorf("vector %d: %x, want %x", i, got, want)
		}
		back, err := parseFrame(want)
		if err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		if !bytes.Equal(back.marshal(), want) {
			t.Errorf("vector %d does not round-trip: %+v", i, back)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, h := range []string{"", "ff", "01 1011", "02 10", "03 101112131415161718191a1b1c1d1e1f 00", "12 00", "14 02", "15 00",
		"17 00000000000000000000000000000000000000b0 101112131415161718191a1b1c1d1e1f 00000001 00000000000493e0 6162", // one part
		"18 101112131415161718191a1b1c1d1e1f 00000001", "1a 0000000000000007 0000000100", "1b 0000000000000007 00000001"} {
		b, _ := hex.DecodeString(strings.ReplaceAll(h, " ", ""))
		if _, err := parseFrame(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v, want ErrMalformed", h, err)
		}
	}
}

// FuzzParseFrame: no bytes from a peer panic the decoder, and what it
// takes encodes back to the same bytes.
func FuzzParseFrame(f *testing.F) {
	for _, v := range vectors {
		b, _ := hex.DecodeString(strings.ReplaceAll(v, " ", ""))
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := parseFrame(b)
		if err != nil {
			return
		}
		if got := fr.marshal(); !bytes.Equal(got, b) {
			t.Fatalf("%x decodes to %+v, which encodes to %x", b, fr, got)
		}
	})
}

// FuzzCoreFrame: no frame from a peer panics a core.
func FuzzCoreFrame(f *testing.F) {
	for _, v := range vectors {
		b, _ := hex.DecodeString(strings.ReplaceAll(v, " ", ""))
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n := newFakeNet(&testing.T{})
		a := n.add(1, CoreConfig{Mailbox: true})
		n.handle(a, frameInput(common.Address{19: 9}, b))
	})
}

func TestParseAddress(t *testing.T) {
	for in, want := range map[string]string{
		"bob@anynet":        "bob",
		"Bob <BOB@Anynet>":  "bob",
		"bob.anynet@anynet": "bob.anynet",
		"alice.eth@anynet":  "alice.eth",
		"0x00000000000000000000000000000000000000b0@anynet": "0x00000000000000000000000000000000000000B0",
	} {
		if got, err := ParseAddress(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"bob@example.com", "bob", "0x12@anynet", "@anynet"} {
		if _, err := ParseAddress(in); !errors.Is(err, ErrBadAddress) {
			t.Errorf("%q: %v, want ErrBadAddress", in, err)
		}
	}
}

// FuzzCoreFrames: no two frames in a row from a peer panic a mailbox
// core (a deposit's head then a part, a pull after anything).
func FuzzCoreFrames(f *testing.F) {
	for i := range vectors {
		a, _ := hex.DecodeString(strings.ReplaceAll(vectors[i], " ", ""))
		b, _ := hex.DecodeString(strings.ReplaceAll(vectors[(i+1)%len(vectors)], " ", ""))
		f.Add(a, b)
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		n := newFakeNet(&testing.T{})
		nd := n.add(1, CoreConfig{Mailbox: true})
		n.handle(nd, frameInput(common.Address{19: 9}, a))
		n.handle(nd, frameInput(common.Address{19: 9}, b))
		n.handle(nd, frameInput(common.Address{19: 9}, (&frame{typ: typePull, seq: 1}).marshal()))
	})
}
