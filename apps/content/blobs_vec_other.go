//go:build !(darwin || linux || openbsd)

package content

// writeVec writes a verified range from the pieces of its slice
// (vecWriter), one WriteAt per piece where pwritev is missing.
func (d *DirBlobs) writeVec(id ID, parts [][]byte, off int64) error {
	for _, p := range parts {
		if err := d.WriteAt(id, p, off); err != nil {
			return err
		}
		off += int64(len(p))
	}
	return nil
}
