package vpn

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// DocumentEntryType is the did/svc type under which an exit advertises
// itself in its wallet's DID document (doc.go, "Advertisement").
const DocumentEntryType = "AnynetExit"

// Advert is what an exit tells the world: where it is, what it costs,
// whom and what it serves.
type Advert struct {
	// Region is free text without spaces ("eu-west", "de", "home").
	Region string
	// Rate is what the exit charges; the zero Rate is free. A client
	// that pays reads it here and pays accordingly (Payment).
	Rate Rate
	// Policy is Policy.Summary() of the exit's policy.
	Policy string
}

// String is the DID entry's value (doc.go, "Advertisement"):
// "v=1 region=… price=… [credit=… [token=…]] policy=…".
func (a Advert) String() string {
	f := func(s string) string {
		if s == "" {
			return "-"
		}
		return strings.Join(strings.Fields(s), "_")
	}
	fields := appendRate([]string{"v=1", "region=" + f(a.Region)}, a.Rate)
	fields = append(fields, "policy="+f(a.Policy))
	return strings.Join(fields, " ")
}

// ParseAdvert parses an AnynetExit entry's value; unknown keys are
// skipped, so later versions can add some. A price, credit or token
// that does not parse is ErrMalformed: a client cannot pay by it.
func ParseAdvert(s string) (Advert, error) {
	var a Advert
	fields := strings.Fields(s)
	if len(fields) == 0 || fields[0] != "v=1" {
		return Advert{}, fmt.Errorf("%w: exit advert %q", ErrMalformed, s)
	}
	var credit, token string
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return Advert{}, fmt.Errorf("%w: exit advert field %q", ErrMalformed, f)
		}
		if v == "-" {
			v = ""
		}
		switch k {
		case "region":
			a.Region = v
		case "price":
			r, err := ParsePrice(v)
			if err != nil {
				return Advert{}, fmt.Errorf("exit advert: %w", err)
			}
			a.Rate.Price, a.Rate.Unit = r.Price, r.Unit
		case "credit":
			credit = v
		case "token":
			token = v
		case "policy":
			a.Policy = v
		}
	}
	if a.Rate.Free() {
		return a, nil
	}
	c, err := strconv.ParseUint(credit, 10, 64)
	if err != nil || c == 0 {
		return Advert{}, fmt.Errorf("%w: exit advert %q: a price needs credit=UNITS (at least 1)", ErrMalformed, s)
	}
	a.Rate.Credit = c
	if token != "" {
		if !common.IsHexAddress(token) {
			return Advert{}, fmt.Errorf("%w: exit advert token %q", ErrMalformed, token)
		}
		a.Rate.Token = common.HexToAddress(token)
	}
	return a, nil
}

// Publish writes a into the DID document of auth's wallet.
func (a Advert) Publish(ctx context.Context, names *naming.Client, auth *bind.TransactOpts) error {
	req := naming.PublishRequest{Services: []naming.Service{{Type: DocumentEntryType, Endpoint: a.String()}}}
	if _, err := names.Publish(ctx, auth, req); err != nil {
		return fmt.Errorf("vpn: publish exit advert: %w", err)
	}
	return nil
}

// AdvertOf returns the newest exit advert of doc, if it has one.
func AdvertOf(doc *naming.Document) (Advert, bool) {
	for i := len(doc.Services) - 1; i >= 0; i-- {
		if doc.Services[i].Type != DocumentEntryType {
			continue
		}
		if a, err := ParseAdvert(doc.Services[i].Endpoint); err == nil {
			return a, true
		}
	}
	return Advert{}, false
}

// Found is an exit found on chain.
type Found struct {
	Wallet common.Address
	Advert Advert
}

// findChunk is how many blocks one FilterLogs of Find reads.
const findChunk = 10_000

// attrChanged is the ERC-1056 event an advert is published with.
var attrChanged = crypto.Keccak256Hash([]byte("DIDAttributeChanged(address,bytes32,bytes,uint256,uint256)"))

// Find lists the exits advertised on chain: the identities whose DID
// registry events set did/svc/AnynetExit, each checked against its
// current DID document (a revoked or expired advert is left out), in
// wallet order.
func Find(ctx context.Context, names *naming.Client) ([]Found, error) {
	name, err := naming.AttributeName("did/svc/" + DocumentEntryType)
	if err != nil {
		return nil, err
	}
	be := names.Backend()
	head, err := be.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("vpn: find exits: %w", err)
	}
	seen := make(map[common.Address]bool)
	to := head.Number.Uint64()
	for from := uint64(0); from <= to; from += findChunk {
		end := min(from+findChunk-1, to)
		logs, err := be.FilterLogs(ctx, ethereum.FilterQuery{
			FromBlock: new(big.Int).SetUint64(from), ToBlock: new(big.Int).SetUint64(end),
			Addresses: []common.Address{names.Config().DIDRegistry},
			Topics:    [][]common.Hash{{attrChanged}},
		})
		if err != nil {
			return nil, fmt.Errorf("vpn: find exits in blocks %d..%d: %w", from, end, err)
		}
		for _, l := range logs {
			if len(l.Topics) == 2 && len(l.Data) >= 32 && [32]byte(l.Data[:32]) == name {
				seen[common.BytesToAddress(l.Topics[1][12:])] = true
			}
		}
	}
	var out []Found
	for w := range seen {
		doc, err := names.DIDDocument(ctx, w)
		if err != nil {
			continue
		}
		if a, ok := AdvertOf(doc); ok {
			out = append(out, Found{Wallet: w, Advert: a})
		}
	}
	slices.SortFunc(out, func(a, b Found) int { return a.Wallet.Cmp(b.Wallet) })
	return out, nil
}
