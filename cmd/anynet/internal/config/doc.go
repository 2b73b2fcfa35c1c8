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
package config
