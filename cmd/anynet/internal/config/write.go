package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteNodeFile writes DIR/config.yaml with the node's wallet and name,
// atomically. It refuses to replace an existing file.
func WriteNodeFile(dir, wallet, name string) error {
	var b strings.Builder
	b.WriteString("# Written by `anynet init`. Flags, ANYNET_* variables and the user's\n")
	b.WriteString("# config file override these settings.\n")
	fmt.Fprintf(&b, "wallet: %q\n", wallet)
	if name != "" {
		fmt.Fprintf(&b, "name: %q\n", name)
	}
	return WriteAtomic(filepath.Join(dir, NodeFile), []byte(b.String()), 0o600, false)
}

// WriteAtomic writes data to path through a temporary file, fsync and
// rename, so readers see the old file or the new one, never a part. With
// replace false an existing path is left alone and is an error.
func WriteAtomic(path string, data []byte, perm os.FileMode, replace bool) error {
	if !replace {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s already exists", path)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if !replace {
		// Link fails if path appeared meanwhile: never clobber.
		if err := os.Link(tmp, path); err != nil {
			return err
		}
		return nil
	}
	return os.Rename(tmp, path)
}
