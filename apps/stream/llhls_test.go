package stream

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/content"
)

// TestPlaylistPartsVector: with parts the flags byte has bit 2 and a u8
// Parts follows it (doc.go); 0x02 then 0x04 below.
func TestPlaylistPartsVector(t *testing.T) {
	s := vectorSigner(t)
	p := &Playlist{Key: Key{s.Address(), "cam"}, Target: time.Second, Parts: 4,
		Segments: []Segment{{Seq: 7, Duration: 250 * time.Millisecond, Size: 3, Captured: time.UnixMilli(1700000000000), ID: content.Sum([]byte("abc"))}}}
	b, err := p.Sign(s.SignText)
	if err != nil {
		t.Fatal(err)
	}
	want := "414e5331" + "1a642f0e3c3af545e7acbd38b07251b3990914f1" + "03" + "63616d" + "000003e8" + "02" + "04" + "01" +
		"0000000000000007" + "000000fa" + "00000003" + "0000018bcfe56800" +
		"6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
	if got := hex.EncodeToString(b[:len(b)-65]); got != want {
		t.Fatalf("body\n got %s\nwant %s", got, want)
	}
	q, err := DecodePlaylist(b)
	if err != nil || q.Parts != 4 || q.PartTarget() != 250*time.Millisecond {
		t.Fatalf("decoded %+v, %v", q, err)
	}
	if msn, part := q.MSN(7); msn != 1 || part != 2 {
		t.Fatalf("seq 7 is part %d of segment %d; want part 2 of segment 1", part, msn)
	}
	// Parts below 2 are not encoded with the flag.
	c := bytes.Clone(b)
	c[4+20+1+3+4+1] = 1
	if _, err := parsePlaylist(c); !errors.Is(err, ErrMalformed) {
		t.Fatalf("parts 1 with the flag: %v", err)
	}
}

// partsView is a stream of 4 parts a segment, parts 1..n listed and
// held from held on.
func partsView(n, held uint64, ended bool) PlaylistView {
	pl := &Playlist{Key: Key{Name: "cam"}, Target: time.Second, Parts: 4, Ended: ended}
	v := PlaylistView{Playlist: pl}
	for q := uint64(1); q <= n; q++ {
		pl.Segments = append(pl.Segments, Segment{Seq: q, Duration: 250 * time.Millisecond})
		if q >= held {
			v.Held = append(v.Held, q)
		}
	}
	return v
}

func TestRenderLL(t *testing.T) {
	// Parts 3..18 held: from segment 1 (parts 5..8) on; segments 1 to 3
	// whole, segment 4 has parts 17 and 18.
	got := string(RenderM3U8(partsView(18, 3, false)))
	want := `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:1
#EXT-X-PART-INF:PART-TARGET=0.250
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.750
#EXT-X-MEDIA-SEQUENCE:1
#EXTINF:1.000,
s1.ts
#EXT-X-PART:DURATION=0.250,URI="9.ts",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.250,URI="10.ts",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.250,URI="11.ts",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.250,URI="12.ts",INDEPENDENT=YES
#EXTINF:1.000,
s2.ts
#EXT-X-PART:DURATION=0.250,URI="13.ts",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.250,URI="14.ts",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.250,URI="15.ts",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.250,URI="16.ts",INDEPENDENT=YES
#EXTINF:1.000,
s3.ts
#EXT-X-PART:DURATION=0.250,URI="17.ts",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.250,URI="18.ts",INDEPENDENT=YES
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="19.ts"
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// Ended: the short last segment is whole, no hint.
	got = string(RenderM3U8(partsView(18, 1, true)))
	if !strings.HasSuffix(got, "#EXTINF:0.500,\ns4.ts\n#EXT-X-ENDLIST\n") || strings.Contains(got, "PRELOAD-HINT") {
		t.Fatalf("ended:\n%s", got)
	}
}

func TestBlockFor(t *testing.T) {
	pl := partsView(18, 1, false).Playlist
	for _, c := range []struct {
		q    string
		want uint64
		err  bool
	}{
		{"", 0, false},
		{"_HLS_msn=4&_HLS_part=2", 19, false},
		{"_HLS_msn=4", 20, false},
		{"_HLS_msn=4&_HLS_part=4", 0, true},
		{"_HLS_part=1", 0, true},
		{"_HLS_msn=x", 0, true},
	} {
		q, _ := url.ParseQuery(c.q)
		got, err := blockFor(q, pl)
		if got != c.want || (err != nil) != c.err {
			t.Errorf("%s: %d, %v; want %d, error %v", c.q, got, err, c.want, c.err)
		}
	}
	q, _ := url.ParseQuery("_HLS_msn=5")
	if got, err := blockFor(q, &Playlist{Target: time.Second}); got != 5 || err != nil {
		t.Errorf("without parts: %d, %v", got, err)
	}
}
