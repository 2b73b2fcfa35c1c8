//go:build !nochain

package chain_test

import (
	"context"
	"fmt"
	"log"
	"math/big"
	"os"

	"github.com/anynet/anynet/naming/chain"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
)

// A node starts its embedded chain, serves it on loopback, and another local
// process joins it by URL.
func Example() {
	dir, err := os.MkdirTemp("", "chain-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	c, err := chain.Start(ctx, chain.Config{DataDir: dir, HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	// In the other process: dial the URL the node published.
	other, err := ethclient.Dial(c.RPCURL())
	if err != nil {
		log.Fatal(err)
	}
	defer other.Close()
	id, err := other.ChainID(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("chain", id)

	// Give a new wallet some ether; the transfer is mined when Faucet returns.
	wallet := common.HexToAddress("0x00000000000000000000000000000000000a11ce")
	if err := c.Faucet(ctx, wallet, big.NewInt(1e18)); err != nil {
		log.Fatal(err)
	}
	bal, err := other.BalanceAt(ctx, wallet, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("balance", bal)
	// Output:
	// chain 1337
	// balance 1000000000000000000
}
