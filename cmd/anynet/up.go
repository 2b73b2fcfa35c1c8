package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/anynet/anynet/cmd/anynet/internal/daemon"
	"github.com/anynet/anynet/cmd/anynet/internal/keyproc"
	"github.com/spf13/cobra"
)

func newUp() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Run this node: the TUI on a terminal, or --headless as a daemon with logs",
		Long: `up runs the node of the data directory: it unlocks the wallet, opens the
chain (embedded in DIR/chain, or --chain URL), starts the node on its UDP
address, publishes its node key, binding and endpoint in the wallet's DID
document, registers its name if configured, and serves the control API on
DIR/control.sock (mode 0600, this user only) for the other verbs.

On a terminal it opens the TUI, a client of that socket; quitting the
TUI stops the node. If a node already runs in DIR (a headless one, or
the user service), up opens the TUI on it instead, and quitting leaves
it running, as "anynet ui" does.

Nothing needs root: the UDP port is unprivileged and the TCP/IP stack is
userspace. Stop it with Ctrl-C or SIGTERM.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if _, err := os.Stat(cfg.Dir); err != nil {
				return fmt.Errorf("data directory %s does not exist (create it with `anynet --dir %s init`)", cfg.Dir, cfg.Dir)
			}
			tui := !cfg.Headless && isTerminal() && tuiAvailable
			if tui && nodeRunning(cmd.Context(), cfg.Dir) {
				return runTUI(cmd.Context(), cfg.Dir, "")
			}
			if _, err := daemon.Wallet(cfg); err != nil {
				return err
			}
			pass, err := passphrase(cmd, cfg, false)
			if err != nil {
				return err
			}
			logTo := os.Stderr
			var logFile *os.File
			if tui {
				// The TUI owns the terminal: logs go to a file.
				if logFile, err = os.OpenFile(filepath.Join(cfg.Dir, "anynet.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
					return err
				}
				defer logFile.Close()
				logTo = logFile
			}
			log := newLogger(cfg, logTo)
			ctx := cmd.Context()
			o := daemon.Options{Config: cfg, Passphrase: pass, Control: true, Logger: log}
			if exe, err := os.Executable(); err == nil {
				o.Decrypt = keyproc.Decrypter(exe) // scrypt's 256 MB in a child, not here
			}
			d, err := daemon.Start(ctx, o)
			if err != nil {
				return err
			}
			defer d.Close()
			if tui {
				return runTUI(ctx, cfg.Dir, "")
			}
			<-ctx.Done()
			log.Info("stopping")
			return nil
		},
	}
	f := cmd.Flags()
	f.Bool("headless", false, "run without the TUI, logging to stderr")
	f.String("listen", "", "UDP address of the underlay (default "+":4747"+")")
	f.StringSlice("peer", nil, "static peer 0x<wallet>@<ip:port> (repeatable)")
	f.StringSlice("router", nil, "router to attach to (or, with --route-prefix, to exchange routes with), 0x<wallet>@<ip:port>; its node key and subnet come from its DID document (repeatable)")
	f.String("route-prefix", "", "run as a router originating this subnet, segment.subnet/128 in hex (e.g. 2a.1/128)")
	f.Bool("punch", true, "as a host attached to routers, let them pair it with peers to punch direct UDP paths through NATs (--punch=false: stay relayed)")
	f.String("chain", "", `"embedded" (default: in DIR/chain) or a JSON-RPC URL such as http://127.0.0.1:8545`)
	f.String("serve-chain", "", "serve the embedded chain's JSON-RPC on this loopback address (127.0.0.1:0: any port)")
	f.String("name", "", "register this label on chain (\"bob\" for bob.anynet)")
	f.String("publish-addr", "", "underlay endpoint to publish (default: the listener's; loopback for a wildcard listener)")
	f.Bool("mailbox", false, "keep chat messages and mail for offline wallets")
	f.String("mail-at", "", "the node (name or 0x wallet) that keeps this wallet's chat and mail while it is offline")
	f.String("mail-smtp", "", "serve the mail submission gateway (SMTP) on this loopback host:port, e.g. 127.0.0.1:2525 (key mail.smtp)")
	f.String("mail-imap", "", "serve the mail gateway (IMAP) on this loopback host:port, e.g. 127.0.0.1:1143 (key mail.imap)")
	f.String("mail-smtps", "", "serve the submission gateway with TLS from the first byte (implicit TLS, as port 465) on this loopback host:port, e.g. 127.0.0.1:4465 (key mail.smtps)")
	f.String("mail-imaps", "", "serve the IMAP gateway with TLS from the first byte (implicit TLS, as port 993) on this loopback host:port, e.g. 127.0.0.1:1993 (key mail.imaps)")
	f.String("mail-delay-notice", "", "tell a sender its mail is late after this long, e.g. 4h (default) or 30m (key mail.delay-notice)")
	f.Bool("mail-known-only", false, "refuse mail from senders you have not allowed or written to, instead of filing it in Requests (key mail.known-only)")
	f.StringSlice("mail-deny", nil, "always refuse mail from these senders: names or 0x wallets (repeatable; key mail.deny)")
	f.Bool("mail-tls-only", false, "the mail gateways take a password only after STARTTLS (they always offer it, with a certificate kept in the data directory; key mail.tls-only)")
	f.String("mail-quota", "", "as a mailbox, keep at most this much mail per recipient, e.g. 256MiB (default) or 1GB (key mail.quota)")
	f.String("mail-retention", "", "as a mailbox, keep mail nobody fetched this long, e.g. 120h (default); senders bounce after it too (key mail.retention)")
	f.Bool("exit", false, "offer this node's IP to other wallets as a VPN exit (safe default policy: no loopback, private, link-local, metadata or own networks)")
	f.StringSlice("exit-allow", nil, "as an exit, serve this range although the default refuses it, CIDR (repeatable)")
	f.String("exit-ports", "", "as an exit, serve only these ports (80,443,8000-8999; default every port but 25)")
	f.StringSlice("exit-wallets", nil, "as an exit, serve only these wallets: names or 0x wallets (repeatable; default everyone)")
	f.String("exit-bytes", "", "as an exit, each wallet's byte allowance per window, both ways (e.g. 1GiB/1h; default none)")
	f.String("exit-rate", "", "as an exit, each wallet's new sessions per duration, with an optional burst (e.g. 5/s or 100/1m,20; off: none; default 20/s,50)")
	f.String("exit-region", "", "as an exit, the region to advertise")
	f.String("exit-price", "", "as an exit, what to charge and advertise: free, or wei per size both ways (e.g. 1000/MiB; needs payments)")
	f.String("exit-credit", "", "as a priced exit, what a client may use before it pays (e.g. 4MiB; default 1MiB)")
	f.String("proxy", "", "serve a SOCKS5 and HTTP proxy through exits on this loopback address (e.g. 127.0.0.1:1080)")
	f.StringSlice("proxy-exits", nil, "exits the proxy uses, best first: names or 0x wallets, or auto (repeatable)")
	f.StringSlice("proxy-rules", nil, "send a domain (and its subdomains) through one exit or direct: DOMAIN=EXIT or DOMAIN=direct (repeatable)")
	f.String("proxy-max-price", "", "pay exits their advertised price up to this (wei per size, e.g. 2000/MiB; under the vpn budget); unset pays nothing")
	f.String("web-proxy", "", "serve the web proxy for http://NAME.anynet/ on this loopback address (e.g. 127.0.0.1:8080; PAC file at /proxy.pac)")
	f.String("stream-ingest", "", "loopback host:port where encoders push live streams (HLS over HTTP PUT; default a free port; off: none)")
	f.Int("content-cache-mib", 0, "cap the downloaded content kept, in MiB (0: no cap; pinned and shared blobs always stay; a router's default is 1024)")
	f.String("content-cache", "auto", "serve public content this node downloads and fill when hosts on its path ask: auto (a router does), on, off")
	f.StringSlice("mq-cluster", nil, "join a replicated message-queue cluster with these members' nodes: names or 0x wallets, each listing the others; this node's own wallet makes its other nodes members (repeatable)")
	f.StringSlice("relay-role", nil, "relay incentives: edge, watchdog and/or guardian (key relay.role; every node is an endpoint)")
	f.StringSlice("relay-guardian", nil, "Guardians an Edge or WatchDog hands its evidence to: names or 0x wallets (key relay.guardians)")
	f.StringSlice("relay-watchdog", nil, "as a Guardian, the WatchDogs whose probes count (key relay.watchdogs)")
	f.StringSlice("relay-edge", nil, "as a WatchDog, the Edges to probe (key relay.edges)")
	f.String("relay-probe-partner", "", "as a WatchDog, the node that echoes its probes (key relay.probe-partner)")
	f.String("relay-epoch", "", "length of a relay epoch, e.g. 1h (default; key relay.epoch)")
	f.Int("relay-fee-bps", 200, "as a Guardian, its fee in basis points of each credit (key relay.fee-bps)")
	f.String("relay-contract", "", "the RelayCredits contract (key relay.contract; default: a Guardian deploys one, others read their Guardian's)")
	f.String("mq-gateway", "", "loopback host:port where NATS clients reach message queues (default 127.0.0.1:4222; off: none)")
	f.String("passphrase-file", "", "file holding the keystore passphrase (else ANYNET_PASSPHRASE or a prompt)")
	f.String("wallet", "", "which keystore wallet to use when it holds several")
	f.String("log-level", "", "debug, info (default), warn or error")
	f.String("log-format", "", "text (default) or json")
	f.String("contracts", "", `with --chain URL: "mainnet" for ENS's and did:ethr's mainnet addresses (explicit addresses below override them)`)
	f.String("registry", "", "with --chain URL: the ENS registry (default: anynet's deployment on the chain)")
	f.String("resolver", "", "with --chain URL: the public resolver new names point at")
	f.String("registrar", "", "with --chain URL: the first-come-first-served registrar of the TLD")
	f.String("reverse-registrar", "", "with --chain URL: the reverse registrar (addr.reverse)")
	f.String("did-registry", "", "with --chain URL: the ERC-1056 did:ethr registry")
	f.String("passes", "", "with --chain URL: the network passes contract")
	f.String("tld", "", "with --chain URL: the TLD the registrar hands out (default anynet; eth with --contracts mainnet)")
	return cmd
}
