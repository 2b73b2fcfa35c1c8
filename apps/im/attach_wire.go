package im

import (
	"fmt"
	"unicode/utf8"
)

// kindAttachment is a MSG kind whose text is an attachment offer:
// size u64 | sha256[32] | type u8 | name (UTF-8, 1…255 bytes).
const kindAttachment byte = 5

// Attachment frame types.
const (
	typeChunkReq byte = 0x40
	typeChunk    byte = 0x41
)

// AttachmentType says how to show an attachment.
type AttachmentType uint8

const (
	// File is any file.
	File AttachmentType = 1
	// Voice is a voice message.
	Voice AttachmentType = 2
	// Video is a video message.
	Video AttachmentType = 3
)

func (a AttachmentType) String() string { return name(a, "unknown", "", "file", "voice", "video") }

const (
	maxAttachmentName = 255
	maxAttachmentSize = 1 << 40
	// chunkSize is the data of one CHUNK frame.
	chunkSize = 32 << 10
)

// Attachment is a file offered with a message and fetched by Download.
type Attachment struct {
	Type   AttachmentType
	Name   string
	Size   int64
	SHA256 [32]byte
	// Path is where the file is on this node: the sender's original, or
	// the recipient's verified download (empty until then).
	Path string `json:",omitempty"`
}

// wire is the layout of an offer (kindAttachment's text).
func (a *Attachment) wire(x *codec) {
	u64(x, &a.Size)
	x.fixed(a.SHA256[:])
	u8(x, &a.Type)
	rest(x, &a.Name)
}

func (a Attachment) encode() string {
	var x codec
	a.wire(&x)
	return string(x.b)
}

func decodeAttachment(s string) (Attachment, error) {
	var a Attachment
	x := codec{b: []byte(s), dec: true}
	a.wire(&x)
	if x.bad || a.Size < 0 || a.Size > maxAttachmentSize || a.Type < File || a.Type > Video ||
		a.Name == "" || len(a.Name) > maxAttachmentName || !utf8.ValidString(a.Name) {
		return Attachment{}, fmt.Errorf("%w: attachment offer of %d bytes", ErrMalformed, len(s))
	}
	return a, nil
}

// chunkReqFrame asks the sender of an attachment for Length bytes at
// Offset of the file with hash SHA256.
type chunkReqFrame struct {
	ID     MessageID
	SHA256 [32]byte
	Offset uint64
	Length uint32
}

// chunkFrame answers a chunkReqFrame; fewer bytes than asked means the
// end of the file.
type chunkFrame struct {
	ID     MessageID
	Offset uint64
	Data   []byte
}

func (f *chunkReqFrame) wire(x *codec) {
	x.head(typeChunkReq)
	x.fixed(f.ID[:])
	x.fixed(f.SHA256[:])
	u64(x, &f.Offset)
	u32(x, &f.Length)
}

func (f *chunkFrame) wire(x *codec) {
	x.head(typeChunk)
	x.fixed(f.ID[:])
	u64(x, &f.Offset)
	rest(x, &f.Data)
}

func (f *chunkReqFrame) check() error {
	return need(f.Length > 0 && f.Length <= chunkSize, "chunk length")
}
func (f *chunkFrame) check() error { return need(len(f.Data) <= chunkSize, "chunk too long") }
