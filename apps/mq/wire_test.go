package mq

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"testing"
	"time"
)

// TestFrameVectors: the core's frames against bytes computed by hand
// (Python, from the format in wire.go), both ways.
func TestFrameVectors(t *testing.T) {
	for _, v := range []struct {
		f   Frame
		hex string
	}{
		{Frame{Kind: FramePub, Req: 7, Subject: "jobs.a", ID: "a", Data: []byte("hi")}, "0107066a6f62732e610161026869"},
		{Frame{Kind: FramePubAck, Req: 7, Stream: "JOBS", Seq: 300, Dup: true}, "020700044a4f4253ac0201"},
		{Frame{Kind: FrameMsgs, Req: 9, Msgs: []Delivery{{Seq: 3, Deliveries: 2, Subject: "jobs.a", ID: "a", Data: []byte("hi")}}}, "040900010302066a6f62732e610161026869"},
		{Frame{Kind: FrameSettle, Stream: "JOBS", Consumer: "work", Seq: 3, How: Nak, Delay: 1500 * time.Millisecond}, "05044a4f425304776f726b0302dc0b"},
	} {
		b := AppendFrame(nil, v.f)
		if hex.EncodeToString(b) != v.hex {
			t.Errorf("%+v: %x, want %s", v.f, b, v.hex)
		}
		f, err := DecodeFrame(b)
		if err != nil || !reflect.DeepEqual(f, v.f) {
			t.Errorf("decode %s: %+v %v", v.hex, f, err)
		}
	}
	for _, bad := range []string{"", "09", "0107", "010706", "0107066a6f62732e61016102686900", "03010000", "050000000400", "020700044a4f4253ac0202"} {
		b, _ := hex.DecodeString(bad)
		if _, err := DecodeFrame(b); !errors.Is(err, ErrFrame) {
			t.Errorf("decode %q: %v, want ErrFrame", bad, err)
		}
	}
}

// FuzzDecodeFrame: any bytes decode or fail with ErrFrame, and what
// decodes encodes back to the same bytes.
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range []string{"0107066a6f62732e610161026869", "020700044a4f4253ac0201", "040900010302066a6f62732e610161026869", "05044a4f425304776f726b0302dc0b", "03010004574f524b0120"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := DecodeFrame(b)
		if err != nil {
			if !errors.Is(err, ErrFrame) {
				t.Fatalf("%v is not ErrFrame", err)
			}
			return
		}
		if fr.Kind == FrameMsgs && fr.Msgs == nil { // nil and empty encode alike
			fr.Msgs = []Delivery{}
		}
		if out := AppendFrame(nil, fr); !bytes.Equal(out, b) {
			t.Fatalf("%x decodes to %+v, encodes to %x", b, fr, out)
		}
	})
}
