package im

// Attachments on this node's disk (the protocol is core_attach.go's).
// SendFile hashes the file it offers, which stays where it is. Download
// appends to a ".part" file, so an interrupted download resumes where it
// stopped; at the end the whole file must hash to the offer's SHA-256 or
// it is discarded (ErrIntegrity).

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// osFiles is the core's Files on this node: an offered file is read
// where it is, a download written into the partial file Download put in
// parts for it. The core calls it on the runner's goroutine.
type osFiles struct {
	parts sync.Map // MessageID → *partFile
}

// partFile is a download's partial file.
type partFile struct {
	*os.File
	size     int64
	progress func(have, total int64)
}

func (*osFiles) ReadAt(path string, p []byte, off int64) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return f.ReadAt(p, off)
}

func (fs *osFiles) WriteAt(msg MessageID, p []byte, off int64) error {
	v, ok := fs.parts.Load(msg)
	if !ok {
		return errors.New("download given up")
	}
	f := v.(*partFile)
	if _, err := f.WriteAt(p, off); err != nil {
		return err
	}
	if f.progress != nil {
		f.progress(off+int64(len(p)), f.size)
	}
	return nil
}

// hashFile is the offer of the file at path, but for its Type.
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
	if len(name) > maxAttachmentName { // cut, then drop a split rune
		name = strings.ToValidUTF8(name[:maxAttachmentName], "")
	}
	return Attachment{Name: name, Size: n, Path: abs, SHA256: [32]byte(h.Sum(nil))}, nil
}

func verifyFile(path string, want [32]byte) error {
	got, err := hashFile(path)
	if err != nil {
		return err
	}
	if got.SHA256 != want {
		return fmt.Errorf("%w: SHA-256 %x, offer says %x", ErrIntegrity, got.SHA256[:8], want[:8])
	}
	return nil
}

// safeName keeps a received file name from leaving the download dir.
func safeName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 {
			return '_'
		}
		return r
	}, name)
	if name == "." || name == ".." || name == "" {
		name = "file"
	}
	return name
}
