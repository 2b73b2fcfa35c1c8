package config

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/naming"
	"github.com/dustin/go-humanize"
	"github.com/ethereum/go-ethereum/common"
)

// ErrInvalid is wrapped by every error about a key or a value.
var ErrInvalid = errors.New("config: invalid configuration")

// Config is the resolved configuration of one command.
type Config struct {
	// Dir is the data directory: keystore, node key, store, chain,
	// control socket.
	Dir string
	// Wallet is the keystore address to use; empty means the only one.
	Wallet string
	// Name is the label to register on chain at `up` ("alice" for
	// alice.anynet); empty registers nothing.
	Name string
	// Listen is the UDP underlay address.
	Listen string
	// PublishAddr is the underlay endpoint written to the DID document;
	// empty means the listener's (loopback for a wildcard listener).
	PublishAddr string
	// Peers are static peers, "0x<wallet>@<ip:port>".
	Peers []string
	// Routers are the routers this node attaches to (a host) or
	// exchanges routes with (a router), "0x<wallet>@<ip:port>"; each one's
	// node key and subnet are read from its DID document.
	Routers []string
	// RoutePrefix, if set, makes the node a router that originates this
	// subnet ("segment.subnet/128" in hex, e.g. 2a.1/128): hosts that
	// attach to it take their locators there.
	RoutePrefix string
	// DisablePunch keeps this host's routed peers relayed by its router:
	// it never takes part in hole punching (key punch: false).
	DisablePunch bool
	// Chain is "embedded" or a JSON-RPC URL.
	Chain string
	// ServeChain is a loopback host:port serving the embedded chain.
	ServeChain string
	// Contracts say where the naming contracts are on a chain URL (keys
	// contracts, registry, resolver, registrar, reverse-registrar,
	// did-registry, passes, tld); zero: discover anynet's deployment.
	Contracts Contracts
	// Headless runs `up` without the TUI.
	Headless bool
	// Mailbox makes the node keep chat messages for offline wallets.
	Mailbox bool
	// MailAt names the node (a name or 0x wallet) that keeps this
	// wallet's chat messages while it is offline; it is published in the
	// wallet's DID document. Empty publishes none.
	MailAt string
	// Exit offers this node's IP to other wallets (apps/vpn): it dials
	// the destinations they ask for under the exit policy, and
	// advertises itself in the wallet's DID document.
	Exit bool
	// ExitAllow are ranges the exit serves although its safe default
	// refuses them (a lab's 10.0.0.0/8), CIDR prefixes.
	ExitAllow []string
	// ExitPorts are the only destination ports the exit serves
	// ("80,443,8000-8999"); empty: every port but 25.
	ExitPorts string
	// ExitWallets, if not empty, are the only wallets the exit serves
	// (names or 0x wallets, resolved when the node starts).
	ExitWallets []string
	// ExitBytes is each wallet's byte allowance, both ways, per window:
	// SIZE/DURATION ("1GiB/1h"); empty: none.
	ExitBytes string
	// ExitRate is each wallet's rate of new sessions (TCP connections,
	// UDP associations), from exit-rate "N/DURATION[,BURST]" ("5/s",
	// "100/1m,20"): sessions per second, and how many may open at once
	// (BURST; without it N, at least 1). Zero (the key unset) means the
	// exit's default, 20/s with a burst of 50; "off" is no limit, -1.
	ExitRate      float64
	ExitRateBurst int
	// ExitRegion is advertised with the exit (free text).
	ExitRegion string
	// ExitPrice is what the exit charges, advertised with it: "free"
	// (or empty), or AMOUNT/SIZE, wei per SIZE bytes both ways
	// ("1000/MiB"). A priced exit needs the node's payments on; it is
	// paid on the payment channels its clients open to it.
	ExitPrice string
	// ExitCredit is how much a client of a priced exit may use before it
	// pays (a size such as 4MiB; rounded up to whole units of the
	// price); empty: 1 MiB, at least two units.
	ExitCredit string
	// Proxy is a loopback host:port where the node serves a SOCKS5 and
	// HTTP proxy through exits; empty serves none.
	Proxy string
	// ProxyExits are the exits the proxy uses, best first (names or 0x
	// wallets), or "auto": the exits advertised on chain, ranked by
	// round trip.
	ProxyExits []string
	// ProxyRules send some domains through a given exit or past every
	// exit: "DOMAIN=EXIT" (a name or 0x wallet) or "DOMAIN=direct"; a
	// domain holds its subdomains, and the first rule that matches wins.
	ProxyRules []string
	// ProxyMaxPrice is the most the proxy pays exits, as ExitPrice
	// writes a price ("2000/MiB"): it pays each exit the rate the exit
	// advertises, from this node's payment channels under the "vpn"
	// budget, and does not use exits that ask more. Empty pays nothing
	// (priced exits serve such a client its credit, then refuse it).
	ProxyMaxPrice string
	// MailSMTP is the loopback host:port of the mail submission gateway
	// (SMTP, key mail.smtp); empty leaves it off.
	MailSMTP string
	// MailIMAP is the loopback host:port of the mail reading gateway
	// (IMAP, key mail.imap); empty leaves it off.
	MailIMAP string
	// MailSMTPS and MailIMAPS are loopback host:ports where the same
	// gateways speak TLS from the first byte (implicit TLS, RFC 8314:
	// ports 465 and 993 on a mail server; keys mail.smtps, mail.imaps);
	// empty leaves them off.
	MailSMTPS, MailIMAPS string
	// MailTLSOnly makes the gateways take a password only over TLS
	// (STARTTLS; key mail.tls-only); they always offer it.
	MailTLSOnly bool
	// MailKnownOnly refuses mail from senders the user has not allowed
	// or written to (key mail.known-only), instead of filing it in
	// Requests.
	MailKnownOnly bool
	// MailDeny are senders whose mail is always refused, names or 0x
	// wallets (key mail.deny), whatever the user allowed.
	MailDeny []string
	// MailDelayNotice is when a sender is told its mail is not delivered
	// yet (key mail.delay-notice, a duration such as 4h or 30m).
	MailDelayNotice time.Duration
	// MailQuota is how many bytes a mailbox node keeps per recipient
	// (key mail.quota, such as 256MiB or 1GB); published in its DID entry.
	MailQuota int64
	// MailRetention is how long a mailbox node keeps a message nobody
	// fetched, and how long a sender tries (key mail.retention, such as
	// 120h); published in its DID entry.
	MailRetention time.Duration
	// MQGateway is the loopback host:port where standard NATS clients
	// reach message queues (apps/mq); "off" runs none.
	MQGateway string
	// WebProxy is the loopback host:port of the web proxy for
	// http://NAME.anynet/ (apps/content; a PAC file at /proxy.pac);
	// empty serves none.
	WebProxy string
	// ContentCacheMiB caps the downloaded blobs the content service
	// keeps, in MiB (key content.cache-mib); 0 keeps everything. Unset
	// (ContentCacheMiBSet false) on a node that caches by default (a
	// router), DefaultRouterCacheMiB.
	ContentCacheMiB    int
	ContentCacheMiBSet bool
	// ContentCache says whether the content service is a cache (key
	// content.cache): it serves the public blobs it downloads, fills
	// itself when a host on its path asks (Want) and is named to the
	// publisher. "auto" (or empty): on for a router (route-prefix set),
	// off otherwise; "on"; "off".
	ContentCache string
	// StreamIngest is the loopback host:port where encoders push live
	// streams (apps/stream; HLS over HTTP PUT); empty picks a free port,
	// "off" runs none.
	StreamIngest string
	// MQCluster are the other members (names or 0x wallets) of a
	// replicated cluster of message queues (apps/mq) this node joins; each
	// member lists the others. Empty runs the queues alone.
	MQCluster []string
	// RelayRoles are what the node does for relay incentives (apps/relay;
	// key relay.role): edge, watchdog and/or guardian. Every node is an
	// endpoint that signs receipts for what Edges deliver to it.
	RelayRoles []string
	// RelayGuardians are the Guardians (names or 0x wallets) that Edges
	// and WatchDogs hand evidence to and claims are fetched from (key
	// relay.guardians); a Guardian lists itself or nothing.
	RelayGuardians []string
	// RelayWatchDogs are the WatchDogs whose probes count (key
	// relay.watchdogs): a Guardian's rules.
	RelayWatchDogs []string
	// RelayEdges are the Edges a WatchDog probes (key relay.edges), with
	// flows echoed by RelayProbePartner (key relay.probe-partner), a node
	// of the WatchDog's operator.
	RelayEdges        []string
	RelayProbePartner string
	// RelayEpoch is the length of an epoch (key relay.epoch); all roles
	// of a network agree on it.
	RelayEpoch time.Duration
	// RelayFeeBps is a Guardian's fee in basis points of each credit (key
	// relay.fee-bps), shown to Edges before settlement.
	RelayFeeBps int
	// RelayContract is the RelayCredits deployment (key relay.contract);
	// empty: a Guardian on a test chain deploys one (its DID entry names
	// it), other roles take the one their first Guardian names.
	RelayContract string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// LogFormat is text or json.
	LogFormat string
	// PassphraseFile holds the keystore passphrase.
	PassphraseFile string
	// Scrypt is the cost of new key files: standard or light.
	Scrypt string
}

// DefaultRouterCacheMiB caps a router's content cache when
// content.cache-mib is not set.
const DefaultRouterCacheMiB = 1024

// CachesContent reports whether the node's content service is a cache
// (content.cache, "auto": when it routes).
func (c Config) CachesContent() bool {
	return c.ContentCache == "on" || (c.ContentCache != "off" && c.RoutePrefix != "")
}

// ContentCacheBytes is the cap of the content cache in bytes, 0 for
// none.
func (c Config) ContentCacheBytes() int64 {
	if !c.ContentCacheMiBSet && c.RoutePrefix != "" && c.CachesContent() {
		return DefaultRouterCacheMiB << 20
	}
	return int64(c.ContentCacheMiB) << 20
}

// Keys are the valid configuration keys, as written in a config file.
var Keys = []string{
	"dir", "wallet", "name", "listen", "publish-addr", "peers", "routers",
	"route-prefix", "punch", "chain", "serve-chain", "headless", "mailbox", "mail-at", "mail.smtp", "mail.imap", "mail.smtps", "mail.imaps", "mail.tls-only", "mail.known-only", "mail.deny", "mail.delay-notice", "mail.quota", "mail.retention", "mq-gateway", "mq-cluster", "web-proxy", "content.cache-mib", "content.cache", "stream-ingest", "log-level", "log-format",
	"relay.role", "relay.guardians", "relay.watchdogs", "relay.edges", "relay.probe-partner", "relay.epoch", "relay.fee-bps", "relay.contract",
	"exit", "exit-allow", "exit-ports", "exit-region", "exit-price", "exit-credit", "exit-wallets", "exit-bytes", "exit-rate", "proxy", "proxy-exits", "proxy-rules", "proxy-max-price",
	"passphrase-file", "keystore.scrypt",
	"contracts", "registry", "resolver", "registrar", "reverse-registrar", "did-registry", "passes", "tld",
}

// Accepted values of the enumerated keys.
var (
	LogLevels  = []string{"debug", "info", "warn", "error"}
	LogFormats = []string{"text", "json"}
	ScryptCost = []string{"standard", "light"}
)

// DefaultListen is the UDP port a node listens on when nothing says
// otherwise: unprivileged, on every interface.
const DefaultListen = ":4747"

// Mail's defaults: the delay notice, a mailbox's quota per recipient
// and its retention (apps/mail's own).
const (
	DefaultMailDelayNotice = 4 * time.Hour
	DefaultMailQuota       = 256 << 20
	DefaultMailRetention   = 5 * 24 * time.Hour
)

// DefaultMQGateway is where the message queues' gateway listens when
// nothing says otherwise (NATS's own port, on loopback).
const DefaultMQGateway = "127.0.0.1:4222"

// Relay incentives' defaults: an hour's epoch and a 2 % Guardian fee
// (apps/relay.DefaultParams).
const (
	DefaultRelayEpoch  = time.Hour
	DefaultRelayFeeBps = 200
)

// Defaults returns the configuration used when nothing is set. env looks
// up environment variables (os.LookupEnv in the command).
func Defaults(env func(string) (string, bool)) Config {
	return Config{
		Dir:       DefaultDir(env),
		Listen:    DefaultListen,
		Chain:     "embedded",
		MQGateway: DefaultMQGateway,
		LogLevel:  "info",
		LogFormat: "text",
		Scrypt:    "standard",

		MailDelayNotice: DefaultMailDelayNotice,
		MailQuota:       DefaultMailQuota,
		MailRetention:   DefaultMailRetention,

		RelayEpoch:  DefaultRelayEpoch,
		RelayFeeBps: DefaultRelayFeeBps,
	}
}

// DefaultDir is $XDG_DATA_HOME/anynet, else ~/.local/share/anynet.
func DefaultDir(env func(string) (string, bool)) string {
	if d, ok := env("XDG_DATA_HOME"); ok && d != "" {
		return filepath.Join(d, "anynet")
	}
	if h, ok := env("HOME"); ok && h != "" {
		return filepath.Join(h, ".local", "share", "anynet")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "anynet")
	}
	return "anynet"
}

// DefaultFile is $XDG_CONFIG_HOME/anynet/config.yaml, else
// ~/.config/anynet/config.yaml.
func DefaultFile(env func(string) (string, bool)) string {
	if d, ok := env("XDG_CONFIG_HOME"); ok && d != "" {
		return filepath.Join(d, "anynet", "config.yaml")
	}
	if h, ok := env("HOME"); ok && h != "" {
		return filepath.Join(h, ".config", "anynet", "config.yaml")
	}
	return ""
}

// Validate checks every value; the error names the key and what it
// accepts.
func (c Config) Validate() error {
	if c.Dir == "" {
		return invalid("dir", c.Dir, "a directory path")
	}
	if err := oneOf("log-level", c.LogLevel, LogLevels); err != nil {
		return err
	}
	if err := oneOf("log-format", c.LogFormat, LogFormats); err != nil {
		return err
	}
	if err := oneOf("keystore.scrypt", c.Scrypt, ScryptCost); err != nil {
		return err
	}
	if c.Wallet != "" && !isWallet(c.Wallet) {
		return invalid("wallet", c.Wallet, "a wallet address, 0x and 40 hex digits")
	}
	if _, err := ParseHostPort(c.Listen); err != nil {
		return invalid("listen", c.Listen, "a UDP address host:port, e.g. :4747 or 127.0.0.1:0")
	}
	if c.PublishAddr != "" {
		if ap, err := netip.ParseAddrPort(c.PublishAddr); err != nil || ap.Port() == 0 {
			return invalid("publish-addr", c.PublishAddr, "an IP address and non-zero port, e.g. 192.0.2.7:4747")
		}
	}
	for _, p := range c.Peers {
		if _, _, err := ParsePeer(p); err != nil {
			return invalid("peers", p, "0x<wallet>@<ip:port>")
		}
	}
	for _, p := range c.Routers {
		if _, _, err := ParsePeer(p); err != nil {
			return invalid("routers", p, "0x<wallet>@<ip:port>")
		}
	}
	if c.RoutePrefix != "" {
		if p, err := locator.ParsePrefix(c.RoutePrefix); err != nil || p.Bits() != locator.SubnetPrefixBits {
			return invalid("route-prefix", c.RoutePrefix, "a subnet, segment.subnet/128 in hex, e.g. 2a.1/128")
		}
	}
	if c.Chain != "embedded" && !isURL(c.Chain) {
		return invalid("chain", c.Chain, `"embedded" or a JSON-RPC URL (http://, https://, ws://, wss://, or a .ipc path)`)
	}
	for _, k := range []struct{ key, v string }{{"mail.smtp", c.MailSMTP}, {"mail.imap", c.MailIMAP}, {"mail.smtps", c.MailSMTPS}, {"mail.imaps", c.MailIMAPS}} {
		if k.v == "" {
			continue
		}
		if ap, err := netip.ParseAddrPort(k.v); err != nil || !ap.Addr().IsLoopback() {
			return invalid(k.key, k.v, "a loopback host:port such as 127.0.0.1:2525 (the gateways serve the local user only)")
		}
	}
	if c.MailDelayNotice <= 0 {
		return invalid("mail.delay-notice", c.MailDelayNotice.String(), "a positive duration such as 4h or 30m")
	}
	if c.MailRetention < time.Hour {
		return invalid("mail.retention", c.MailRetention.String(), "a duration of an hour or more, such as 120h")
	}
	if c.MailQuota < 1<<20 {
		return invalid("mail.quota", strconv.FormatInt(c.MailQuota, 10), "a size of 1MiB or more, such as 256MiB or 1GB")
	}
	if c.MailAt != "" && !isWallet(c.MailAt) {
		if _, err := naming.Normalize(c.MailAt); err != nil {
			return invalid("mail-at", c.MailAt, "a name (ENSIP-15) or a 0x wallet")
		}
	}
	for _, p := range c.ExitAllow {
		if _, err := netip.ParsePrefix(p); err != nil {
			return invalid("exit-allow", p, "a CIDR prefix, e.g. 10.0.0.0/8")
		}
	}
	if c.ExitPorts != "" && !validPorts(c.ExitPorts) {
		return invalid("exit-ports", c.ExitPorts, "ports and ranges, e.g. 80,443,8000-8999")
	}
	for _, w := range c.ExitWallets {
		if !isWallet(w) {
			if _, err := naming.Normalize(w); err != nil {
				return invalid("exit-wallets", w, "a name (ENSIP-15) or a 0x wallet")
			}
		}
	}
	for _, w := range c.MailDeny {
		if !isWallet(w) {
			if _, err := naming.Normalize(w); err != nil {
				return invalid("mail.deny", w, "a name (ENSIP-15) or a 0x wallet")
			}
		}
	}
	if c.ExitBytes != "" && !validAllowance(c.ExitBytes) {
		return invalid("exit-bytes", c.ExitBytes, "a size per duration, e.g. 1GiB/1h")
	}
	for _, r := range c.ProxyRules {
		if d, e, ok := strings.Cut(r, "="); !ok || d == "" || e == "" {
			return invalid("proxy-rules", r, "DOMAIN=EXIT or DOMAIN=direct, e.g. example.com=direct")
		}
	}
	if !validPrice(c.ExitPrice, true) {
		return invalid("exit-price", c.ExitPrice, "free, or wei per size, e.g. 1000/MiB")
	}
	if c.ExitCredit != "" && !validSize(c.ExitCredit) {
		return invalid("exit-credit", c.ExitCredit, "a size such as 4MiB")
	}
	if !validPrice(c.ProxyMaxPrice, false) {
		return invalid("proxy-max-price", c.ProxyMaxPrice, "wei per size, e.g. 2000/MiB")
	}
	if c.WebProxy != "" && !IsLoopback(c.WebProxy) {
		return invalid("web-proxy", c.WebProxy, "a loopback host:port, e.g. 127.0.0.1:8080 (the proxy asks no credentials)")
	}
	if c.StreamIngest != "" && c.StreamIngest != "off" && !IsLoopback(c.StreamIngest) {
		return invalid("stream-ingest", c.StreamIngest, "a loopback host:port, e.g. 127.0.0.1:4201, or off (the key in its URLs is the only credential)")
	}
	switch c.ContentCache {
	case "", "auto", "on", "off":
	default:
		return invalid("content.cache", c.ContentCache, "auto, on or off")
	}
	if c.ContentCacheMiB < 0 {
		return invalid("content.cache-mib", fmt.Sprint(c.ContentCacheMiB), "a number of MiB from 0 (0: no cap)")
	}
	if c.Proxy != "" && !IsLoopback(c.Proxy) {
		return invalid("proxy", c.Proxy, "a loopback host:port, e.g. 127.0.0.1:1080 (the proxy asks no credentials)")
	}
	if c.Proxy != "" && len(c.ProxyExits) == 0 {
		return fmt.Errorf("%w: proxy %q: set proxy-exits (names, 0x wallets, or auto)", ErrInvalid, c.Proxy)
	}
	if err := c.Contracts.validate(c.Chain); err != nil {
		return err
	}
	for _, r := range c.RelayRoles {
		if r != "edge" && r != "watchdog" && r != "guardian" {
			return invalid("relay.role", r, "edge, watchdog or guardian")
		}
	}
	if c.RelayEpoch < time.Second {
		return invalid("relay.epoch", c.RelayEpoch.String(), "a duration of a second or more, such as 1h")
	}
	if c.RelayFeeBps < 0 || c.RelayFeeBps > 10_000 {
		return invalid("relay.fee-bps", strconv.Itoa(c.RelayFeeBps), "basis points from 0 to 10000 (200 is 2 %)")
	}
	if c.RelayContract != "" && !common.IsHexAddress(c.RelayContract) {
		return invalid("relay.contract", c.RelayContract, "a 0x address of RelayCredits")
	}
	if c.MQGateway != "off" && !IsLoopback(c.MQGateway) {
		return invalid("mq-gateway", c.MQGateway, "a loopback host:port, e.g. 127.0.0.1:4222 or 127.0.0.1:0, or off")
	}
	if c.ServeChain != "" {
		if c.Chain != "embedded" {
			return fmt.Errorf("%w: serve-chain %q: only the embedded chain can be served (chain is %q)", ErrInvalid, c.ServeChain, c.Chain)
		}
		if !IsLoopback(c.ServeChain) {
			return invalid("serve-chain", c.ServeChain, "a loopback host:port, e.g. 127.0.0.1:8545 or 127.0.0.1:0")
		}
	}
	return nil
}

func invalid(key, value, want string) error {
	return fmt.Errorf("%w: %s %q: want %s", ErrInvalid, key, value, want)
}

func oneOf(key, value string, accepted []string) error {
	for _, a := range accepted {
		if value == a {
			return nil
		}
	}
	return fmt.Errorf("%w: %s %q: want one of %s", ErrInvalid, key, value, strings.Join(accepted, ", "))
}

func isWallet(s string) bool {
	if len(s) != 42 || !strings.HasPrefix(s, "0x") {
		return false
	}
	for _, r := range s[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

func isURL(s string) bool {
	for _, p := range []string{"http://", "https://", "ws://", "wss://"} {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return true
		}
	}
	return strings.HasSuffix(s, ".ipc")
}

// ParseHostPort checks a "host:port" whose host may be empty.
func ParseHostPort(s string) (string, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", fmt.Errorf("missing port")
	}
	port := s[i+1:]
	if port == "" {
		return "", fmt.Errorf("missing port")
	}
	var n int
	for _, r := range port {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("bad port")
		}
		n = n*10 + int(r-'0')
		if n > 65535 {
			return "", fmt.Errorf("bad port")
		}
	}
	return s, nil
}

// IsLoopback reports whether addr is host:port with a loopback host (or
// localhost).
func IsLoopback(addr string) bool {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return false
	}
	if _, err := ParseHostPort(addr); err != nil {
		return false
	}
	host := strings.Trim(addr[:i], "[]")
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// ParsePeer parses "0x<wallet>@<ip:port>".
func ParsePeer(s string) (wallet string, addr netip.AddrPort, err error) {
	w, a, ok := strings.Cut(s, "@")
	if !ok || !isWallet(w) {
		return "", netip.AddrPort{}, fmt.Errorf("%w: peer %q: want 0x<wallet>@<ip:port>", ErrInvalid, s)
	}
	ap, err := netip.ParseAddrPort(a)
	if err != nil || ap.Port() == 0 {
		return "", netip.AddrPort{}, fmt.Errorf("%w: peer %q: want 0x<wallet>@<ip:port>", ErrInvalid, s)
	}
	return w, ap, nil
}

// validPrice checks "", "AMOUNT/SIZE" and, if free is, "free"
// (vpn.ParsePrice parses it).
func validPrice(s string, free bool) bool {
	if s == "" || free && s == "free" {
		return true
	}
	amount, size, ok := strings.Cut(s, "/")
	if !ok || amount == "" || strings.Trim(amount, "0123456789") != "" || len(amount) > 77 {
		return false
	}
	return validSize(size)
}

// parseSessionRate parses exit-rate: "N/DURATION[,BURST]" ("20/s",
// "100/1m,20", a duration without a number meaning one of it), or
// "off" (-1, 0: no limit). The empty string is 0, 0: the default.
func parseSessionRate(s string) (perSecond float64, burst int, err error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return 0, 0, nil
	case "off":
		return -1, 0, nil
	}
	bad := invalid("exit-rate", s, "sessions per duration and an optional burst, e.g. 20/s or 100/1m,20, or off")
	spec, b, hasBurst := strings.Cut(s, ",")
	count, per, ok := strings.Cut(spec, "/")
	n, e1 := strconv.ParseFloat(strings.TrimSpace(count), 64)
	per = strings.TrimSpace(per)
	if per != "" && (per[0] < '0' || per[0] > '9') {
		per = "1" + per
	}
	d, e2 := time.ParseDuration(per)
	if !ok || e1 != nil || e2 != nil || n <= 0 || math.IsInf(n, 0) || d <= 0 {
		return 0, 0, bad
	}
	burst = max(int(math.Ceil(n)), 1)
	if hasBurst {
		if burst, err = strconv.Atoi(strings.TrimSpace(b)); err != nil || burst < 1 {
			return 0, 0, bad
		}
	}
	return n / d.Seconds(), burst, nil
}

// validAllowance checks "1GiB/1h".
func validAllowance(s string) bool {
	size, window, ok := strings.Cut(s, "/")
	d, err := time.ParseDuration(window)
	return ok && err == nil && d > 0 && validSize(size)
}

// validSize checks a byte count: "1048576", "MiB", "64KiB".
func validSize(s string) bool {
	t := strings.TrimSpace(s)
	if t != "" && (t[0] < '0' || t[0] > '9') {
		t = "1" + t
	}
	n, err := humanize.ParseBytes(t)
	return err == nil && n > 0 && n <= 1<<50
}

// validPorts checks "80,443,8000-8999" (vpn.ParsePorts parses it).
func validPorts(s string) bool {
	for _, f := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(f), "-")
		a, err := strconv.ParseUint(lo, 10, 16)
		if err != nil || a == 0 {
			return false
		}
		if isRange {
			if b, err := strconv.ParseUint(hi, 10, 16); err != nil || b < a {
				return false
			}
		}
	}
	return true
}
