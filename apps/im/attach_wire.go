package im

import (
	"encoding/binary"
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

func (a Attachment) encode() string {
	b := binary.BigEndian.AppendUint64(nil, uint64(a.Size))
	b = append(b, a.SHA256[:]...)
	b = append(b, byte(a.Type))
	return string(append(b, a.Name...))
}

func decodeAttachment(s string) (Attachment, error) {
	b := []byte(s)
	if len(b) < 8+32+1+1 || len(b) > 8+32+1+maxAttachmentName {
		return Attachment{}, fmt.Errorf("%w: attachment offer of %d bytes", ErrMalformed, len(b))
	}
	a := Attachment{Size: int64(binary.BigEndian.Uint64(b)), Type: AttachmentType(b[40]), Name: string(b[41:])}
	copy(a.SHA256[:], b[8:40])
	if a.Size < 0 || a.Size > maxAttachmentSize || a.Type < File || a.Type > Video || !utf8.ValidString(a.Name) {
		return Attachment{}, fmt.Errorf("%w: attachment offer", ErrMalformed)
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

func (chunkReqFrame) typ() byte { return typeChunkReq }
func (chunkFrame) typ() byte    { return typeChunk }

func (f chunkReqFrame) appendBody(b []byte) []byte {
	b = append(b, f.ID[:]...)
	b = append(b, f.SHA256[:]...)
	b = binary.BigEndian.AppendUint64(b, f.Offset)
	return binary.BigEndian.AppendUint32(b, f.Length)
}

func (f chunkFrame) appendBody(b []byte) []byte {
	b = append(b, f.ID[:]...)
	b = binary.BigEndian.AppendUint64(b, f.Offset)
	return append(b, f.Data...)
}

func decodeAttachFrame(typ byte, body []byte) (frame, error) {
	switch typ {
	case typeChunkReq:
		if len(body) != 16+32+8+4 {
			return nil, fmt.Errorf("%w: chunk request of %d bytes", ErrMalformed, len(body))
		}
		f := chunkReqFrame{Offset: binary.BigEndian.Uint64(body[48:56]), Length: binary.BigEndian.Uint32(body[56:60])}
		copy(f.ID[:], body)
		copy(f.SHA256[:], body[16:48])
		if f.Length == 0 || f.Length > chunkSize {
			return nil, fmt.Errorf("%w: chunk length %d", ErrMalformed, f.Length)
		}
		return f, nil
	case typeChunk:
		if len(body) < 24 || len(body) > 24+chunkSize {
			return nil, fmt.Errorf("%w: chunk of %d bytes", ErrMalformed, len(body))
		}
		f := chunkFrame{Offset: binary.BigEndian.Uint64(body[16:24]), Data: body[24:]}
		copy(f.ID[:], body)
		return f, nil
	}
	return nil, fmt.Errorf("%w: type 0x%02x", ErrMalformed, typ)
}
