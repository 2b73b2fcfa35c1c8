package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/renameio/v2"
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

// WriteAtomic writes data to path through a synced temporary file and a
// rename, so readers see the old file or the new one, never a part. With
// replace false an existing path is left alone and is an error.
func WriteAtomic(path string, data []byte, perm os.FileMode, replace bool) error {
	if replace {
		return renameio.WriteFile(path, data, perm)
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists", path)
	}
	t, err := renameio.NewPendingFile(path, renameio.WithPermissions(perm))
	if err != nil {
		return err
	}
	defer t.Cleanup()
	if _, err := t.Write(data); err != nil {
		return err
	}
	if err := t.Sync(); err != nil {
		return err
	}
	// Link, unlike rename, fails if path appeared meanwhile: never clobber.
	return os.Link(t.Name(), path)
}
