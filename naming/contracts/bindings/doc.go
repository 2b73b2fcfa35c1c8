// Package bindings holds the abigen v2 Go bindings of anynet's naming
// contracts and of apps/pay's (PaymentChannels, TestToken), generated from
// ../build/*.abi and *.bin by `task contracts` (go run
// github.com/ethereum/go-ethereum/cmd/abigen --v2). Do not edit the
// generated files; change the Solidity in .. and regenerate.
package bindings
