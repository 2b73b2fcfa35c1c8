package naming

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Defaults used when the matching Config field is zero.
const (
	DefaultTLD          = "anynet"
	DefaultCacheTTL     = time.Minute
	DefaultStaleTTL     = time.Hour
	DefaultPollInterval = 2 * time.Second
	DefaultValidity     = 7 * 24 * time.Hour
)

// Mainnet contract addresses (ENS as published in its deployments page,
// did:ethr as deployed by uPort).
var (
	MainnetRegistry         = common.HexToAddress("0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e")
	MainnetPublicResolver   = common.HexToAddress("0xF29100983E058B709F3D539b0c765937B804AC15")
	MainnetReverseRegistrar = common.HexToAddress("0xa58E81fe9b61B5c3fE2AFD33CF304c454AbFc7Cb")
	MainnetDIDRegistry      = common.HexToAddress("0xdca7ef03e98e0dc2b855be647c39abe984fcf21b")
)

// Config says where the contracts are and how long answers are kept. The
// addresses are JSON-encodable so that a deployment (what Deploy returns)
// can be stored and read back; the durations and logger are not.
type Config struct {
	// Registry is the EIP-137 registry. Required for names.
	Registry common.Address `json:"registry"`
	// Resolver is the public resolver that Register and the record setters
	// point a name at when it has none. Zero: names must already have one.
	Resolver common.Address `json:"resolver"`
	// Registrar is the first-come-first-served registrar of TLD. Zero:
	// Register returns ErrNoContract.
	Registrar common.Address `json:"registrar"`
	// ReverseRegistrar owns addr.reverse. Zero: SetName returns ErrNoContract.
	ReverseRegistrar common.Address `json:"reverseRegistrar"`
	// DIDRegistry is the ERC-1056 registry. Required for DID documents.
	DIDRegistry common.Address `json:"didRegistry"`
	// Passes is the network pass (ERC-721) contract. Zero: pass operations
	// return ErrNoContract.
	Passes common.Address `json:"passes"`
	// TLD is the top-level label Registrar hands out; empty means
	// DefaultTLD ("anynet").
	TLD string `json:"tld"`

	// CacheTTL is how long a Resolve/Reverse/DIDDocument answer is served
	// without asking the chain (events drop it sooner). Zero means
	// DefaultCacheTTL; negative disables the cache.
	CacheTTL time.Duration `json:"-"`
	// StaleTTL is how old a cached answer may be and still be served while
	// the chain cannot be reached. Zero means DefaultStaleTTL; negative
	// never serves stale answers.
	StaleTTL time.Duration `json:"-"`
	// PollInterval is how often Watch asks for new events while cached
	// answers are asked for (it sleeps otherwise). Zero means
	// DefaultPollInterval.
	PollInterval time.Duration `json:"-"`
	// Logger receives debug logs; nil discards.
	Logger *slog.Logger `json:"-"`
	// Now is the clock of the cache (when answers were fetched, when they
	// expire); nil means time.Now. The simulator passes its virtual clock.
	Now func() time.Time `json:"-"`
}

// MainnetConfig returns the addresses of ENS and of the did:ethr registry on
// Ethereum mainnet. Mainnet's .eth registrar is not first come first served,
// so Registrar (and Passes) stay zero: resolve, reverse, DID documents and
// record setters work; Register does not.
func MainnetConfig() Config {
	return Config{
		Registry:         MainnetRegistry,
		Resolver:         MainnetPublicResolver,
		ReverseRegistrar: MainnetReverseRegistrar,
		DIDRegistry:      MainnetDIDRegistry,
		TLD:              "eth",
	}
}

// Validate reports a config that no client can use.
func (c Config) Validate() error {
	if c.Registry == (common.Address{}) && c.DIDRegistry == (common.Address{}) {
		return fmt.Errorf("%w: neither Registry nor DIDRegistry is set", ErrNoContract)
	}
	if c.TLD != "" {
		tld, err := Normalize(c.TLD)
		if err != nil {
			return fmt.Errorf("naming: config TLD: %w", err)
		}
		if tld != c.TLD || len(splitLabels(tld)) != 1 {
			return fmt.Errorf("%w: config TLD %q is not one normalized label", ErrInvalidName, c.TLD)
		}
	}
	return nil
}

// withDefaults returns c with zero fields replaced by their defaults.
func (c Config) withDefaults() Config {
	if c.TLD == "" {
		c.TLD = DefaultTLD
	}
	if c.CacheTTL == 0 {
		c.CacheTTL = DefaultCacheTTL
	}
	if c.StaleTTL == 0 {
		c.StaleTTL = DefaultStaleTTL
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	return c
}
