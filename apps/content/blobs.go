package content

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Blobs holds the bytes of blobs, whole and in progress: the core's bulk
// store. Like service.Store it is local and never waits on the network;
// unlike it, the bytes are not in the key-value store (a range is
// written here, then its progress is recorded there, so after a crash a
// range is at worst fetched again). Implementations are safe for
// concurrent use.
type Blobs interface {
	// Stat returns a blob's size and whether it is complete, or
	// ErrNotFound.
	Stat(id ID) (size int64, complete bool, err error)
	// ReadAt reads a blob's bytes, whole or in progress.
	ReadAt(id ID, p []byte, off int64) (int, error)
	// Outboard returns a complete blob's Bao outboard.
	Outboard(id ID) ([]byte, error)
	// Begin makes room for a blob of size bytes in progress, keeping
	// what an earlier Begin of it wrote.
	Begin(id ID, size int64) error
	// WriteAt writes verified bytes of a blob in progress.
	WriteAt(id ID, p []byte, off int64) error
	// Finish hashes a blob in progress; if it is id, the blob becomes
	// complete, else its bytes are dropped and ErrCorrupt returned.
	Finish(id ID) error
	// Put stores size bytes of r as a complete blob and returns its ID.
	Put(r io.Reader, size int64) (ID, error)
	// Delete forgets a blob (an eviction).
	Delete(id ID) error
}

// DirBlobs keeps blobs as files in a directory: <hex> (the bytes),
// <hex>.obao (the outboard) and <hex>.part (in progress). Files stay
// open between calls (a range is many reads of groups), those of
// complete blobs up to maxOpen of them, until the blob is deleted or
// Close.
type DirBlobs struct {
	dir   string
	mu    sync.Mutex // guards the maps
	obs   map[ID][]byte
	parts map[ID]*os.File // blobs in progress, open for writing
	open  map[ID]*os.File // complete blobs, open for reading
}

// maxOpen bounds the complete blobs DirBlobs keeps open.
const maxOpen = 64

var _ Blobs = (*DirBlobs)(nil)

// OpenDirBlobs opens (creating) the blob directory dir.
func OpenDirBlobs(dir string) (*DirBlobs, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("content: blob dir: %w", err)
	}
	return &DirBlobs{dir: dir, obs: map[ID][]byte{}, parts: map[ID]*os.File{}, open: map[ID]*os.File{}}, nil
}

func (d *DirBlobs) path(id ID, ext string) string { return filepath.Join(d.dir, id.String()+ext) }

// Stat implements Blobs.
func (d *DirBlobs) Stat(id ID) (int64, bool, error) {
	if fi, err := os.Stat(d.path(id, "")); err == nil {
		return fi.Size(), true, nil
	}
	fi, err := os.Stat(d.path(id, ".part"))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, ErrNotFound
	}
	if err != nil {
		return 0, false, fmt.Errorf("content: stat blob: %w", err)
	}
	return fi.Size(), false, nil
}

// ReadAt implements Blobs.
func (d *DirBlobs) ReadAt(id ID, p []byte, off int64) (int, error) {
	f, err := d.reader(id)
	if err != nil {
		return 0, err
	}
	n, err := f.ReadAt(p, off)
	if errors.Is(err, os.ErrClosed) { // deleted meanwhile
		return n, ErrNotFound
	}
	return n, err
}

// reader returns an open file of blob id, complete or in progress.
func (d *DirBlobs) reader(id ID) (*os.File, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if f, ok := d.open[id]; ok {
		return f, nil
	}
	if f, ok := d.parts[id]; ok {
		return f, nil
	}
	f, err := os.Open(d.path(id, ""))
	if err == nil {
		if len(d.open) >= maxOpen {
			for k, o := range d.open { // any one: reopening is cheap
				o.Close()
				delete(d.open, k)
				break
			}
		}
		d.open[id] = f
		return f, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("content: read blob: %w", err)
	}
	f, err = os.OpenFile(d.path(id, ".part"), os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("content: read blob: %w", err)
	}
	d.parts[id] = f
	return f, nil
}

// Outboard implements Blobs; outboards are cached in memory.
func (d *DirBlobs) Outboard(id ID) ([]byte, error) {
	d.mu.Lock()
	ob, ok := d.obs[id]
	d.mu.Unlock()
	if ok {
		return ob, nil
	}
	ob, err := os.ReadFile(d.path(id, ".obao"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("content: read outboard: %w", err)
	}
	d.mu.Lock()
	d.obs[id] = ob
	d.mu.Unlock()
	return ob, nil
}

// Begin implements Blobs.
func (d *DirBlobs) Begin(id ID, size int64) error {
	f, err := d.part(id, true)
	if err != nil {
		return fmt.Errorf("content: begin blob: %w", err)
	}
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("content: begin blob: %w", err)
	}
	return nil
}

// part returns the open file of blob id in progress, creating it if
// create is set.
func (d *DirBlobs) part(id ID, create bool) (*os.File, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if f, ok := d.parts[id]; ok {
		return f, nil
	}
	flag := os.O_RDWR
	if create {
		flag |= os.O_CREATE
	}
	f, err := os.OpenFile(d.path(id, ".part"), flag, 0o600)
	if err != nil {
		return nil, err
	}
	d.parts[id] = f
	return f, nil
}

// closePart closes blob id's file in progress, if it is open.
func (d *DirBlobs) closePart(id ID) {
	d.mu.Lock()
	f, ok := d.parts[id]
	delete(d.parts, id)
	d.mu.Unlock()
	if ok {
		f.Close()
	}
}

// WriteAt implements Blobs.
func (d *DirBlobs) WriteAt(id ID, p []byte, off int64) error {
	f, err := d.part(id, false)
	if err != nil {
		return fmt.Errorf("content: write blob: %w", err)
	}
	if _, err := f.WriteAt(p, off); err != nil {
		return fmt.Errorf("content: write blob: %w", err)
	}
	return nil
}

// Finish implements Blobs.
func (d *DirBlobs) Finish(id ID) error {
	d.closePart(id)
	part := d.path(id, ".part")
	f, err := os.Open(part)
	if err != nil {
		return fmt.Errorf("content: finish blob: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("content: finish blob: %w", err)
	}
	got, ob, err := Outboard(f, fi.Size())
	f.Close()
	if err != nil {
		return err
	}
	if got != id {
		os.Remove(part)
		return fmt.Errorf("%w: %s hashed to %s", ErrCorrupt, id.Short(), got.Short())
	}
	return d.commit(id, part, ob)
}

// finishWith completes a blob in progress whose every range was
// verified as it was written, with its assembled outboard.
func (d *DirBlobs) finishWith(id ID, ob []byte) error {
	d.closePart(id)
	return d.commit(id, d.path(id, ".part"), ob)
}

// commit writes the outboard, then renames the bytes into place.
func (d *DirBlobs) commit(id ID, from string, ob []byte) error {
	if err := os.WriteFile(d.path(id, ".obao"), ob, 0o600); err != nil {
		return fmt.Errorf("content: write outboard: %w", err)
	}
	if err := os.Rename(from, d.path(id, "")); err != nil {
		return fmt.Errorf("content: commit blob: %w", err)
	}
	d.mu.Lock()
	d.obs[id] = ob
	d.mu.Unlock()
	return nil
}

// Put implements Blobs: it copies r to a temporary file while hashing.
func (d *DirBlobs) Put(r io.Reader, size int64) (ID, error) {
	tmp, err := os.CreateTemp(d.dir, "put-*")
	if err != nil {
		return ID{}, fmt.Errorf("content: put blob: %w", err)
	}
	defer os.Remove(tmp.Name())
	id, ob, err := Outboard(io.TeeReader(r, tmp), size)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return ID{}, err
	}
	if _, done, err := d.Stat(id); err == nil && done {
		return id, nil // deduplicated
	}
	return id, d.commit(id, tmp.Name(), ob)
}

// Delete implements Blobs.
func (d *DirBlobs) Delete(id ID) error {
	d.closePart(id)
	d.mu.Lock()
	delete(d.obs, id)
	if f, ok := d.open[id]; ok {
		f.Close()
		delete(d.open, id)
	}
	d.mu.Unlock()
	for _, ext := range []string{"", ".obao", ".part"} {
		if err := os.Remove(d.path(id, ext)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("content: delete blob: %w", err)
		}
	}
	return nil
}

// Close closes the files DirBlobs keeps open; it stays usable (files
// are opened again as needed).
func (d *DirBlobs) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, f := range d.parts {
		f.Close()
		delete(d.parts, id)
	}
	for id, f := range d.open {
		f.Close()
		delete(d.open, id)
	}
	return nil
}

// MemBlobs keeps blobs in memory, for tests and the simulator (kept
// across a simulated crash, as files would be). The zero value is empty.
type MemBlobs struct {
	// Pool, if set, shares complete blobs with the other MemBlobs of
	// the same pool (BlobPool).
	Pool *BlobPool
	mu   sync.Mutex // guards the maps
	data map[ID][]byte
	obs  map[ID][]byte // complete blobs only
}

// BlobPool lets many MemBlobs hold one copy of each complete blob: a
// blob's ID is the BLAKE3 root of its bytes, verified before the blob
// is complete, and a complete blob is never written again, so every
// MemBlobs holding blob id can hold the same bytes and outboard. The
// simulator's nodes each keep what they download in a MemBlobs; with a
// pool, a thousand downloads of one popular blob keep one copy of it in
// the process, not a thousand. The zero value is empty; it keeps every
// blob shared with it for its life.
type BlobPool struct {
	mu    sync.Mutex
	blobs map[ID]pooled
}

type pooled struct{ data, ob []byte }

// share returns the pool's copy of complete blob id, which is data and
// ob if the pool had none.
func (p *BlobPool) share(id ID, data, ob []byte) ([]byte, []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b, ok := p.blobs[id]; ok && len(b.data) == len(data) {
		return b.data, b.ob
	}
	if p.blobs == nil {
		p.blobs = map[ID]pooled{}
	}
	p.blobs[id] = pooled{data, ob}
	return data, ob
}

// complete makes id complete with outboard ob; m.mu is held.
func (m *MemBlobs) complete(id ID, ob []byte) {
	if m.Pool != nil {
		m.data[id], ob = m.Pool.share(id, m.data[id], ob)
	}
	m.obs[id] = ob
}

var _ Blobs = (*MemBlobs)(nil)

func (m *MemBlobs) init() {
	if m.data == nil {
		m.data, m.obs = map[ID][]byte{}, map[ID][]byte{}
	}
}

// Stat implements Blobs.
func (m *MemBlobs) Stat(id ID) (int64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.data[id]
	if !ok {
		return 0, false, ErrNotFound
	}
	_, done := m.obs[id]
	return int64(len(b)), done, nil
}

// ReadAt implements Blobs.
func (m *MemBlobs) ReadAt(id ID, p []byte, off int64) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.data[id]
	if !ok {
		return 0, ErrNotFound
	}
	return bytes.NewReader(b).ReadAt(p, off)
}

// Outboard implements Blobs.
func (m *MemBlobs) Outboard(id ID) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ob, ok := m.obs[id]
	if !ok {
		return nil, ErrNotFound
	}
	return ob, nil
}

// Begin implements Blobs.
func (m *MemBlobs) Begin(id ID, size int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	if b, ok := m.data[id]; !ok || int64(len(b)) != size {
		m.data[id] = make([]byte, size)
	}
	return nil
}

// WriteAt implements Blobs.
func (m *MemBlobs) WriteAt(id ID, p []byte, off int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.data[id]
	if !ok || off < 0 || off+int64(len(p)) > int64(len(b)) {
		return fmt.Errorf("content: write blob %s at %d: %w", id.Short(), off, ErrNotFound)
	}
	if _, done := m.obs[id]; done && m.Pool != nil {
		return fmt.Errorf("content: write blob %s at %d: complete and shared", id.Short(), off)
	}
	copy(b[off:], p)
	return nil
}

// partRange lends the bytes of a blob in progress (partLender): the
// core writes verified ranges there without the lock, so nothing may
// read a blob in progress meanwhile.
func (m *MemBlobs) partRange(id ID, off, n int64) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.data[id]
	if _, done := m.obs[id]; !ok || done || off < 0 || n < 0 || off+n > int64(len(b)) {
		return nil
	}
	return b[off : off+n : off+n]
}

// Finish implements Blobs.
func (m *MemBlobs) Finish(id ID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.data[id]
	if !ok {
		return ErrNotFound
	}
	got, ob, err := Outboard(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err
	}
	if got != id {
		delete(m.data, id)
		return fmt.Errorf("%w: %s hashed to %s", ErrCorrupt, id.Short(), got.Short())
	}
	m.complete(id, ob)
	return nil
}

// finishWith completes a blob in progress whose every range was
// verified as it was written, with its assembled outboard.
func (m *MemBlobs) finishWith(id ID, ob []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.data[id]
	if !ok || len(ob) != outboardSize(int64(len(b))) {
		return fmt.Errorf("content: finish blob %s: %w", id.Short(), ErrNotFound)
	}
	m.complete(id, ob)
	return nil
}

// Put implements Blobs.
func (m *MemBlobs) Put(r io.Reader, size int64) (ID, error) {
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return ID{}, fmt.Errorf("content: put blob: %w", err)
	}
	id, ob, err := Outboard(bytes.NewReader(b), size)
	if err != nil {
		return ID{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	m.data[id] = b
	m.complete(id, ob)
	return id, nil
}

// Delete implements Blobs.
func (m *MemBlobs) Delete(id ID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.data, id)
	delete(m.obs, id)
	return nil
}
