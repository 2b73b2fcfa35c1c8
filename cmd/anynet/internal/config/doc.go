// Package config loads the anynet command's configuration: flags, then
// ANYNET_* environment variables, then the config file, then the node's
// own file in its data directory, then defaults that work with no file at
// all.
//
// # Sources, highest first
//
//  1. command-line flags that were set (--listen, --chain …);
//  2. environment variables ANYNET_<KEY>, the key upper-cased with "-" and
//     "." as "_" (ANYNET_SERVE_CHAIN, ANYNET_KEYSTORE_SCRYPT);
//  3. the user's config file: --config or ANYNET_CONFIG, else
//     $XDG_CONFIG_HOME/anynet/config.yaml (~/.config/anynet/config.yaml)
//     when it exists;
//  4. the node's file DIR/config.yaml, which `anynet init` writes (wallet,
//     name);
//  5. Defaults.
//
// Every key of a file and every ANYNET_ variable must be one of Keys: an
// unknown one is an error that names the closest valid key. Values are
// checked by Validate, whose errors name the key and the accepted values.
//
// # Contracts
//
// On a chain URL the node finds anynet's own deployment by itself. To use
// other contracts (the standard ENS and did:ethr ones, on a testnet or a
// chain of one's own) the keys registry, resolver, registrar,
// reverse-registrar, did-registry, passes and tld (ANYNET_REGISTRY,
// --registry, ...) name them; contracts: mainnet presets ENS's and
// did:ethr's Ethereum mainnet addresses (TLD eth, no registrar), and
// explicit addresses override the preset's. The embedded chain has its
// own deployment and refuses these keys.
package config
