package pay

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// TestWireVectors: the test vectors of doc.go.
func TestWireVectors(t *testing.T) {
	for _, tc := range []struct {
		m   Message
		hex string
	}{
		{&Ack{Channel: common.HexToHash(strings.Repeat("11", 32)), Cumulative: big.NewInt(1000)},
			"50 01 06 00000040" + strings.Repeat("11", 32) + strings.Repeat("00", 30) + "03e8"},
		{&Error{Code: CodeWrongAmount, Message: "no"}, "50 01 0f 00000006 0003 0002 6e6f"},
		{&Response{ID: 7, Payload: []byte("hi")}, "50 01 0a 0000000e 0000000000000007 00000002 6869"},
		{&Decline{Invoice: [16]byte(bytes.Repeat([]byte{0x22}, 16)), Reason: "no"}, "50 01 0c 00000014" + strings.Repeat("22", 16) + "0002 6e6f"},
	} {
		got, err := Encode(tc.m)
		if err != nil {
			t.Fatal(err)
		}
		if want := unhex(tc.hex); !bytes.Equal(got, want) {
			t.Errorf("%T: %x, want %x", tc.m, got, want)
		}
		back, err := Decode(got)
		if err != nil || !sameMessage(back, tc.m) {
			t.Errorf("%T: decoded %+v, %v", tc.m, back, err)
		}
	}
}

// sameMessage: same type and the same encoding (which carries every
// field; amounts compare by value, not by big.Int's representation).
func sameMessage(a, b Message) bool {
	if reflect.TypeOf(a) != reflect.TypeOf(b) {
		return false
	}
	ea, err1 := Encode(a)
	eb, err2 := Encode(b)
	return err1 == nil && err2 == nil && bytes.Equal(ea, eb)
}

func sampleMessages() []Message {
	amt := new(big.Int).Lsh(big.NewInt(1), 255)
	v := &Voucher{Channel: common.Hash{9}, Cumulative: big.NewInt(5), Amount: big.NewInt(2), Sig: [65]byte{1, 2, 3}}
	return []Message{
		&Invoice{ID: [16]byte{1}, Token: common.Address{2}, Amount: amt, ValidBefore: 99, Memo: "invoice"},
		&Transfer{Invoice: [16]byte{3}, Token: common.Address{4}, Amount: big.NewInt(1), ValidBefore: 1, Memo: "m", Tx: []byte{0x02, 0xf8}},
		&Receipt{TxHash: common.Hash{5}, Block: 12, Status: 1},
		&Open{Channel: common.Hash{6}},
		v,
		&Ack{Channel: common.Hash{7}, Cumulative: big.NewInt(0)},
		&Close{Channel: common.Hash{8}, Cumulative: big.NewInt(77)},
		&CloseOK{Channel: common.Hash{8}, Cumulative: big.NewInt(77), Sig: [65]byte{27}},
		&Request{ID: 1, Voucher: v, Payload: []byte("GET /")},
		&Request{ID: 2, Payload: []byte{}},
		&Response{ID: 1, Payload: []byte("ok")},
		&Error{Code: CodeReplayed, Message: "again"},
		&Paid{Invoice: [16]byte{4}, Voucher: v},
		&Decline{Invoice: [16]byte{5}, Reason: "no"},
	}
}

// TestWireRoundTrip: every message decodes to itself, through Decode and
// through ReadMessage; truncations and trailing bytes are ErrMalformed.
func TestWireRoundTrip(t *testing.T) {
	for _, m := range sampleMessages() {
		b, err := Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(b)
		if err != nil || !sameMessage(back, m) {
			t.Fatalf("%T: %+v, %v", m, back, err)
		}
		back, err = ReadMessage(bytes.NewReader(b))
		if err != nil || !sameMessage(back, m) {
			t.Fatalf("%T read: %+v, %v", m, back, err)
		}
		for cut := 0; cut < len(b); cut++ {
			if _, err := Decode(b[:cut]); err == nil {
				t.Fatalf("%T cut at %d decoded", m, cut)
			}
		}
		long := append(append([]byte{}, b...), 0)
		long[6]++ // length covers the extra byte
		if _, err := Decode(long); err == nil {
			t.Fatalf("%T with a trailing byte decoded", m)
		}
	}
	if _, err := Decode(unhex("50 01 77 00000000")); err == nil {
		t.Fatal("unknown type decoded")
	}
	if _, err := Decode(unhex("50 02 06 00000000")); err == nil {
		t.Fatal("version 2 decoded")
	}
}

// FuzzDecode: any bytes either fail to decode or decode to a message that
// encodes back to the same frame.
func FuzzDecode(f *testing.F) {
	for _, m := range sampleMessages() {
		b, _ := Encode(m)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Encode(m)
		if err != nil {
			t.Fatalf("decoded %T does not encode: %v", m, err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("%T: %x re-encodes to %x", m, b, again)
		}
	})
}

// FuzzReadMessage: a stream of arbitrary bytes never panics the reader.
func FuzzReadMessage(f *testing.F) {
	for _, m := range sampleMessages() {
		b, _ := Encode(m)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		for {
			if _, err := ReadMessage(r); err != nil {
				return
			}
		}
	})
}
