package im

// Attachments. SendFile hashes a file (SHA-256), remembers that the
// recipient may fetch it, and sends a MSG of kind attachment carrying
// the offer (type, name, size, hash); the file itself stays on the
// sender's node. Download pulls it from the sender in CHUNKs of 32 KiB
// over a connection of its own, eight requests in flight, appending to
// a ".part" file, so an interrupted download resumes where it stopped;
// at the end the whole file must hash to the offer's SHA-256 or it is
// discarded (ErrIntegrity).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// downloadWindow is how many chunk requests a download keeps in flight.
const downloadWindow = 8

// SendFile offers the file at path to a wallet or name. The file must
// stay at path until the recipient has downloaded it.
func (s *Service) SendFile(ctx context.Context, to string, path string, typ AttachmentType) (Message, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Message{}, err
	}
	defer done()
	if typ < File || typ > Video {
		typ = File
	}
	a, err := hashFile(path)
	if err != nil {
		return Message{}, err
	}
	a.Type = typ
	w, err := s.resolve(ctx, to)
	if err != nil {
		return Message{}, err
	}
	if w == s.self {
		return Message{}, ErrSelf
	}
	m := Message{ID: newMessageID(), From: s.self, To: w, Sent: s.nextSent(), Received: time.Now(), Attachment: &a}
	s.st.mu.Lock()
	meta, err := s.st.meta(w)
	if err == nil {
		if meta.Consent == Unknown || meta.Consent == Denied {
			meta.Consent = Allowed
		}
		err = s.st.db.Set(key([]byte("a"), a.SHA256[:], w[:]), []byte(a.Path), nil)
	}
	if err == nil {
		err = s.st.putMessage(&m, w, &meta)
	}
	s.st.mu.Unlock()
	if err != nil {
		return m, err
	}
	st, derr := s.deliver(ctx, w, m.ID, msgFrame{ID: m.ID, Sent: m.Sent.UnixMicro(), Kind: kindAttachment, Text: a.encode()})
	return s.settle(m.ID, st, derr)
}

func hashFile(path string) (Attachment, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Attachment{}, err
	}
	f, err := os.Open(abs)
	if err != nil {
		return Attachment{}, fmt.Errorf("im: attachment: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Attachment{}, fmt.Errorf("im: attachment: %w", err)
	}
	if n > maxAttachmentSize {
		return Attachment{}, fmt.Errorf("%w: attachment of %d bytes", ErrTooLarge, n)
	}
	name := filepath.Base(abs)
	for len(name) > maxAttachmentName {
		_, size := lastRune(name)
		name = name[:len(name)-size]
	}
	a := Attachment{Name: name, Size: n, Path: abs}
	copy(a.SHA256[:], h.Sum(nil))
	return a, nil
}

func lastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return rune(s[i]), len(s) - i
		}
	}
	return 0, 1
}

// serveChunk answers a chunk request from a wallet the file was offered to.
func (s *Service) serveChunk(pc *peerConn, f chunkReqFrame) {
	path, err := s.st.get(key([]byte("a"), f.SHA256[:], pc.peer[:]))
	if err != nil {
		pc.write(errorFrame{ID: f.ID, Code: CodeRefused, Reason: "no such attachment offered to you"})
		return
	}
	file, err := os.Open(string(path))
	if err != nil {
		pc.write(errorFrame{ID: f.ID, Code: CodeRefused, Reason: "attachment no longer available"})
		return
	}
	defer file.Close()
	buf := make([]byte, f.Length)
	n, err := file.ReadAt(buf, int64(f.Offset))
	if err != nil && !errors.Is(err, io.EOF) {
		pc.write(errorFrame{ID: f.ID, Code: CodeRefused, Reason: "read error"})
		return
	}
	pc.write(chunkFrame{ID: f.ID, Offset: f.Offset, Data: buf[:n]})
}

// attachDir is where downloads go.
func (s *Service) attachDir() (string, error) {
	dir := s.cfg.AttachmentDir
	if dir == "" && s.cfg.Dir != "" {
		dir = filepath.Join(s.cfg.Dir, "attachments")
	}
	if dir == "" {
		return "", errors.New("im: no AttachmentDir (and no Dir) to download into")
	}
	return dir, os.MkdirAll(dir, 0o700)
}

// Download fetches the attachment of a received message from its
// sender, resuming a partial download, and returns the path of the
// verified file. progress, if not nil, is called after each chunk with
// the bytes held and the total.
func (s *Service) Download(ctx context.Context, id MessageID, progress func(have, total int64)) (string, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return "", err
	}
	defer done()
	m, _, err := s.st.message(id)
	if err != nil {
		return "", fmt.Errorf("message %s: %w", id, err)
	}
	if m.Attachment == nil || m.From == s.self {
		return "", fmt.Errorf("message %s: no attachment to download: %w", id, ErrNotFound)
	}
	a := *m.Attachment
	if a.Path != "" {
		return a.Path, nil
	}
	dir, err := s.attachDir()
	if err != nil {
		return "", err
	}
	final := filepath.Join(dir, hex.EncodeToString(a.SHA256[:8])+"-"+safeName(a.Name))
	part := final + ".part"
	if err := s.pull(ctx, m.From, a, part, progress); err != nil {
		return "", err
	}
	if err := verifyFile(part, a.SHA256); err != nil {
		os.Remove(part)
		return "", err
	}
	if err := os.Rename(part, final); err != nil {
		return "", fmt.Errorf("im: download: %w", err)
	}
	if _, err := s.applyLocal(m.From, id, func(m *Message) error {
		m.Attachment.Path = final
		return nil
	}); err != nil {
		return final, err
	}
	return final, nil
}

// pull appends the missing bytes of a to the file part.
func (s *Service) pull(ctx context.Context, from common.Address, a Attachment, part string, progress func(have, total int64)) error {
	f, err := os.OpenFile(part, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("im: download: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	have := min(st.Size(), a.Size)
	if progress != nil {
		progress(have, a.Size)
	}
	if have == a.Size {
		return nil
	}
	sc, err := s.dialSync(ctx, from.Hex())
	if err != nil {
		return err
	}
	defer sc.c.Close()
	next, inflight := have, 0
	for have < a.Size {
		for inflight < downloadWindow && next < a.Size {
			n := min(int64(chunkSize), a.Size-next)
			if err := sc.send(chunkReqFrame{ID: newMessageID(), SHA256: a.SHA256, Offset: uint64(next), Length: uint32(n)}); err != nil {
				return err
			}
			next += n
			inflight++
		}
		fr, err := sc.next()
		if err != nil {
			return err
		}
		switch fr := fr.(type) {
		case errorFrame:
			return &RemoteError{Code: fr.Code, Reason: fr.Reason}
		case chunkFrame:
			want := min(int64(chunkSize), a.Size-have)
			if int64(fr.Offset) != have || int64(len(fr.Data)) != want {
				return fmt.Errorf("%w: chunk at %d of %d bytes, want %d at %d", ErrIntegrity, fr.Offset, len(fr.Data), want, have)
			}
			if _, err := f.WriteAt(fr.Data, have); err != nil {
				return fmt.Errorf("im: download: %w", err)
			}
			have += want
			inflight--
			if progress != nil {
				progress(have, a.Size)
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return f.Sync()
}

func verifyFile(path string, want [32]byte) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	var got [32]byte
	copy(got[:], h.Sum(nil))
	if got != want {
		return fmt.Errorf("%w: SHA-256 %x, offer says %x", ErrIntegrity, got[:8], want[:8])
	}
	return nil
}

// safeName keeps a received file name from leaving the download dir.
func safeName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r < 0x20 {
			return '_'
		}
		return r
	}, name)
	if name == "." || name == ".." || name == "" {
		name = "file"
	}
	return name
}
