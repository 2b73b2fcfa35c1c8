package daemon

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// A binding file that exists but cannot be used says why; a missing one
// is no error.
func TestStoredBindingSaysWhy(t *testing.T) {
	dir := t.TempDir()
	w := common.HexToAddress("0x1111111111111111111111111111111111111111")
	if b, err := storedBinding(dir, w, 1337); b != nil || err != nil {
		t.Fatalf("no file: %v %v, want nil, nil", b, err)
	}
	for _, tc := range []struct{ content, want string }{
		{"garbage!", "is not hex"},
		{"00ff", "is not a binding"},
	} {
		os.WriteFile(filepath.Join(dir, "binding"), []byte(tc.content), 0o600)
		b, err := storedBinding(dir, w, 1337)
		if b != nil || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("binding %q: %v %v, want an error saying %q", tc.content, b, err, tc.want)
		}
	}
}
