package stream_test

import (
	"fmt"
	"time"

	"github.com/anynet/anynet/apps/content"
	"github.com/anynet/anynet/apps/stream"
	"github.com/ethereum/go-ethereum/common"
)

// A playlist as the gateway renders it for players: the newest run of
// segments this node holds, named by sequence number.
func ExampleRenderM3U8() {
	pl := &stream.Playlist{Key: stream.Key{Owner: common.Address{1}, Name: "cam"}, Target: time.Second}
	for seq := uint64(7); seq <= 9; seq++ {
		data := []byte(fmt.Sprint("segment ", seq))
		pl.Segments = append(pl.Segments, stream.Segment{Seq: seq, Duration: time.Second, Size: uint32(len(data)), ID: content.Sum(data)})
	}
	fmt.Printf("%s", stream.RenderM3U8(stream.PlaylistView{Playlist: pl, Held: []uint64{8, 9}}))
	// Output:
	// #EXTM3U
	// #EXT-X-VERSION:3
	// #EXT-X-TARGETDURATION:1
	// #EXT-X-MEDIA-SEQUENCE:8
	// #EXTINF:1.000,
	// 8.ts
	// #EXTINF:1.000,
	// 9.ts
}
