package mail

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// receive takes a MAIL frame from w: stored and answered with RECEIPT,
// or REFUSE.
func (c *Core) receive(now time.Time, w common.Address, f frame, out *service.Effects) {
	from, _, msg, err := c.unseal(f.blob)
	if err != nil && c.keysPending() {
		return // another node's key, not learned yet: the sender tries again
	}
	if err != nil || from != w {
		c.refuse(w, f.id, CodeBadSeal, "the message does not open, or is not sealed by the connection's wallet", out)
		return
	}
	if code, reason := c.accept(now, w, f.id, msg, true, out); code != 0 {
		c.refuse(w, f.id, code, reason, out)
		return
	}
	out.To(w, (&frame{typ: typeReceipt, id: f.id}).marshal())
}

func (c *Core) refuse(w common.Address, id MessageID, code byte, reason string, out *service.Effects) {
	out.To(w, (&frame{typ: typeRefuse, id: id, code: code, reason: reason}).marshal())
}

// accept stores message id from (verified) sender w unless it has it;
// a refusal returns its code and reason.
func (c *Core) accept(now time.Time, w common.Address, id MessageID, msg []byte, limit bool, out *service.Effects) (byte, string) {
	seen := append(append([]byte("d"), w[:]...), id[:]...)
	if _, err := c.cfg.Store.Get(seen); err == nil {
		return 0, "" // a duplicate: answered again, stored once
	}
	if len(msg) > c.cfg.MaxSize {
		return CodeTooLarge, fmt.Sprintf("%d bytes, the limit is %d", len(msg), c.cfg.MaxSize)
	}
	if !c.consents(w) {
		return CodeDenied, refusesFrom
	}
	if limit && !c.take(w, now) {
		return CodeRateLimited, "too many messages from this sender; try later"
	}
	folder := Requests
	if c.allowed[w] {
		folder = Inbox
	}
	out.Put(seen, []byte{1})
	head := receivedHead(w)
	var m *Stored
	if len(msg) > ChunkSize {
		b := c.newBlob()
		out.Put(blobKey(b, 0), head)
		putChunks(b, 1, msg, out)
		c.ref(b, 1, out)
		m = c.storeBlob(now, folder, id, w, nil, b, len(head)+len(msg), out)
	} else {
		m = c.store(now, folder, id, w, nil, append(head, msg...), out)
	}
	out.Emit(Event{Kind: EventNew, Msg: m, Folder: folder})
	return 0, ""
}

// receivedHead is the header lines a received message gets first.
func receivedHead(w common.Address) []byte {
	return fmt.Appendf(nil, "Return-Path: <%s>\r\nX-Anynet-Sender: %s\r\n", WalletAddress(w), w.Hex())
}

// newBlob draws a blob id.
func (c *Core) newBlob() MessageID {
	var b MessageID
	io.ReadFull(c.cfg.Rand, b[:])
	return b
}

// storeBlob puts a message whose bytes are the blob b (the caller holds
// its reference) in folder under its next UID.
func (c *Core) storeBlob(now time.Time, folder string, id MessageID, from common.Address, flags []string, b MessageID, size int, out *service.Effects) *Stored {
	m := c.record(now, folder, id, from, flags, size, out)
	m.Blob = b.String()
	c.putStored(m, out)
	return m
}

// store puts a message in folder under its next UID; a large one in a
// blob of its own.
func (c *Core) store(now time.Time, folder string, id MessageID, from common.Address, flags []string, data []byte, out *service.Effects) *Stored {
	if len(data) > ChunkSize {
		b := c.newBlob()
		putChunks(b, 0, data, out)
		c.ref(b, 1, out)
		return c.storeBlob(now, folder, id, from, flags, b, len(data), out)
	}
	m := c.record(now, folder, id, from, flags, len(data), out)
	c.putStored(m, out)
	out.Put(msgKey("b", folder, m.UID), data)
	return m
}

// record makes a message's record under folder's next UID (not yet
// written).
func (c *Core) record(now time.Time, folder string, id MessageID, from common.Address, flags []string, size int, out *service.Effects) *Stored {
	uid := c.nextUID[folder]
	if uid == 0 {
		uid = 1
	}
	c.nextUID[folder] = uid + 1
	out.Put(append([]byte("n"), folderKey(folder)...), binary.BigEndian.AppendUint32(nil, uid+1))
	if flags == nil {
		flags = []string{}
	}
	return &Stored{Folder: folder, UID: uid, ID: id, From: from, Date: now, Flags: flags, Size: size}
}

func (c *Core) putStored(m *Stored, out *service.Effects) {
	c.syncPut(m, out)
	b, _ := json.Marshal(m)
	out.Put(msgKey("m", m.Folder, m.UID), b)
}

// folderKey is a folder's part of a key: its name and 0x00.
func folderKey(folder string) []byte { return append([]byte(folder), 0) }

// msgKey is the key of a folder's message record ("m") or bytes ("b").
func msgKey(kind, folder string, uid uint32) []byte {
	k := append([]byte(kind), folderKey(folder)...)
	return binary.BigEndian.AppendUint32(k, uid)
}

// Messages lists a folder's messages in UID order, reading st.
func Messages(st service.Store, folder string) ([]Stored, error) {
	var ms []Stored
	var err error
	st.Scan(append([]byte("m"), folderKey(folder)...), func(k, v []byte) bool {
		var m Stored
		if err = json.Unmarshal(v, &m); err != nil {
			return false
		}
		ms = append(ms, m)
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("mail: folder %s: %w", folder, err)
	}
	return ms, nil
}

// Body reads a stored message's bytes from st, whole (BodyReader
// reads a large one chunk by chunk).
func Body(st service.Store, folder string, uid uint32) ([]byte, error) {
	if b, err := st.Get(msgKey("b", folder, uid)); err == nil {
		return b, nil
	}
	r, size, err := BodyReader(st, folder, uid)
	if err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("mail: %s/%d: %w", folder, uid, err)
	}
	return buf.Bytes(), nil
}

// BodyReader reads a stored message's bytes from st, a chunk at a time,
// and says how many there are.
func BodyReader(st service.Store, folder string, uid uint32) (io.Reader, int, error) {
	v, err := st.Get(msgKey("m", folder, uid))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %s/%d", ErrNotFound, folder, uid)
	}
	var m Stored
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, 0, fmt.Errorf("mail: %s/%d: %w", folder, uid, err)
	}
	if b, ok := parseBlob(m.Blob); ok {
		return io.LimitReader(&blobReader{st: st, blob: b}, int64(m.Size)), m.Size, nil
	}
	b, err := st.Get(msgKey("b", folder, uid))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %s/%d", ErrNotFound, folder, uid)
	}
	return bytes.NewReader(b), len(b), nil
}

// stored reads one record.
func (c *Core) stored(folder string, uid uint32) (*Stored, error) {
	v, err := c.cfg.Store.Get(msgKey("m", folder, uid))
	if err != nil {
		return nil, fmt.Errorf("%w: %s/%d", ErrNotFound, folder, uid)
	}
	m := new(Stored)
	return m, json.Unmarshal(v, m)
}

func (c *Core) appendCmd(now time.Time, cmd AppendCmd, out *service.Effects) (Stored, error) {
	if !isFolder(cmd.Folder) {
		return Stored{}, fmt.Errorf("%w: folder %q", ErrNotFound, cmd.Folder)
	}
	if len(cmd.Data) > c.cfg.MaxSize {
		return Stored{}, ErrTooLarge
	}
	var id MessageID
	if _, err := c.cfg.Rand.Read(id[:]); err != nil {
		return Stored{}, fmt.Errorf("mail: message id: %w", err)
	}
	m := c.store(now, cmd.Folder, id, common.Address{}, slices.Clone(cmd.Flags), cmd.Data, out)
	out.Emit(Event{Kind: EventNew, Msg: m, Folder: cmd.Folder})
	return *m, nil
}

func (c *Core) flagsCmd(cmd FlagsCmd, out *service.Effects) error {
	for _, uid := range cmd.UIDs {
		m, err := c.stored(cmd.Folder, uid)
		if err != nil {
			continue // expunged meanwhile
		}
		switch cmd.Op {
		case "set":
			m.Flags = slices.Clone(cmd.Flags)
		case "add":
			for _, f := range cmd.Flags {
				if !slices.Contains(m.Flags, f) {
					m.Flags = append(m.Flags, f)
				}
			}
		case "remove":
			m.Flags = slices.DeleteFunc(m.Flags, func(f string) bool { return slices.Contains(cmd.Flags, f) })
		default:
			return fmt.Errorf("%w: flags op %q", ErrRefused, cmd.Op)
		}
		c.putStored(m, out)
	}
	out.Emit(Event{Kind: EventChanged, Folder: cmd.Folder})
	return nil
}

func (c *Core) copyCmd(now time.Time, cmd CopyCmd, out *service.Effects) ([]uint32, error) {
	if !isFolder(cmd.Dest) {
		return nil, fmt.Errorf("%w: folder %q", ErrNotFound, cmd.Dest)
	}
	var uids []uint32
	for _, uid := range cmd.UIDs {
		m, err := c.stored(cmd.Folder, uid)
		if err != nil {
			continue
		}
		var n *Stored
		c.syncNext(m, cmd.Move)
		if b, ok := parseBlob(m.Blob); ok {
			if !cmd.Move {
				c.ref(b, 1, out) // the copy shares the chunks
			}
			n = c.storeBlob(now, cmd.Dest, m.ID, m.From, slices.Clone(m.Flags), b, m.Size, out)
		} else {
			data, err := Body(c.cfg.Store, cmd.Folder, uid)
			if err != nil {
				continue
			}
			n = c.store(now, cmd.Dest, m.ID, m.From, slices.Clone(m.Flags), data, out)
		}
		uids = append(uids, n.UID)
		out.Emit(Event{Kind: EventNew, Msg: n, Folder: cmd.Dest})
		if cmd.Move {
			out.Del(msgKey("m", cmd.Folder, uid))
			out.Del(msgKey("b", cmd.Folder, uid))
		}
		if cmd.Folder == Requests && cmd.Dest == Inbox && m.From != (common.Address{}) {
			c.allow(m.From, out) // moving a request to INBOX allows its sender
		}
	}
	if cmd.Move {
		out.Emit(Event{Kind: EventChanged, Folder: cmd.Folder})
	}
	return uids, nil
}

func (c *Core) expungeCmd(folder string, only []uint32, out *service.Effects) ([]uint32, error) {
	ms, err := Messages(c.cfg.Store, folder)
	if err != nil {
		return nil, err
	}
	var gone []uint32
	for _, m := range ms {
		if !slices.Contains(m.Flags, `\Deleted`) || (only != nil && !slices.Contains(only, m.UID)) {
			continue
		}
		out.Del(msgKey("m", folder, m.UID))
		out.Del(msgKey("b", folder, m.UID))
		if b, ok := parseBlob(m.Blob); ok {
			c.ref(b, -1, out)
		}
		c.syncGone(&m, out)
		gone = append(gone, m.UID)
	}
	if len(gone) > 0 {
		out.Emit(Event{Kind: EventChanged, Folder: folder})
	}
	return gone, nil
}

// notice leaves a delivery status notification (RFC 3464) about o in
// INBOX: action "delayed" or "failed". A bounce returns the message
// (message/rfc822), or only its header (text/rfc822-headers) when it
// is larger than ChunkSize: nothing the user sent is lost with it.
func (c *Core) notice(now time.Time, o *Outgoing, action, why string, out *service.Effects) {
	var orig []byte
	whole := false
	if action == "failed" {
		orig, whole = c.returned(o)
	}
	data := dsn(now, c.self, o, action, why, orig, whole)
	m := c.store(now, Inbox, o.ID, common.Address{}, nil, data, out)
	out.Emit(Event{Kind: EventNew, Msg: m, Folder: Inbox})
}

// returned is what a bounce carries of o: its bytes (whole) or, for a
// large message, its header; nil if they cannot be read.
func (c *Core) returned(o *Outgoing) (b []byte, whole bool) {
	if o.Parts == 0 {
		data, err := c.whole(o)
		if err != nil {
			return nil, false
		}
		return data, true
	}
	first, err := c.part(o, 0)
	if err != nil {
		return nil, false
	}
	return headerOf(first), false
}

// headerOf is the header section of a message's first bytes (up to the
// empty line, or all of them).
func headerOf(b []byte) []byte {
	if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
		return b[:i+2]
	}
	if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
		return b[:i+1]
	}
	return b
}

// dsn builds a delivery status notification; orig, if not nil, is the
// message (whole) or its header, returned as its third part.
func dsn(now time.Time, self common.Address, o *Outgoing, action, why string, orig []byte, whole bool) []byte {
	status, subject := "4.4.7", "Delivery delayed"
	if action == "failed" {
		status, subject = "5.4.7", "Undelivered mail returned to sender"
	}
	boundary := "dsn-" + o.ID.String()
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Mail Delivery System <mailer-daemon@%s>\r\n", Domain)
	fmt.Fprintf(&b, "To: <%s>\r\n", WalletAddress(self))
	fmt.Fprintf(&b, "Subject: %s: message %s to %s\r\n", subject, o.ID, WalletAddress(o.To))
	fmt.Fprintf(&b, "Date: %s\r\n", now.UTC().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s.%s@%s>\r\n", action, o.ID, Domain)
	b.WriteString("MIME-Version: 1.0\r\n")
	fmt.Fprintf(&b, "Content-Type: multipart/report; report-type=delivery-status; boundary=%q\r\n\r\n", boundary)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", boundary)
	fmt.Fprintf(&b, "Your message %s to %s, submitted %s, is %s: %s.\r\n", o.ID, WalletAddress(o.To), o.Submitted.UTC().Format(time.RFC1123Z), action, why)
	switch {
	case orig != nil && whole:
		b.WriteString("It is attached whole.\r\n")
	case orig != nil:
		fmt.Fprintf(&b, "It was %d bytes; its header is attached.\r\n", o.Size)
	}
	b.WriteString("\r\n")
	fmt.Fprintf(&b, "--%s\r\nContent-Type: message/delivery-status\r\n\r\n", boundary)
	fmt.Fprintf(&b, "Reporting-MTA: x-anynet; %s\r\n\r\n", self.Hex())
	fmt.Fprintf(&b, "Final-Recipient: rfc822; %s\r\nAction: %s\r\nStatus: %s\r\nDiagnostic-Code: x-anynet; %s\r\n\r\n", WalletAddress(o.To), action, status, why)
	if orig != nil {
		kind := "text/rfc822-headers"
		if whole {
			kind = "message/rfc822"
		}
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s\r\n\r\n", boundary, kind)
		b.Write(orig)
		if !bytes.HasSuffix(orig, []byte("\n")) {
			b.WriteString("\r\n")
		}
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes()
}

// bucket is one sender's token bucket.
type bucket struct {
	tokens float64
	last   time.Time
}

// take takes one token from w's bucket if it has one.
func (c *Core) take(w common.Address, now time.Time) bool {
	if c.cfg.RateLimit < 0 {
		return true
	}
	b := c.buckets[w]
	if b == nil {
		if len(c.buckets) >= 10000 {
			clear(c.buckets) // forget everyone rather than grow without bound
		}
		b = &bucket{tokens: float64(c.cfg.RateBurst), last: now}
		c.buckets[w] = b
	}
	b.tokens = min(float64(c.cfg.RateBurst), b.tokens+now.Sub(b.last).Seconds()*c.cfg.RateLimit)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
