package im

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/nacl/box"
)

// The exported encoders give doc.go's vectors, and ParseFrame reads them
// back from a stream that arrives in pieces.
func TestExportedCodecVectors(t *testing.T) {
	var key [32]byte
	for i := range key {
		key[i] = byte(i)
	}
	id := seqID(0x10)
	var stream []byte
	stream = AppendHello(stream, key)
	stream = AppendTextMsg(stream, id, 1_700_000_000_000_000, "hi")
	stream = AppendReceipt(stream, Read, []MessageID{id})
	stream = AppendError(stream, id, CodeTooLarge, "big")
	if got, want := hex.EncodeToString(stream), vectors[0]+vectors[1]+vectors[3]+vectors[4]; got != want {
		t.Fatalf("stream\n%s\nwant\n%s", got, want)
	}
	var got []WireFrame
	buf := stream[:0:0]
	for _, c := range stream { // one byte at a time
		buf = append(buf, c)
		for {
			f, n, err := ParseFrame(buf, 1<<10)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			got = append(got, f)
			buf = buf[n:]
		}
	}
	if len(got) != 4 || len(buf) != 0 {
		t.Fatalf("parsed %d frames, %d bytes left", len(got), len(buf))
	}
	if f := got[0]; f.Type != FrameHello || f.Version != ProtocolVersion || f.SealKey != key {
		t.Errorf("hello %+v", f)
	}
	if f := got[1]; f.Type != FrameMsg || f.ID != id || f.Sent != 1_700_000_000_000_000 || f.Text != "hi" || f.Kind != kindText {
		t.Errorf("msg %+v", f)
	}
	if f := got[2]; f.Type != FrameReceipt || f.Status != Read || len(f.IDs) != 1 || f.IDs[0] != id {
		t.Errorf("receipt %+v", f)
	}
	if f := got[3]; f.Type != FrameError || f.ID != id || f.Code != CodeTooLarge || f.Reason != "big" {
		t.Errorf("error %+v", f)
	}
}

// The mailbox frames give doc.go's vectors, and a sealed MSG opens to
// what was sealed, proving its sender's key; the same random stream
// seals to the same blob.
func TestExportedMailbox(t *testing.T) {
	id := seqID(0x10)
	to := common.HexToAddress("0x00000000000000000000000000000000000000b0")
	if got := hex.EncodeToString(AppendDeposit(nil, to, id, []byte{0xaa, 0xbb})); got != vectors[5] {
		t.Errorf("deposit %s", got)
	}
	if got := hex.EncodeToString(AppendDrop(nil, 7)); got != vectors[6] {
		t.Errorf("drop %s", got)
	}
	for _, b := range [][]byte{AppendStored(nil, id), AppendFetch(nil), AppendItem(nil, 3, []byte{1}), AppendEnd(nil)} {
		if _, n, err := ParseFrame(b, 100); n != len(b) || err != nil {
			t.Errorf("%x: %d, %v", b, n, err)
		}
	}
	keys := func(b byte) (pub, priv *[32]byte) {
		pub, priv, _ = box.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{b}, 32)))
		return pub, priv
	}
	spub, spriv := keys(1)
	rpub, rpriv := keys(2)
	from := common.Address{7}
	rnd := func() io.Reader { return bytes.NewReader(bytes.Repeat([]byte{3}, 64)) }
	blob, err := SealTextMsg(rnd(), id, 5, "hi", from, spub, spriv, rpub)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := SealTextMsg(rnd(), id, 5, "hi", from, spub, spriv, rpub)
	if !bytes.Equal(blob, again) {
		t.Error("one random stream, two blobs")
	}
	who, key, f, err := OpenSealed(blob, rpub, rpriv)
	if err != nil || who != from || key != *spub || f.Type != FrameMsg || f.ID != id || f.Sent != 5 || f.Text != "hi" {
		t.Fatalf("opened %s %x %+v, %v", who, key, f, err)
	}
	if _, _, _, err := OpenSealed(blob, spub, spriv); !errors.Is(err, ErrBadSeal) {
		t.Errorf("opened with the wrong key: %v", err)
	}
}

func TestParseFrameRefusals(t *testing.T) {
	big := AppendTextMsg(nil, seqID(1), 1, "hello world")
	if _, _, err := ParseFrame(big, 10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversize: %v", err)
	}
	if _, _, err := ParseFrame([]byte{0, 0, 0, 0}, 10); !errors.Is(err, ErrMalformed) {
		t.Errorf("zero length: %v", err)
	}
	if _, _, err := ParseFrame([]byte{0, 0, 0, 1, 0x7f}, 10); !errors.Is(err, ErrMalformed) {
		t.Errorf("unknown type: %v", err)
	}
}

// FuzzParseFrame: no input makes ParseFrame panic or read past its
// frame, and a frame it returns re-encodes to the bytes it took.
func FuzzParseFrame(f *testing.F) {
	for _, v := range vectors {
		b, _ := hex.DecodeString(v)
		f.Add(b)
	}
	f.Add(AppendReceipt(nil, Delivered, []MessageID{seqID(1), seqID(2)}))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, n, err := ParseFrame(b, 1<<12)
		if err != nil || n == 0 {
			return
		}
		if n > len(b) {
			t.Fatalf("took %d of %d bytes", n, len(b))
		}
		var again []byte
		switch fr.Type {
		case FrameHello:
			if fr.Version != ProtocolVersion {
				return
			}
			again = AppendHello(nil, fr.SealKey)
		case FrameMsg:
			if fr.Kind != kindText {
				return
			}
			again = AppendTextMsg(nil, fr.ID, fr.Sent, fr.Text)
		case FrameReceipt:
			again = AppendReceipt(nil, fr.Status, fr.IDs)
		case FrameError:
			again = AppendError(nil, fr.ID, fr.Code, fr.Reason)
		case FrameDeposit:
			again = AppendDeposit(nil, fr.To, fr.ID, fr.Blob)
		case FrameStored:
			again = AppendStored(nil, fr.ID)
		case FrameFetch:
			again = AppendFetch(nil)
		case FrameItem:
			again = AppendItem(nil, fr.Seq, fr.Blob)
		case FrameEnd:
			again = AppendEnd(nil)
		case FrameDrop:
			again = AppendDrop(nil, fr.Seq)
		default:
			return
		}
		if !bytes.Equal(again, b[:n]) {
			t.Fatalf("re-encoding %+v: %x, want %x", fr, again, b[:n])
		}
	})
}
