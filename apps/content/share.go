package content

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// AddFile stores a local file as a blob and returns its ID and size.
func (s *Service) AddFile(path string) (ID, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return ID{}, 0, fmt.Errorf("content: add %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return ID{}, 0, fmt.Errorf("content: add %s: %w", path, err)
	}
	id, err := s.blobs.Put(f, fi.Size())
	return id, fi.Size(), err
}

// AddDir stores every regular file under dir as a blob (files with
// equal bytes are one blob) and their collection, whose ID and size it
// returns.
func (s *Service) AddDir(dir string) (ID, int64, error) {
	var files []FileEntry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		id, size, err := s.AddFile(p)
		if err != nil {
			return err
		}
		files = append(files, FileEntry{Path: filepath.ToSlash(rel), ID: id, Size: size})
		return nil
	})
	if err != nil {
		return ID{}, 0, fmt.Errorf("content: add %s: %w", dir, err)
	}
	b, err := EncodeCollection(files)
	if err != nil {
		return ID{}, 0, err
	}
	id, err := s.blobs.Put(bytes.NewReader(b), int64(len(b)))
	return id, int64(len(b)), err
}

// Share adds path (a file or a directory) and shares it as name, with
// every wallet if public, else with the wallets in to. It returns the
// entry listed to others.
func (s *Service) Share(ctx context.Context, path, name string, public bool, to []common.Address) (Entry, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Entry{}, fmt.Errorf("content: share %s: %w", path, err)
	}
	if name == "" {
		name = filepath.Base(filepath.Clean(path))
	}
	var id ID
	var size int64
	if fi.IsDir() {
		id, size, err = s.AddDir(path)
	} else {
		id, size, err = s.AddFile(path)
	}
	if err != nil {
		return Entry{}, err
	}
	if _, err := s.r.Do(ctx, ShareCmd{Name: name, ID: id, Size: size, Collection: fi.IsDir(), Public: public, To: to}); err != nil {
		return Entry{}, err
	}
	return Entry{Name: name, ID: id, Size: size, Collection: fi.IsDir(), Public: public}, nil
}

// ShareBlob shares a blob already stored (a collection if collection)
// as name, with every wallet if public, else with the wallets in to:
// how other services (a stream's recording) share what they wrote.
func (s *Service) ShareBlob(ctx context.Context, name string, id ID, size int64, collection, public bool, to []common.Address) (Entry, error) {
	if _, err := s.r.Do(ctx, ShareCmd{Name: name, ID: id, Size: size, Collection: collection, Public: public, To: to}); err != nil {
		return Entry{}, err
	}
	return Entry{Name: name, ID: id, Size: size, Collection: collection, Public: public}, nil
}

// Link is a parsed share link: "HOST/NAME[/PATH]" (HOST a name or a
// "0x…" wallet) or "ID@HOST".
type Link struct {
	Host string
	Name string // the share
	Path string // a file inside a collection share, or ""
	ID   ID     // for "ID@HOST"
}

// ParseLink reads a link.
func ParseLink(s string) (Link, error) {
	if id, host, ok := strings.Cut(s, "@"); ok {
		v, err := ParseID(id)
		if err != nil || host == "" {
			return Link{}, fmt.Errorf("%w: %q", ErrBadLink, s)
		}
		return Link{Host: host, ID: v}, nil
	}
	host, rest, _ := strings.Cut(strings.TrimSuffix(s, "/"), "/")
	name, path, _ := strings.Cut(rest, "/")
	if host == "" || name == "" || (path != "" && !validPath(path)) {
		return Link{}, fmt.Errorf("%w: %q", ErrBadLink, s)
	}
	return Link{Host: host, Name: name, Path: path}, nil
}

func (l Link) String() string {
	if l.Name == "" {
		return l.ID.String() + "@" + l.Host
	}
	if l.Path != "" {
		return l.Host + "/" + l.Name + "/" + l.Path
	}
	return l.Host + "/" + l.Name
}

// Get downloads what link names into dir (a file as dir/NAME, a
// collection as the tree dir/NAME/…) and returns the path written.
// Every byte is verified before it is written; a download cut off
// resumes where it stopped when Get is called again.
func (s *Service) Get(ctx context.Context, link string, dir string, progress func(have, size int64)) (string, error) {
	l, err := ParseLink(link)
	if err != nil {
		return "", err
	}
	w, err := s.host.Lookup(ctx, l.Host)
	if err != nil {
		return "", fmt.Errorf("content: get %s: %w", link, err)
	}
	o := FetchOptions{Providers: []common.Address{w}, AskHolders: true, Progress: progress}
	if l.Name == "" {
		if err := s.Fetch(ctx, l.ID, o); err != nil {
			return "", err
		}
		out := filepath.Join(dir, l.ID.String())
		return out, s.export(l.ID, out)
	}
	es, err := s.List(ctx, l.Host, l.Name)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(es, func(e Entry) bool { return e.Name == l.Name })
	if i < 0 {
		return "", fmt.Errorf("content: get %s: %w", link, ErrNotFound)
	}
	e := es[i]
	o.Size, o.SizeKnown, o.Public = e.Size, true, e.Public
	if err := s.Fetch(ctx, e.ID, o); err != nil {
		return "", err
	}
	if !e.Collection {
		out := filepath.Join(dir, e.Name)
		return out, s.export(e.ID, out)
	}
	files, err := s.collection(e.ID)
	if err != nil {
		return "", err
	}
	var total, before int64
	for _, f := range files {
		if l.Path == "" || f.Path == l.Path {
			total += f.Size
		}
	}
	root := filepath.Join(dir, e.Name)
	for _, f := range files {
		if l.Path != "" && f.Path != l.Path {
			continue
		}
		fo := o
		fo.Size, fo.SizeKnown = f.Size, true
		if progress != nil {
			b := before
			fo.Progress = func(have, _ int64) { progress(b+have, total) }
		}
		if err := s.Fetch(ctx, f.ID, fo); err != nil {
			return "", err
		}
		before += f.Size
		if err := s.export(f.ID, filepath.Join(root, filepath.FromSlash(f.Path))); err != nil {
			return "", err
		}
	}
	if l.Path != "" {
		return filepath.Join(root, filepath.FromSlash(l.Path)), nil
	}
	return root, nil
}

// collection reads and parses a complete collection blob.
func (s *Service) collection(id ID) ([]FileEntry, error) {
	size, done, err := s.blobs.Stat(id)
	if err != nil || !done {
		return nil, fmt.Errorf("content: collection %s: %w", id.Short(), ErrNotFound)
	}
	b := make([]byte, size)
	if _, err := s.blobs.ReadAt(id, b, 0); err != nil && err != io.EOF {
		return nil, fmt.Errorf("content: collection %s: %w", id.Short(), err)
	}
	return DecodeCollection(b)
}

// Open returns a reader of a complete blob.
func (s *Service) Open(id ID) (*io.SectionReader, error) {
	size, done, err := s.blobs.Stat(id)
	if err != nil || !done {
		return nil, fmt.Errorf("content: open %s: %w", id.Short(), ErrNotFound)
	}
	return io.NewSectionReader(blobReader{s.blobs, id}, 0, size), nil
}

// export copies a complete blob to a file.
func (s *Service) export(id ID, path string) error {
	r, err := s.Open(id)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("content: export: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("content: export: %w", err)
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("content: export %s: %w", path, err)
	}
	return f.Close()
}
