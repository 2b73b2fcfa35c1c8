package ensip15

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// refNode returns the node binary and the path of ref.mjs, or skips (fails
// under CI=true) when Node.js or the pinned package is missing.
func refNode(tb testing.TB) (string, string) {
	tb.Helper()
	miss := func(msg string) {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s (CI=true: required)", msg)
		}
		tb.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		miss("node not installed: the ENSIP-15 reference cannot run")
	}
	if _, err := os.Stat("node/node_modules/@adraffy/ens-normalize/package.json"); err != nil {
		miss("naming/ensip15/node/node_modules missing (run npm ci in naming/ensip15/node)")
	}
	ref, _ := filepath.Abs("node/ref.mjs")
	return node, ref
}

// runRef pipes names through `node ref.mjs args...` and calls each with
// every answer line, in order.
func runRef(tb testing.TB, names []string, each func(i int, line string), args ...string) {
	tb.Helper()
	node, ref := refNode(tb)
	cmd := exec.CommandContext(tb.Context(), node, append([]string{ref}, args...)...)
	cmd.Dir = "node"
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(stdin, 1<<16)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, n := range names {
			if err := enc.Encode(n); err != nil {
				werr <- err
				return
			}
		}
		if err := w.Flush(); err != nil {
			werr <- err
			return
		}
		werr <- stdin.Close()
	}()
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	i := 0
	for sc.Scan() {
		each(i, sc.Text())
		i++
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if err := <-werr; err != nil {
		tb.Fatalf("writing to node: %v", err)
	}
	if err := cmd.Wait(); err != nil {
		tb.Fatalf("node ref.mjs: %v", err)
	}
	if each != nil && args == nil && i != len(names) {
		tb.Fatalf("the reference answered %d of %d names", i, len(names))
	}
}

// TestDifferential: on the whole corpus the Go normalizer gives the
// reference's output or refuses what the reference refuses.
func TestDifferential(t *testing.T) {
	tb := load()
	generated := 200_000
	if testing.Short() {
		generated = 20_000
	}
	names := corpus(tb, generated)
	var mismatches, refused int
	var examples []string
	runRef(t, names, func(i int, line string) {
		name := names[i]
		got, err := Normalize(name)
		var want string
		var wantErr string
		if msg, ok := strings.CutPrefix(line, "!"); ok {
			wantErr = msg
			refused++
		} else if err := json.Unmarshal([]byte(line), &want); err != nil {
			t.Fatalf("reference line %d: %v: %q", i, err, line)
		}
		ok := (wantErr != "") == (err != nil) && got == want
		if err != nil && !errors.Is(err, ErrInvalid) {
			ok = false
		}
		if !ok {
			mismatches++
			if len(examples) < 30 {
				examples = append(examples, fmt.Sprintf("%+q: go %+q, %v; reference %+q %s", name, got, err, want, wantErr))
			}
		}
	})
	t.Logf("corpus: %d names (%d refused by the reference), reference @adraffy/ens-normalize %s", len(names), refused, RefVersion)
	if mismatches > 0 {
		t.Errorf("%d of %d names differ from the reference:\n%s", mismatches, len(names), strings.Join(examples, "\n"))
	}
}

// TestDifferentialCodePoints: every code point alone (surrogates
// excepted) is accepted with the reference's output or refused, as the
// reference does. The reference lists only what it accepts.
func TestDifferentialCodePoints(t *testing.T) {
	accepted := make(map[rune]string)
	total := 0
	runRef(t, nil, func(_ int, line string) {
		var pair [2]json.RawMessage
		if err := json.Unmarshal([]byte(line), &pair); err != nil {
			t.Fatalf("reference line %q: %v", line, err)
		}
		if string(pair[0]) == `"count"` {
			if err := json.Unmarshal(pair[1], &total); err != nil {
				t.Fatal(err)
			}
			return
		}
		var cp rune
		var out string
		if json.Unmarshal(pair[0], &cp) != nil || json.Unmarshal(pair[1], &out) != nil {
			t.Fatalf("reference line %q", line)
		}
		accepted[cp] = out
	}, "--codepoints")
	var mismatches int
	var examples []string
	n := 0
	for cp := rune(0); cp <= utf8.MaxRune; cp++ {
		if !utf8.ValidRune(cp) {
			continue
		}
		n++
		got, err := Normalize(string(cp))
		want, ok := accepted[cp]
		if ok != (err == nil) || got != want || err != nil && !errors.Is(err, ErrInvalid) {
			mismatches++
			if len(examples) < 30 {
				examples = append(examples, fmt.Sprintf("%U: go %+q, %v; reference %+q (accepted %v)", cp, got, err, want, ok))
			}
		}
	}
	if n != total {
		t.Fatalf("the reference tried %d code points, this test %d", total, n)
	}
	t.Logf("%d code points, %d accepted by the reference", n, len(accepted))
	if mismatches > 0 {
		t.Errorf("%d code points differ from the reference:\n%s", mismatches, strings.Join(examples, "\n"))
	}
}

// TestEmojiList: the generated tables hold exactly the reference's emoji.
func TestEmojiList(t *testing.T) {
	tb := load()
	var ref [][]rune
	runRef(t, nil, func(_ int, line string) {
		var e []rune
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		ref = append(ref, e)
	}, "--emoji")
	if len(ref) != len(tb.emojiList) || len(ref) != tableEmoji {
		t.Fatalf("reference has %d emoji, tables %d", len(ref), len(tb.emojiList))
	}
	for i := range ref {
		if string(ref[i]) != string(tb.emojiList[i]) {
			t.Fatalf("emoji %d: reference %U, tables %U", i, ref[i], tb.emojiList[i])
		}
	}
}

// TestTablesRegenerate: gen.mjs on the pinned reference writes tables.go
// byte for byte (else run `go tool task ensip15`).
func TestTablesRegenerate(t *testing.T) {
	node, _ := refNode(t)
	out := filepath.Join(t.TempDir(), "tables.go")
	cmd := exec.CommandContext(t.Context(), node, "gen.mjs", out)
	cmd.Dir = "node"
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen.mjs: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("tables.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(have) {
		t.Fatal("tables.go is not what gen.mjs writes from the pinned reference (run go tool task ensip15)")
	}
}
