package transport

import (
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flynn/noise"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// vector is one named message of the deterministic scenario.
type vector struct {
	name string
	msg  []byte
}

// scenario runs fixed nodes (fixed keys, Rand and clock) through an IK
// handshake with data, an XX handshake and a cookie reply, and returns
// every message on the wire, and a stale hint.
func scenario(t *testing.T) []vector {
	t.Helper()
	clock := newClock()
	a, b, c := newNode(t, clock, 1, nil), newNode(t, clock, 2, nil), newNode(t, clock, 3, nil)
	var vs []vector
	add := func(name string, msg []byte) { vs = append(vs, vector{name, msg}) }
	recv := func(n, from *testNode, msg []byte) Result {
		res, err := n.s.Receive(nil, msg, from.addr)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	raw, _ := a.s.binding.MarshalBinary()
	add("binding a", raw)

	p := a.peerIK(b)
	init, err := a.s.Initiate(p)
	if err != nil {
		t.Fatal(err)
	}
	add("IK initiation a→b", init)
	resp := recv(b, a, init).Replies[0]
	add("IK response b→a", resp)
	keep := recv(a, b, resp).Replies[0]
	add("keepalive a→b", keep)
	recv(b, a, keep)
	data, err := a.s.Seal(nil, p, []byte("hello, anynet"))
	if err != nil {
		t.Fatal(err)
	}
	add("data a→b", data)
	recv(b, a, data)

	q := c.peerXX(b)
	x1, err := c.s.Initiate(q)
	if err != nil {
		t.Fatal(err)
	}
	add("XX initiation c→b", x1)
	x2 := recv(b, c, x1).Replies[0]
	add("XX response b→c", x2)
	x3 := recv(c, b, x2).Replies[0]
	add("XX finish c→b", x3)
	recv(b, c, x3)

	b.s.cookies.threshold = 0 // every initiation is now under load
	init2, err := a.s.Initiate(p)
	if err != nil {
		t.Fatal(err)
	}
	add("cookie reply b→a", recv(b, a, init2).Replies[0])
	add("stale hint b→a", b.s.StaleHint(data))
	return vs
}

func formatVectors(vs []vector) string {
	var sb strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&sb, "%s (%d bytes):\n%s\n", v.name, len(v.msg), hex.EncodeToString(v.msg))
	}
	return sb.String()
}

func TestGoldenVectors(t *testing.T) {
	got := formatVectors(scenario(t))
	if again := formatVectors(scenario(t)); again != got {
		t.Fatal("the same seeds gave different bytes")
	}
	path := filepath.Join("testdata", "vectors.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Fatalf("wire bytes changed; if intended, run go test -update and update doc.go\ngot:\n%s", got)
	}
}

// docVectors are the vectors printed in doc.go, computed independently
// of a handshake.
func docVectors(t *testing.T) map[string]string {
	t.Helper()
	b := mustSign(t, NewKeySigner(testWallet(t, 1)), testNodeKey(t, 1).Public, testChain, epoch.Add(24*60*60e9))
	raw, _ := b.MarshalBinary()
	var key [32]byte
	for i := range key {
		key[i] = byte(i)
	}
	c := noise.CipherChaChaPoly.Cipher(key)
	data := appendData(nil, c, 0x04030201, 7, []byte("hello"))
	return map[string]string{
		"text":    string(b.Text()),
		"binding": hex.EncodeToString(raw),
		"data":    hex.EncodeToString(data),
	}
}

// The vectors in doc.go match the code.
func TestDocVectors(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	// Strip the comment markers so multi-line vectors compare whole.
	var sb strings.Builder
	for _, line := range strings.Split(string(doc), "\n") {
		line = strings.TrimPrefix(line, "//")
		sb.WriteString(strings.TrimSpace(line))
		sb.WriteString("\n")
	}
	flat := strings.ReplaceAll(sb.String(), "\n", "")
	for name, v := range docVectors(t) {
		if name == "text" {
			for _, line := range strings.Split(v, "\n") {
				if !strings.Contains(sb.String(), line+"\n") {
					t.Errorf("doc.go lacks binding text line %q", line)
				}
			}
			continue
		}
		if !strings.Contains(flat, v) {
			t.Errorf("doc.go lacks the %s vector:\n%s", name, v)
		}
	}
}
