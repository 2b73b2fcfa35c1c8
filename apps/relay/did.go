package relay

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/naming"
)

// DocumentEntryType is the type of the relay service's entries in a
// wallet's DID document (did/svc/AnynetRelay): one per role the wallet's
// node takes, naming the role and the RelayCredits deployment it is
// credited or commits on, as a CAIP-10 account of the contract:
//
//	AnynetRelay = "<edge|watchdog|guardian> eip155:<chain id>:<0x RelayCredits>[ fee=<bps>]"
//	e.g.          "guardian eip155:1337:0x5FbDB2315678afecb367f032d93F642f64180aa3 fee=200"
//
// A Guardian's entry names its fee in basis points (Params.FeeBps), so
// an Edge shows it before settlement.
const DocumentEntryType = "AnynetRelay"

// Role names, as in the DID entry and in configuration.
const (
	NameEdge     = "edge"
	NameWatchDog = "watchdog"
	NameGuardian = "guardian"
)

// String lists the roles, comma-separated ("" for none).
func (r Roles) String() string {
	var out []string
	for _, x := range []struct {
		bit  Roles
		name string
	}{{RoleEdge, NameEdge}, {RoleWatchDog, NameWatchDog}, {RoleGuardian, NameGuardian}} {
		if r&x.bit != 0 {
			out = append(out, x.name)
		}
	}
	return strings.Join(out, ",")
}

// ParseRoles parses a comma-separated list of role names ("" is none).
func ParseRoles(s string) (Roles, error) {
	var r Roles
	for f := range strings.SplitSeq(s, ",") {
		switch strings.TrimSpace(strings.ToLower(f)) {
		case "":
		case NameEdge:
			r |= RoleEdge
		case NameWatchDog:
			r |= RoleWatchDog
		case NameGuardian:
			r |= RoleGuardian
		default:
			return 0, fmt.Errorf("%w: role %q (want edge, watchdog or guardian)", ErrMalformed, f)
		}
	}
	return r, nil
}

// DocumentEntries returns the entries of roles on chain chainID's
// RelayCredits at contract, one per role; a Guardian's names feeBps.
func DocumentEntries(roles Roles, chainID *big.Int, contract common.Address, feeBps uint64) []naming.Service {
	var out []naming.Service
	for _, name := range strings.Split(roles.String(), ",") {
		if name == "" {
			continue
		}
		v := name + " eip155:" + chainID.String() + ":" + contract.Hex()
		if name == NameGuardian {
			v += " fee=" + strconv.FormatUint(feeBps, 10)
		}
		out = append(out, naming.Service{Type: DocumentEntryType, Endpoint: v})
	}
	return out
}

// GuardianFee returns the fee, in basis points, that doc's Guardian
// entry for contract names.
func GuardianFee(doc *naming.Document, contract common.Address) (uint64, bool) {
	for i := len(doc.Services) - 1; i >= 0; i-- {
		sv := doc.Services[i]
		if sv.Type != DocumentEntryType {
			continue
		}
		r, _, c, err := ParseDocumentEntry(sv.Endpoint)
		_, fee, ok := strings.Cut(sv.Endpoint, " fee=")
		if n, ferr := strconv.ParseUint(fee, 10, 64); err == nil && ok && ferr == nil && r == RoleGuardian && c == contract {
			return n, true
		}
	}
	return 0, false
}

// ParseDocumentEntry parses an AnynetRelay value.
func ParseDocumentEntry(s string) (Roles, *big.Int, common.Address, error) {
	bad := fmt.Errorf("%w: %s entry %q: want \"<role> eip155:<chain id>:<0x address>\"", ErrMalformed, DocumentEntryType, s)
	name, acct, ok := strings.Cut(s, " ")
	if !ok || strings.Contains(name, ",") {
		return 0, nil, common.Address{}, bad
	}
	if a, fee, has := strings.Cut(acct, " fee="); has {
		if n, err := strconv.ParseUint(fee, 10, 64); err != nil || n > 10_000 || name != NameGuardian || fee != strconv.FormatUint(n, 10) {
			return 0, nil, common.Address{}, bad
		}
		acct = a
	}
	role, err := ParseRoles(name)
	rest, ok1 := strings.CutPrefix(acct, "eip155:")
	id, addr, ok2 := strings.Cut(rest, ":")
	chainID, ok3 := new(big.Int).SetString(id, 10)
	if err != nil || role == 0 || !ok1 || !ok2 || !ok3 || chainID.Sign() <= 0 || id != chainID.String() ||
		len(addr) != 42 || !strings.HasPrefix(addr, "0x") || !common.IsHexAddress(addr) {
		return 0, nil, common.Address{}, bad
	}
	return role, chainID, common.HexToAddress(addr), nil
}

// RolesOf returns the roles doc's wallet advertises on contract.
func RolesOf(doc *naming.Document, contract common.Address) Roles {
	var r Roles
	for _, sv := range doc.Services {
		if sv.Type != DocumentEntryType {
			continue
		}
		if role, _, c, err := ParseDocumentEntry(sv.Endpoint); err == nil && c == contract {
			r |= role
		}
	}
	return r
}

// Publish writes the entries of roles into wallet's DID document unless
// they are there and valid for more than half of naming.DefaultValidity
// (auth must be the wallet); it reports whether it wrote.
func Publish(ctx context.Context, names *naming.Client, auth *bind.TransactOpts, wallet common.Address, roles Roles, chainID *big.Int, contract common.Address, feeBps uint64) (bool, error) {
	wrote, err := names.PublishServices(ctx, auth, wallet, DocumentEntries(roles, chainID, contract, feeBps)...)
	if err != nil {
		return false, fmt.Errorf("relay: publish: %w", err)
	}
	return wrote, nil
}
