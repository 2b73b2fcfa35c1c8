package pay

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

// DocumentEntryType is the type of the payment service's entry in a
// wallet's DID document (did/svc/AnynetPay). Its value names the
// PaymentChannels deployment whose vouchers the wallet's node takes on
// PaymentPort, as a CAIP-10 account of the contract:
//
//	AnynetPay = "eip155:<chain id>:<0x PaymentChannels address>"
//	e.g.        "eip155:1337:0x5FbDB2315678afecb367f032d93F642f64180aa3"
const DocumentEntryType = "AnynetPay"

// DocumentEntry is the value of the entry for contract on chain chainID.
func DocumentEntry(chainID *big.Int, contract common.Address) string {
	return "eip155:" + chainID.String() + ":" + contract.Hex()
}

// ParseDocumentEntry parses an AnynetPay value.
func ParseDocumentEntry(s string) (*big.Int, common.Address, error) {
	rest, ok := strings.CutPrefix(s, "eip155:")
	id, addr, ok2 := strings.Cut(rest, ":")
	chainID, ok3 := new(big.Int).SetString(id, 10)
	if !ok || !ok2 || !ok3 || chainID.Sign() <= 0 || id != chainID.String() ||
		len(addr) != 42 || !strings.HasPrefix(addr, "0x") || !common.IsHexAddress(addr) {
		return nil, common.Address{}, fmt.Errorf("%w: %s entry %q: want eip155:<chain id>:<0x address>", ErrMalformed, DocumentEntryType, s)
	}
	return chainID, common.HexToAddress(addr), nil
}

// DomainOf returns the voucher domain the wallet of doc takes payments
// in, from its newest AnynetPay entry; ErrUnknownChannel if it has none.
func DomainOf(doc *naming.Document) (*Domain, error) {
	for i := len(doc.Services) - 1; i >= 0; i-- {
		if sv := doc.Services[i]; sv.Type == DocumentEntryType {
			id, addr, err := ParseDocumentEntry(sv.Endpoint)
			if err != nil {
				return nil, err
			}
			return NewDomain(id, addr), nil
		}
	}
	return nil, fmt.Errorf("%w: %s publishes no %s entry", ErrUnknownChannel, doc.Identity, DocumentEntryType)
}

// Publish writes the service's entry into the wallet's DID document
// (auth must be the wallet).
func (s *Service) Publish(ctx context.Context, names *naming.Client, auth *bind.TransactOpts) error {
	c := s.cfg.Chain
	req := naming.PublishRequest{Services: []naming.Service{{Type: DocumentEntryType, Endpoint: DocumentEntry(c.ChainID, c.Channels)}}}
	if _, err := names.Publish(ctx, auth, req); err != nil {
		return fmt.Errorf("pay: publish: %w", err)
	}
	return nil
}
