package mail

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// vectorSync are the sync frames of doc.go's vectors, in order.
func vectorSync() []syncFrame {
	obj := syncObj{G: hexID{0x01}, From: common.Address{19: 0xa0}, ID: hexID(vid), Date: time.Unix(1_800_000_000, 0).UTC(), Size: 2,
		Folder: folderReg{V: Inbox, stamp: stamp{T: 3, R: hexID(vid)}},
		Flags:  map[string]flagReg{`\Seen`: {V: true, stamp: stamp{T: 4, R: hexID(vid)}}}}
	return []syncFrame{
		{typ: typeSyncPull, replica: vid, since: 7},
		{typ: typeSyncChanges, replica: vid, from: 7, to: 9, recs: []syncRec{{obj: obj, body: []byte("ab")}, {obj: syncObj{G: hexID{0x02}, Gone: true}}}},
		{typ: typeSyncNote, replica: vid, to: 9},
		{typ: typeSyncGet, g: vid, index: 1},
		{typ: typeSyncBody, g: vid, index: 1, parts: 3, data: []byte{0xcd}},
	}
}

var zeroKeys = strings.Repeat("00", 96)

// syncVectors are doc.go's vectors, byte for byte ({keys} is 96 zero
// bytes, {rec} and {gone} the JSON records, whose hex follows).
var syncVectors = []string{
	"30 101112131415161718191a1b1c1d1e1f 0000000000000007 {keys}",
	"31 101112131415161718191a1b1c1d1e1f 0000000000000007 0000000000000009 00 {keys} 00000002 {reclen} {rec} 00000002 6162 {gonelen} {gone} ffffffff",
	"32 101112131415161718191a1b1c1d1e1f 0000000000000009",
	"33 101112131415161718191a1b1c1d1e1f 00000001",
	"34 101112131415161718191a1b1c1d1e1f 00000001 00000003 cd",
}

const (
	vectorRec  = `{"g":"01000000000000000000000000000000","from":"0x00000000000000000000000000000000000000a0","id":"101112131415161718191a1b1c1d1e1f","date":"2027-01-15T08:00:00Z","size":2,"folder":{"v":"INBOX","t":3,"r":"101112131415161718191a1b1c1d1e1f"},"flags":{"\\Seen":{"v":true,"t":4,"r":"101112131415161718191a1b1c1d1e1f"}}}`
	vectorGone = `{"g":"02000000000000000000000000000000","id":"00000000000000000000000000000000","date":"0001-01-01T00:00:00Z","size":0,"folder":{"v":"","t":0,"r":"00000000000000000000000000000000"},"gone":true}`
)

func syncVector(i int) []byte {
	s := syncVectors[i]
	lenHex := func(x string) string { return hex.EncodeToString([]byte{0, 0, byte(len(x) >> 8), byte(len(x))}) }
	s = strings.NewReplacer("{keys}", zeroKeys, "{reclen}", lenHex(vectorRec), "{rec}", hex.EncodeToString([]byte(vectorRec)),
		"{gonelen}", lenHex(vectorGone), "{gone}", hex.EncodeToString([]byte(vectorGone)), " ", "").Replace(s)
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestSyncWireVectors(t *testing.T) {
	for i, f := range vectorSync() {
		got := f.marshal()
		want := syncVector(i)
		if !bytes.Equal(got, want) {
			t.Fatalf("vector %d:\n got %x\nwant %x\n(%q)", i, got, want, got)
		}
		back, err := parseSyncFrame(got)
		if err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		if again := back.marshal(); !bytes.Equal(again, got) {
			t.Fatalf("vector %d does not round-trip:\n%x\n%x", i, again, got)
		}
	}
}

func TestSyncWireRefuses(t *testing.T) {
	ch := syncVector(1)
	for name, b := range map[string][]byte{
		"empty":              {},
		"short pull":         syncVector(0)[:20],
		"long note":          append(syncVector(2), 0),
		"cut changes":        ch[:len(ch)-1],
		"trailing":           append(bytes.Clone(ch), 0),
		"bad more":           func() []byte { b := bytes.Clone(ch); b[33] = 2; return b }(),
		"from after to":      func() []byte { b := bytes.Clone(ch); b[24] = 0xff; return b }(),
		"unknown":            {0x35},
		"body past end":      func() []byte { b := syncVector(4); b[20] = 3; return b }(),
		"nothing, with data": func() []byte { b := syncVector(4); b[24] = 0; return b }(),
	} {
		if _, err := parseSyncFrame(b); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

func FuzzParseSyncFrame(f *testing.F) {
	for i := range syncVectors {
		f.Add(syncVector(i))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := parseSyncFrame(b)
		if err != nil {
			return
		}
		if _, err := parseSyncFrame(fr.marshal()); err != nil {
			t.Fatalf("a parsed frame does not parse again: %v", err)
		}
	})
}
