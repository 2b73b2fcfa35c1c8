package content

import (
	"context"
	"fmt"
	"os"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/naming"
)

// DocumentEntry is the value of the DocumentEntryType service entry:
// "port:" and Port.
const DocumentEntry = "port:4100"

// Publish writes the AnynetContent entry into wallet's DID document
// unless it is there and valid for more than half of
// naming.DefaultValidity (auth must be the wallet); it reports whether
// it wrote.
func Publish(ctx context.Context, names *naming.Client, auth *bind.TransactOpts, wallet common.Address) (bool, error) {
	wrote, err := names.PublishServices(ctx, auth, wallet, naming.Service{Type: DocumentEntryType, Endpoint: DocumentEntry})
	if err != nil {
		return false, fmt.Errorf("content: publish: %w", err)
	}
	return wrote, nil
}

// SetSite points name's contenthash record at collection id (auth must
// be the name's owner), so the gateway serves it at http://NAME.anynet/.
// The collection must be shared publicly by the name's wallet (as
// PublishSite does).
func SetSite(ctx context.Context, names *naming.Client, auth *bind.TransactOpts, name string, id ID) error {
	if err := names.SetContenthash(ctx, auth, name, ContenthashOf(id)); err != nil {
		return fmt.Errorf("content: site of %s: %w", name, err)
	}
	return nil
}

// PublishSite shares dir publicly as share (SiteShare when empty) and
// returns the collection's entry; SetSite then names it on chain.
func (s *Service) PublishSite(ctx context.Context, dir, share string) (Entry, error) {
	if share == "" {
		share = SiteShare
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return Entry{}, fmt.Errorf("content: publish %s: a site is a directory", dir)
	}
	return s.Share(ctx, dir, share, true, nil)
}
