package runner

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestReadFrame: frames in, a long one skipped with its head kept (or
// refused without skip), a zero length refused, a cut frame an error.
func TestReadFrame(t *testing.T) {
	long := bytes.Repeat([]byte{7}, 100)
	for _, tc := range []struct {
		name   string
		in     []byte
		skip   bool
		frames []string // "" for a skipped frame
		end    error    // what follows the frames
	}{
		{"two frames", []byte("\x00\x00\x00\x02hi\x00\x00\x00\x01!"), false, []string{"hi", "!"}, io.EOF},
		{"long skipped", append(append([]byte{0, 0, 0, 100}, long...), "\x00\x00\x00\x01!"...), true, []string{"", "!"}, io.EOF},
		{"long refused", append([]byte{0, 0, 0, 100}, long...), false, nil, errFrameSize},
		{"zero length", []byte{0, 0, 0, 0}, true, nil, errFrameSize},
		{"over the skip limit", binary.BigEndian.AppendUint32(nil, discardLimit+1), true, nil, errFrameSize},
		{"cut", []byte("\x00\x00\x00\x05hi"), false, nil, io.ErrUnexpectedEOF},
		{"cut head", []byte{0, 0}, false, nil, io.ErrUnexpectedEOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rd := bytes.NewReader(tc.in)
			for _, want := range tc.frames {
				f, err := readFrame(rd, 64, tc.skip, nil)
				if err != nil {
					t.Fatal(err)
				}
				if want == "" {
					if f.frame != nil || f.size != 100 || !bytes.Equal(f.head, long[:40]) {
						t.Fatalf("skipped frame: %+v", f)
					}
					continue
				}
				if string(f.frame) != want {
					t.Fatalf("frame %q, want %q", f.frame, want)
				}
			}
			if _, err := readFrame(rd, 64, tc.skip, nil); !errors.Is(err, tc.end) {
				t.Fatalf("after the frames: %v, want %v", err, tc.end)
			}
		})
	}
}

// FuzzReadFrame: whatever a peer sends, readFrame returns exactly the
// frames its length prefixes delimit (checked against a plain decode),
// each within the limit, and stops at the first bad length or short
// read.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte("\x00\x00\x00\x02hi\x00\x00\x00\x01!"), uint16(64), false)
	f.Add(append([]byte{0, 0, 0, 100}, bytes.Repeat([]byte{7}, 100)...), uint16(64), true)
	f.Add([]byte{0, 0, 0, 0}, uint16(1), true)
	f.Fuzz(func(t *testing.T, in []byte, maxFrame uint16, skip bool) {
		limit := int(maxFrame)
		rd := bytes.NewReader(in)
		rest := in
		for {
			got, err := readFrame(rd, limit, skip, &Frames{})
			if len(rest) < 4 {
				if err == nil {
					t.Fatalf("a frame from %d bytes", len(rest))
				}
				return
			}
			n := int(binary.BigEndian.Uint32(rest))
			body := rest[4:]
			switch {
			case n > limit && n <= discardLimit && skip:
				if n > len(body) {
					if err == nil {
						t.Fatal("a cut frame skipped without error")
					}
					return
				}
				if err != nil || got.frame != nil || got.size != n || !bytes.Equal(got.head, body[:min(n, 40)]) {
					t.Fatalf("skip of %d: %+v, %v", n, got, err)
				}
			case n == 0 || n > limit:
				if !errors.Is(err, errFrameSize) {
					t.Fatalf("length %d (limit %d): %v", n, limit, err)
				}
				return
			case n > len(body):
				if err == nil {
					t.Fatal("a cut frame without error")
				}
				return
			default:
				if err != nil || !bytes.Equal(got.frame, body[:n]) {
					t.Fatalf("frame of %d: %x, %v", n, got.frame, err)
				}
			}
			rest = body[n:]
		}
	})
}

// TestWriteLoop: small frames go out gathered in one write; a large
// frame from Frames goes with its length in one write, from where it
// lies; a large foreign one after its length (and what came before),
// from where it lies; the bytes on the wire are the frames, each after
// its length.
func TestWriteLoop(t *testing.T) {
	fr := &Frames{}
	r := &Runner{cfg: Config{Frames: fr}}
	nc := &writes{}
	c := newConn(nc, [20]byte{})
	pooled, foreign := fr.Get(MinPooled+1), bytes.Repeat([]byte{9}, MinPooled)
	for i := range pooled {
		pooled[i] = byte(i)
	}
	var wire []byte
	for _, f := range [][]byte{[]byte("a"), []byte("bc"), pooled, []byte("d"), foreign} {
		c.Send(f) // all queued before the writer starts: one batch
		wire = append(binary.BigEndian.AppendUint32(wire, uint32(len(f))), f...)
	}
	r.wg.Add(1)
	go c.writeLoop(r)
	for len(nc.bytes()) < len(wire) {
		time.Sleep(time.Millisecond)
	}
	c.Close()
	r.wg.Wait()
	if !bytes.Equal(nc.bytes(), wire) {
		t.Fatal("the bytes written are not the frames after their lengths")
	}
	var sizes []int
	for _, w := range nc.calls {
		sizes = append(sizes, len(w.b))
	}
	// a and bc gathered; pooled with its length; d and foreign's length; foreign.
	if want := []int{4 + 1 + 4 + 2, 4 + MinPooled + 1, 4 + 1 + 4, MinPooled}; !slices.Equal(sizes, want) {
		t.Fatalf("writes of %v bytes, want %v", sizes, want)
	}
	if nc.calls[1].last != &pooled[len(pooled)-1] || nc.calls[3].last != &foreign[len(foreign)-1] {
		t.Fatal("a large frame was copied before it was written")
	}
}

// writes is a net.Conn that records each Write: a copy of its bytes,
// and where its last byte was.
type writes struct {
	net.Conn
	mu    sync.Mutex
	calls []write
}

type write struct {
	b    []byte
	last *byte
}

func (w *writes) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, write{bytes.Clone(b), &b[len(b)-1]})
	return len(b), nil
}

func (w *writes) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	var all []byte
	for _, c := range w.calls {
		all = append(all, c.b...)
	}
	return all
}

func (w *writes) Close() error { return nil }
