package content_test

import (
	"fmt"

	"github.com/anynet/anynet/apps/content"
)

// ExampleSum names a blob by its BLAKE3 hash, what b3sum prints, and
// gives the same ID as a CIDv1 (raw codec, BLAKE3 multihash) for IPFS
// tools.
func ExampleSum() {
	id := content.Sum([]byte("abc"))
	fmt.Println(id)
	fmt.Println(id.CID())
	back, err := content.ParseID(id.CID())
	fmt.Println(back == id, err)
	// Output:
	// 6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85
	// bafkr4ideg6z2yocgkez77nr3outtvdnvjdcvqrs5phnqh7jvtrwnlpm5qu
	// true <nil>
}

// ExampleParseLink reads the links `anynet share` prints: a name (or a
// 0x… wallet), the share, and a file inside a shared collection; or a
// blob's ID at the host that serves it.
func ExampleParseLink() {
	for _, s := range []string{"alice.anynet/photos", "alice.anynet/photos/2024/beach.jpg",
		content.Sum([]byte("abc")).String() + "@alice.anynet", "alice.anynet/photos/../etc"} {
		l, err := content.ParseLink(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Printf("host %s share %q path %q\n", l.Host, l.Name, l.Path)
	}
	// Output:
	// host alice.anynet share "photos" path ""
	// host alice.anynet share "photos" path "2024/beach.jpg"
	// host alice.anynet share "" path ""
	// error: content: bad link: "alice.anynet/photos/../etc"
}

// ExampleEncodeCollection makes a directory tree a blob: its entries,
// sorted by path, each naming a file's ID, so two equal files are one
// blob and the collection's own ID names the whole tree.
func ExampleEncodeCollection() {
	readme, photo := []byte("hello"), []byte("jpeg bytes")
	files := []content.FileEntry{
		{Path: "sub/copy.jpg", ID: content.Sum(photo), Size: int64(len(photo))},
		{Path: "README", ID: content.Sum(readme), Size: int64(len(readme))},
		{Path: "photo.jpg", ID: content.Sum(photo), Size: int64(len(photo))},
	}
	blob, err := content.EncodeCollection(files)
	if err != nil {
		fmt.Println(err)
		return
	}
	back, err := content.DecodeCollection(blob)
	if err != nil {
		fmt.Println(err)
		return
	}
	blobs := map[content.ID]bool{}
	for _, f := range back {
		blobs[f.ID] = true
		fmt.Println(f.Path, f.Size)
	}
	fmt.Println(len(back), "files,", len(blobs), "blobs")
	// Output:
	// README 5
	// photo.jpg 10
	// sub/copy.jpg 10
	// 3 files, 2 blobs
}
