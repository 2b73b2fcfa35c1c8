package chain

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// crashChildEnv names the data directory in which the re-executed test
// binary runs crashChild instead of the tests.
const crashChildEnv = "ANYNET_CHAIN_CRASH_CHILD"

// crashChild starts a chain, deploys the storage contract, stores 7, reports
// the contract address and height on stdout and waits to be killed.
func crashChild(dir string) {
	ctx := context.Background()
	c, err := Start(ctx, Config{DataDir: dir})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	store, err := deployStore(ctx, c.Client(), c.DeployerAuth())
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	tb := &testing.B{}
	setStored(tb, ctx, c.Client(), c.DeployerAuth(), store, 7)
	n, err := c.Client().BlockNumber(ctx)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	fmt.Printf("READY %s %d\n", store.Hex(), n)
	select {} // killed by the parent
}

// TestSurvivesKill kills a process running the chain (SIGKILL, no Close)
// right after a transaction was mined, and checks that the transaction and
// its state are there on the next start.
func TestSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	if err != nil {
		t.Fatalf("child: %q: %v", line, err)
	}
	var (
		addr   string
		height uint64
	)
	if _, err := fmt.Sscanf(strings.TrimSpace(line), "READY %s %d", &addr, &height); err != nil {
		t.Fatalf("child said %q: %v", line, err)
	}
	store := common.HexToAddress(addr)

	c := startT(t, Config{DataDir: dir})
	n, err := c.Client().BlockNumber(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n < height {
		t.Fatalf("after kill: height %d, child had %d", n, height)
	}
	if got := getStored(t, t.Context(), c.Client(), store); got != 7 {
		t.Fatalf("after kill: stored %d, want 7", got)
	}
}
