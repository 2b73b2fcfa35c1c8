//go:build !nochain

package mq

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nats-io/nats.go"
)

// TestGatewayPassword: a local client without the gateway's password,
// or with a wrong one, is refused as the engine refuses (an
// authorization error) and reaches no host; with it, as host:password or
// as a token for this node, it is served.
func TestGatewayPassword(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, url := range []string{
		"nats://" + w.gwAddr,                      // nothing
		"nats://alice.anynet@" + w.gwAddr,         // a host, no password
		GatewayURL(w.gwAddr, "alice.anynet", "x"), // a wrong password
		GatewayURL(w.gwAddr, "", "x"),
		"nats://wrong@" + w.gwAddr, // a wrong token
	} {
		nc, err := nats.Connect(url, nats.NoReconnect())
		if err == nil {
			nc.Close()
			t.Fatalf("%s: connected", url)
		}
		if !errors.Is(err, nats.ErrAuthorization) {
			t.Fatalf("%s: %v, want an authorization error", url, err)
		}
	}
	for _, url := range []string{
		GatewayURL(w.gwAddr, "", testGatewayPassword),
		"nats://" + testGatewayPassword + "@" + w.gwAddr,
		GatewayURL(w.gwAddr, w.bob.Addr().Hex(), testGatewayPassword),
	} {
		nc, err := nats.Connect(url, nats.NoReconnect())
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		if err := nc.Flush(); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		nc.Close()
	}
}

func TestGatewayPasswordFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mq")
	p, err := GatewayPassword(dir)
	if err != nil || len(p) != 32 {
		t.Fatalf("%q %v", p, err)
	}
	st, err := os.Stat(filepath.Join(dir, GatewayPasswordFile))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	if again, err := GatewayPassword(dir); err != nil || again != p {
		t.Fatalf("second read %q %v, want %q", again, err, p)
	}
	if other, _ := GatewayPassword(t.TempDir()); other == p {
		t.Fatal("two nodes drew one password")
	}
}
