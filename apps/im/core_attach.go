package im

// Attachments' control flow. A send offers a file (type, name, size,
// SHA-256) in a MSG of kind attachment and remembers that the recipient
// may fetch it; the file stays on the sender's node. The recipient's
// core asks the sender for CHUNKs of 32 KiB, eight requests in flight,
// from the offset its partial file holds, and checks each chunk's place
// and size; it ends each download with a Note (NoteDownload). The bytes
// themselves go through Files, which the driver injects as it does the
// Store: a local, synchronous interface (os files in Service, memory in
// the simulator), so the core does no I/O of its own.

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Files holds attachments' bytes for a Core (CoreConfig.Files).
type Files interface {
	// ReadAt reads the bytes at off of the offered file at path, as
	// io.ReaderAt does.
	ReadAt(path string, p []byte, off int64) (int, error)
	// WriteAt writes the bytes at off of received message msg's
	// download; an error ends the download.
	WriteAt(msg MessageID, p []byte, off int64) error
}

// downloadWindow is how many chunk requests a download keeps in flight.
const downloadWindow = 8

// download is one attachment being fetched from its sender.
type download struct {
	msg      MessageID
	from     common.Address
	a        Attachment
	req      MessageID // the ID of its chunk requests
	next     int64     // the next offset asked for
	have     int64
	inflight int
}

// The attachment commands Service gives its core.
type (
	// SendFileCmd offers a file (Attachment, its Path on this node)
	// to To, as SendCmd sends a text; its Result is the Message.
	SendFileCmd struct {
		To         common.Address
		ID         MessageID
		Attachment Attachment
	}
	// DownloadCmd fetches the attachment of received message Msg from
	// its sender, from offset Have (what its partial file holds): its
	// bytes go to Files.WriteAt, its end is a Note (NoteDownload; Err
	// if it failed).
	DownloadCmd struct {
		Msg  MessageID
		Have int64
	}
	cancelDownload struct{ msg MessageID }
	setPathCmd     struct {
		msg  MessageID
		path string
	}
)

func (c *Core) attachCommand(now time.Time, cmd any, out *service.Effects) bool {
	switch cmd := cmd.(type) {
	case SendFileCmd:
		if cmd.To == c.self {
			out.Err = ErrSelf
			return true
		}
		out.Put(skey("a", cmd.Attachment.SHA256[:], cmd.To[:]), []byte(cmd.Attachment.Path))
		out.Result, out.Err = c.send(now, cmd.To, cmd.ID, "", &cmd.Attachment, out)
	case DownloadCmd:
		m := c.msgs[cmd.Msg]
		if m == nil || m.Attachment == nil || m.From == c.self {
			out.Err = fmt.Errorf("message %s: no attachment to download: %w", cmd.Msg, ErrNotFound)
			return true
		}
		d := &download{msg: m.ID, from: m.From, a: *m.Attachment, req: c.newID(), next: cmd.Have, have: cmd.Have}
		out.Emit(Note{Key: NoteKey{Kind: NoteDownload, Peer: d.from, ID: d.msg}, Start: true})
		if d.have >= d.a.Size {
			out.Emit(Note{Key: NoteKey{Kind: NoteDownload, Peer: d.from, ID: d.msg}})
			return true
		}
		c.dls[d.req] = d
		c.askChunks(d, out)
	case cancelDownload:
		maps.DeleteFunc(c.dls, func(_ MessageID, d *download) bool { return d.msg == cmd.msg })
	case setPathCmd:
		if m := c.msgs[cmd.msg]; m != nil && m.Attachment != nil {
			m.Attachment.Path = cmd.path
			c.putMsg(m, out)
		}
	default:
		return false
	}
	return true
}

func (c *Core) askChunks(d *download, out *service.Effects) {
	for ; d.inflight < downloadWindow && d.next < d.a.Size; d.inflight++ {
		n := min(int64(chunkSize), d.a.Size-d.next)
		out.To(d.from, marshalInner(&chunkReqFrame{ID: d.req, SHA256: d.a.SHA256, Offset: uint64(d.next), Length: uint32(n)}))
		d.next += n
	}
}

// attachFrame serves a chunk request, or applies a chunk.
func (c *Core) attachFrame(now time.Time, w common.Address, f frame, out *service.Effects) {
	switch f := f.(type) {
	case *chunkReqFrame:
		path, err := c.cfg.Store.Get(skey("a", f.SHA256[:], w[:]))
		if err != nil {
			out.To(w, marshalInner(&errorFrame{ID: f.ID, Code: CodeRefused, Reason: "no such attachment offered to you"}))
			return
		}
		buf := make([]byte, min(f.Length, chunkSize))
		n, err := c.cfg.Files.ReadAt(string(path), buf, int64(f.Offset))
		if err != nil && !errors.Is(err, io.EOF) {
			out.To(w, marshalInner(&errorFrame{ID: f.ID, Code: CodeRefused, Reason: "attachment no longer available"}))
			return
		}
		out.To(w, marshalInner(&chunkFrame{ID: f.ID, Offset: f.Offset, Data: buf[:n]}))
	case *chunkFrame:
		d := c.dls[f.ID]
		if d == nil || d.from != w {
			return
		}
		want := min(int64(chunkSize), d.a.Size-d.have)
		if int64(f.Offset) != d.have || int64(len(f.Data)) != want {
			c.dlEnd(d, fmt.Errorf("%w: chunk at %d of %d bytes, want %d at %d", ErrIntegrity, f.Offset, len(f.Data), want, d.have), out)
			return
		}
		if err := c.cfg.Files.WriteAt(d.msg, f.Data, d.have); err != nil {
			c.dlEnd(d, fmt.Errorf("im: download: %w", err), out)
			return
		}
		d.have += want
		d.inflight--
		if d.have == d.a.Size {
			c.dlEnd(d, nil, out)
			return
		}
		c.askChunks(d, out)
	}
}

func (c *Core) dlEnd(d *download, err error, out *service.Effects) {
	delete(c.dls, d.req)
	out.Emit(Note{Key: NoteKey{Kind: NoteDownload, Peer: d.from, ID: d.msg}, Err: err})
}

// dlRefused: the sender refused a chunk request.
func (c *Core) dlRefused(w common.Address, id MessageID, err error, out *service.Effects) bool {
	d := c.dls[id]
	if d == nil || d.from != w {
		return false
	}
	c.dlEnd(d, err, out)
	return true
}

// dlLost fails the downloads from w: its connection ended.
func (c *Core) dlLost(w common.Address, out *service.Effects) {
	for _, req := range slices.SortedFunc(maps.Keys(c.dls), cmpID) {
		if d := c.dls[req]; d.from == w {
			c.dlEnd(d, fmt.Errorf("%w: %s: connection lost", ErrUnreachable, w), out)
		}
	}
}
