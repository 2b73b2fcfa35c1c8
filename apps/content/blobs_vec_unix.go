//go:build darwin || linux || openbsd

package content

import (
	"fmt"
	"io"

	"golang.org/x/sys/unix"
)

// maxIovecs bounds the pieces of one pwritev (IOV_MAX is 1024).
const maxIovecs = 1024

// writeVec writes a verified range from the pieces of its slice
// (vecWriter) with pwritev: the bytes go from the frame to the file
// with no copy through a buffer.
func (d *DirBlobs) writeVec(id ID, parts [][]byte, off int64) error {
	f, err := d.part(id, false)
	if err != nil {
		return fmt.Errorf("content: write blob: %w", err)
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return fmt.Errorf("content: write blob: %w", err)
	}
	for len(parts) > 0 {
		batch := parts[:min(len(parts), maxIovecs)]
		var n int
		var werr error
		if err := rc.Write(func(fd uintptr) bool {
			n, werr = unix.Pwritev(int(fd), batch, off)
			return true
		}); err != nil {
			return fmt.Errorf("content: write blob: %w", err)
		}
		if werr == unix.EINTR {
			continue
		}
		if werr != nil {
			return fmt.Errorf("content: write blob: %w", werr)
		}
		if n == 0 {
			return fmt.Errorf("content: write blob: %w", io.ErrShortWrite)
		}
		off += int64(n)
		for n > 0 { // past what was written (a short write resumes mid-piece)
			if n >= len(parts[0]) {
				n -= len(parts[0])
				parts = parts[1:]
			} else {
				parts[0], n = parts[0][n:], 0
			}
		}
	}
	return nil
}
