//go:build nochain

package main

import "github.com/spf13/cobra"

// A `-tags nochain` build has no embedded chain (go-ethereum's node,
// pebble and leveldb are not linked, for a leaner daemon): no demo, sim
// or chain serve, and `up` needs --chain URL (naming.ErrNoEmbeddedChain).

func embeddedVerbs() []*cobra.Command      { return nil }
func embeddedChainVerbs() []*cobra.Command { return nil }
