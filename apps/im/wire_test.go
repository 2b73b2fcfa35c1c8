package im

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"reflect"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/nacl/box"
)

// frameHeader is the length prefix the runner frames connections with.
const frameHeader = 4

// appendFrame appends f with its length prefix, as a peer sends it.
func appendFrame(b []byte, f frame) []byte {
	inner := marshalInner(f)
	return append(binary.BigEndian.AppendUint32(b, uint32(len(inner))), inner...)
}

func seqID(start byte) (id MessageID) {
	for i := range id {
		id[i] = start + byte(i)
	}
	return id
}

// vectorFrames are the frames of doc.go's test vectors.
func vectorFrames() []frame {
	var key [32]byte
	for i := range key {
		key[i] = byte(i)
	}
	id := seqID(0x10)
	return []frame{
		&helloFrame{Version: 1, SealKey: key},
		&msgFrame{ID: id, Sent: 1_700_000_000_000_000, Kind: kindText, Text: "hi"},
		&msgFrame{ID: seqID(0x40), Sent: 1_700_000_000_000_001, Kind: kindReaction, Ref: id, Text: "+1"},
		&receiptFrame{Status: Read, IDs: []MessageID{id}},
		&errorFrame{ID: id, Code: CodeTooLarge, Reason: "big"},
		&depositFrame{To: common.HexToAddress("0x00000000000000000000000000000000000000b0"), ID: id, Blob: []byte{0xaa, 0xbb}},
		&dropFrame{Upto: 7},
		&citemFrame{Community: CommunityID{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, Seq: 1, ID: id,
			From: common.HexToAddress("0x00000000000000000000000000000000000000b0"), Sent: 2, Text: "hi"},
	}
}

// The vectors of doc.go, byte for byte.
var vectors = []string{
	"00000022" + "01" + "01" + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	"0000002c" + "02" + "101112131415161718191a1b1c1d1e1f" + "00060a24181e4000" + "01" + "00000000000000000000000000000000" + "6869",
	"0000002c" + "02" + "404142434445464748494a4b4c4d4e4f" + "00060a24181e4001" + "03" + "101112131415161718191a1b1c1d1e1f" + "2b31",
	"00000014" + "03" + "03" + "0001" + "101112131415161718191a1b1c1d1e1f",
	"00000015" + "04" + "101112131415161718191a1b1c1d1e1f" + "01" + "626967",
	"00000027" + "10" + "00000000000000000000000000000000000000b0" + "101112131415161718191a1b1c1d1e1f" + "aabb",
	"00000009" + "15" + "0000000000000007",
	"00000048" + "33" + "01010101010101010101010101010101" + "0000000000000001" +
		"101112131415161718191a1b1c1d1e1f" + "00000000000000000000000000000000000000b0" + "0000000000000002" + "00" + "6869",
}

func TestAttachmentOffer(t *testing.T) {
	a := Attachment{Type: Voice, Name: "note.ogg", Size: 12345, SHA256: [32]byte{1, 2, 3}}
	back, err := decodeAttachment(a.encode())
	if err != nil || back != a {
		t.Fatalf("round trip %+v: %+v, %v", a, back, err)
	}
	for _, bad := range []Attachment{{Type: 9, Name: "x"}, {Type: File}, {Type: File, Name: "\xff"}, {Type: File, Name: "x", Size: -1}} {
		if _, err := decodeAttachment(bad.encode()); !errors.Is(err, ErrMalformed) {
			t.Errorf("offer %+v decoded: %v", bad, err)
		}
	}
}

func TestWireVectors(t *testing.T) {
	for i, f := range vectorFrames() {
		want, err := hex.DecodeString(vectors[i])
		if err != nil {
			t.Fatal(err)
		}
		got := appendFrame(nil, f)
		if !bytes.Equal(got, want) {
			t.Errorf("%T encodes to\n%x\nwant\n%x", f, got, want)
			continue
		}
		back, err := decodeFrame(got[frameHeader:])
		if err != nil {
			t.Errorf("%T: decode: %v", f, err)
			continue
		}
		if !reflect.DeepEqual(back, f) {
			t.Errorf("round trip %#v\nwant %#v", back, f)
		}
	}
}

func TestGroupFramesRoundTrip(t *testing.T) {
	for _, f := range []frame{
		&groupFrame{Group: GroupID(seqID(1)), Epoch: 3, ID: seqID(2), Sealed: bytes.Repeat([]byte{9}, 20)},
		&groupKeyFrame{ID: seqID(3), Group: GroupID(seqID(1)), Epoch: 2, Members: []groupMember{
			{Wallet: common.Address{1}, Role: RoleOwner}, {Wallet: common.Address{2}, Role: RoleMember}}, Name: "team"},
	} {
		back, err := decodeFrame(marshalInner(f))
		if err != nil || !reflect.DeepEqual(back, f) {
			t.Errorf("round trip %#v: %#v, %v", f, back, err)
		}
	}
}

func TestDecodeRefusals(t *testing.T) {
	id := seqID(0x10)
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"unknown type", []byte{0x7f}},
		{"short hello", []byte{typeHello, 1}},
		{"short msg", append([]byte{typeMsg}, id[:]...)},
		{"bad kind", marshalInner(&msgFrame{ID: id, Kind: 9, Text: "x"})},
		{"text with ref", marshalInner(&msgFrame{ID: id, Kind: kindText, Ref: id, Text: "x"})},
		{"edit without ref", marshalInner(&msgFrame{ID: id, Kind: kindEdit, Text: "x"})},
		{"empty text", marshalInner(&msgFrame{ID: id, Kind: kindText})},
		{"not utf-8", marshalInner(&msgFrame{ID: id, Kind: kindText, Text: "\xff"})},
		{"receipt zero ids", []byte{typeReceipt, byte(Read), 0, 0}},
		{"receipt count mismatch", []byte{typeReceipt, byte(Read), 0, 2, 1}},
		{"receipt status", marshalInner(&receiptFrame{Status: Failed, IDs: []MessageID{id}})},
		{"fetch with body", []byte{typeFetch, 0}},
		{"duplicate member", marshalInner(&groupKeyFrame{Members: []groupMember{{Role: RoleOwner}, {Role: RoleMember}}})},
		{"bad role", marshalInner(&groupKeyFrame{Members: []groupMember{{Role: 9}}})},
	}
	for _, tt := range tests {
		if f, err := decodeFrame(tt.b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: decode = %#v, %v; want ErrMalformed", tt.name, f, err)
		}
	}
}

func FuzzDecodeFrame(f *testing.F) {
	for _, v := range vectors {
		b, _ := hex.DecodeString(v)
		f.Add(b[frameHeader:])
	}
	f.Add(marshalInner(&groupKeyFrame{Members: []groupMember{{Role: RoleOwner}}, Name: "g"}))
	f.Add(marshalInner(&groupFrame{Sealed: make([]byte, 16)}))
	f.Add(marshalInner(&msgFrame{ID: seqID(1), Kind: kindAttachment, Text: Attachment{Type: File, Name: "f", Size: 3}.encode()}))
	f.Add(marshalInner(&cmodFrame{Op: modJoin}))
	f.Add(marshalInner(&cpostFrame{Text: "x"}))
	f.Add(marshalInner(&cfetchFrame{After: 3}))
	f.Add(marshalInner(&chunkReqFrame{Length: 10}))
	f.Add(marshalInner(&chunkFrame{Data: []byte("abc")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := decodeFrame(b)
		if err != nil {
			return
		}
		// What decodes re-encodes to the same bytes.
		if got := marshalInner(fr); !bytes.Equal(got, b) {
			t.Fatalf("re-encoding %#v: %x, want %x", fr, got, b)
		}
	})
}

func FuzzUnseal(f *testing.F) {
	// Fixed keys, so every fuzz worker and every rerun agree.
	fixed := func(b byte) sealKeys {
		pub, priv, _ := box.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{b}, 32)))
		return sealKeys{Pub: *pub, Priv: *priv}
	}
	me, other := fixed(1), fixed(2)
	good, _ := sealFor([]byte{typeFetch}, common.Address{1}, other, &me.Pub)
	f.Add(good)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		from, key, inner, err := unseal(b, me)
		if err == nil && (from != (common.Address{1}) || key != other.Pub || !bytes.Equal(inner, []byte{typeFetch})) {
			t.Fatalf("forged blob opened: %s %x", from, inner)
		}
	})
}
