package tuiadapter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoTextParsing: the adapter converts typed records only; it parses
// none of the control API's text (as it once did routes with Sscanf and
// durations with ParseDuration), and reaches the node only through the
// control client.
func TestNoTextParsing(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"Sscan", "ParseDuration", "strings.Cut", "strings.Split", "strings.Fields", "regexp", "strconv.Parse", `"github.com/anynet/anynet/cmd/anynet/internal/daemon"`, `"github.com/anynet/anynet/apps/`} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s uses %s", f, bad)
			}
		}
	}
}
