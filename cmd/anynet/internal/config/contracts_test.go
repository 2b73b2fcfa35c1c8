package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/naming"
)

// TestContractKeys: the contract keys come from flags, ANYNET_ variables
// and files; the mainnet preset fills the addresses and explicit ones
// override it.
func TestContractKeys(t *testing.T) {
	const reg = "0x1111111111111111111111111111111111111111"
	const did = "0x2222222222222222222222222222222222222222"
	t.Run("env", func(t *testing.T) {
		env(t)
		t.Setenv("ANYNET_CHAIN", "http://127.0.0.1:8545")
		t.Setenv("ANYNET_REGISTRY", reg)
		t.Setenv("ANYNET_DID_REGISTRY", did)
		t.Setenv("ANYNET_TLD", "eth")
		c, err := Load(Source{})
		if err != nil {
			t.Fatal(err)
		}
		n := c.Contracts.Naming()
		if n.Registry != common.HexToAddress(reg) || n.DIDRegistry != common.HexToAddress(did) || n.TLD != "eth" {
			t.Fatalf("naming config %+v", n)
		}
	})
	t.Run("flags and preset", func(t *testing.T) {
		env(t)
		fs := flags("--chain", "http://127.0.0.1:8545", "--contracts", "mainnet", "--did-registry", did)
		c, err := Load(Source{Flags: fs})
		if err != nil {
			t.Fatal(err)
		}
		n := c.Contracts.Naming()
		m := naming.MainnetConfig()
		if n.Registry != m.Registry || n.Resolver != m.Resolver || n.DIDRegistry != common.HexToAddress(did) || n.TLD != "eth" {
			t.Fatalf("naming config %+v", n)
		}
	})
	t.Run("file", func(t *testing.T) {
		cfgHome, _ := env(t)
		write(t, filepath.Join(cfgHome, "anynet", "config.yaml"), "chain: http://127.0.0.1:8545\ncontracts: mainnet\npasses: "+reg+"\n")
		c, err := Load(Source{})
		if err != nil {
			t.Fatal(err)
		}
		if n := c.Contracts.Naming(); n.Passes != common.HexToAddress(reg) || n.Registry != naming.MainnetRegistry {
			t.Fatalf("naming config %+v", n)
		}
	})
	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"bad address", map[string]string{"ANYNET_CHAIN": "http://127.0.0.1:8545", "ANYNET_REGISTRY": "0x12"}, `registry "0x12"`},
		{"bad preset", map[string]string{"ANYNET_CHAIN": "http://127.0.0.1:8545", "ANYNET_CONTRACTS": "goerli"}, "contracts"},
		{"bad tld", map[string]string{"ANYNET_CHAIN": "http://127.0.0.1:8545", "ANYNET_REGISTRY": reg, "ANYNET_TLD": "ETH"}, "tld"},
		{"embedded", map[string]string{"ANYNET_REGISTRY": reg}, "embedded chain has its own"},
		{"no registry", map[string]string{"ANYNET_CHAIN": "http://127.0.0.1:8545", "ANYNET_PASSES": reg}, "without registry"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := Load(Source{})
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load = %v, want ErrInvalid mentioning %q", err, tt.want)
			}
		})
	}
}

// TestMailAtNormalized: a mail-at name is kept in its ENSIP-15 form; one
// ENSIP-15 refuses is an error naming the key.
func TestMailAtNormalized(t *testing.T) {
	env(t)
	t.Setenv("ANYNET_MAIL_AT", "Mail.ETH")
	c, err := Load(Source{})
	if err != nil || c.MailAt != "mail.eth" {
		t.Fatalf("mail-at = %q, %v", c.MailAt, err)
	}
	t.Setenv("ANYNET_MAIL_AT", "xn--mail.eth")
	if _, err := Load(Source{}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "mail-at") {
		t.Fatalf("mail-at xn--mail.eth: %v", err)
	}
}
