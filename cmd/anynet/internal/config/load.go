package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/anynet/anynet/naming"
	"github.com/dustin/go-humanize"
	"github.com/spf13/cast"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// FlagOf maps a key to the flag that sets it, where the two differ.
var FlagOf = map[string]string{
	"peers":               "peer",
	"routers":             "router",
	"keystore.scrypt":     "scrypt",
	"mail.smtp":           "mail-smtp",
	"mail.imap":           "mail-imap",
	"mail.smtps":          "mail-smtps",
	"mail.imaps":          "mail-imaps",
	"mail.delay-notice":   "mail-delay-notice",
	"mail.quota":          "mail-quota",
	"mail.retention":      "mail-retention",
	"mail.tls-only":       "mail-tls-only",
	"mail.known-only":     "mail-known-only",
	"mail.deny":           "mail-deny",
	"content.cache-mib":   "content-cache-mib",
	"content.cache":       "content-cache",
	"relay.role":          "relay-role",
	"relay.guardians":     "relay-guardian",
	"relay.watchdogs":     "relay-watchdog",
	"relay.edges":         "relay-edge",
	"relay.probe-partner": "relay-probe-partner",
	"relay.epoch":         "relay-epoch",
	"relay.fee-bps":       "relay-fee-bps",
	"relay.contract":      "relay-contract",
}

// EnvOf returns the environment variable of a key: ANYNET_SERVE_CHAIN for
// serve-chain.
func EnvOf(key string) string {
	return "ANYNET_" + strings.NewReplacer("-", "_", ".", "_").Replace(strings.ToUpper(key))
}

// Environment variables that are not configuration keys but are read by
// the command.
const (
	EnvPassphrase = "ANYNET_PASSPHRASE"
	EnvConfig     = "ANYNET_CONFIG"
)

// NodeFile is the node's own config file in its data directory.
const NodeFile = "config.yaml"

// Source says where Load looks. The environment is the process's.
type Source struct {
	// Flags are the running command's flags; only those that were set
	// count. Nil means none.
	Flags *pflag.FlagSet
	// ConfigFile is --config; empty means ANYNET_CONFIG, else the default
	// file if it exists.
	ConfigFile string
}

// Load resolves the configuration from src, the environment, the files
// and the defaults, and validates it.
func Load(src Source) (Config, error) {
	if err := checkEnviron(os.Environ()); err != nil {
		return Config{}, err
	}
	userFile, explicit := src.ConfigFile, src.ConfigFile != ""
	if !explicit {
		if f, ok := os.LookupEnv(EnvConfig); ok && f != "" {
			userFile, explicit = f, true
		} else {
			userFile = DefaultFile(os.LookupEnv)
		}
	}
	user, err := readFile(userFile, explicit)
	if err != nil {
		return Config{}, err
	}
	def := Defaults(os.LookupEnv)

	// The data directory first: the node's file lives in it.
	dirv := viper.New()
	dirv.SetDefault("dir", def.Dir)
	if user != nil {
		if err := dirv.MergeConfigMap(user.AllSettings()); err != nil {
			return Config{}, err
		}
	}
	if err := bind(dirv, src.Flags, "dir"); err != nil {
		return Config{}, err
	}
	dir := dirv.GetString("dir")
	node, err := readFile(filepath.Join(dir, NodeFile), false)
	if err != nil {
		return Config{}, err
	}

	v := viper.New()
	setDefaults(v, def)
	if node != nil {
		if err := v.MergeConfigMap(node.AllSettings()); err != nil {
			return Config{}, err
		}
	}
	if user != nil {
		if err := v.MergeConfigMap(user.AllSettings()); err != nil {
			return Config{}, err
		}
	}
	for _, k := range Keys {
		if err := bind(v, src.Flags, k); err != nil {
			return Config{}, err
		}
	}
	c, err := decode(v)
	if err != nil {
		return Config{}, err
	}
	c.Dir = dir
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	if c.MailAt != "" && !isWallet(c.MailAt) {
		c.MailAt, _ = naming.Normalize(c.MailAt) // Validate checked it
	}
	return c, nil
}

// readFile reads a YAML config file and checks its keys. A missing file
// is nil, unless must.
func readFile(path string, must bool) (*viper.Viper, error) {
	if path == "" {
		return nil, nil
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) && !must {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: config file %s: %v", ErrInvalid, path, cleanErr(err))
	}
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("%w: config file %s is not valid YAML (%s): fix it or move it away", ErrInvalid, path, oneLine(err))
	}
	for _, k := range v.AllKeys() {
		if !known(k) {
			return nil, fmt.Errorf("%w: config file %s: unknown key %q (did you mean %q?)", ErrInvalid, path, k, Closest(k, Keys))
		}
	}
	return v, nil
}

func setDefaults(v *viper.Viper, d Config) {
	v.SetDefault("dir", d.Dir)
	v.SetDefault("listen", d.Listen)
	v.SetDefault("chain", d.Chain)
	v.SetDefault("mq-gateway", d.MQGateway)
	v.SetDefault("log-level", d.LogLevel)
	v.SetDefault("log-format", d.LogFormat)
	v.SetDefault("keystore.scrypt", d.Scrypt)
	v.SetDefault("mail.delay-notice", d.MailDelayNotice.String())
	v.SetDefault("mail.quota", humanize.IBytes(uint64(d.MailQuota)))
	v.SetDefault("mail.retention", d.MailRetention.String())
	for _, k := range append([]string{"wallet", "name", "publish-addr", "serve-chain", "passphrase-file", "mail-at", "mail.smtp", "mail.imap", "mail.smtps", "mail.imaps", "route-prefix", "exit-ports", "exit-region", "exit-price", "exit-credit", "exit-bytes", "exit-rate", "proxy", "proxy-max-price", "web-proxy", "stream-ingest"}, ContractKeys...) {
		v.SetDefault(k, "")
	}
	v.SetDefault("peers", []string{})
	v.SetDefault("routers", []string{})
	v.SetDefault("headless", false)
	v.SetDefault("mailbox", false)
	v.SetDefault("mail.tls-only", false)
	v.SetDefault("mail.known-only", false)
	v.SetDefault("mail.deny", []string{})
	v.SetDefault("exit", false)
	v.SetDefault("exit-allow", []string{})
	v.SetDefault("proxy-exits", []string{})
	v.SetDefault("exit-wallets", []string{})
	v.SetDefault("proxy-rules", []string{})
	v.SetDefault("mq-cluster", []string{})
	for _, k := range []string{"relay.role", "relay.guardians", "relay.watchdogs", "relay.edges"} {
		v.SetDefault(k, []string{})
	}
	v.SetDefault("relay.probe-partner", "")
	v.SetDefault("relay.contract", "")
	v.SetDefault("relay.epoch", d.RelayEpoch.String())
	v.SetDefault("relay.fee-bps", d.RelayFeeBps)
	v.SetDefault("punch", true)
}

// bind ties key to its environment variable and, if fs has it, its flag.
func bind(v *viper.Viper, fs *pflag.FlagSet, key string) error {
	if err := v.BindEnv(key, EnvOf(key)); err != nil {
		return err
	}
	if fs == nil {
		return nil
	}
	name := key
	if f, ok := FlagOf[key]; ok {
		name = f
	}
	if f := fs.Lookup(name); f != nil {
		return v.BindPFlag(key, f)
	}
	return nil
}

func decode(v *viper.Viper) (Config, error) {
	var c Config
	var err error
	str := func(k string) string { return cast.ToString(v.Get(k)) }
	boolean := func(k string) bool {
		if err != nil {
			return false
		}
		b, e := cast.ToBoolE(v.Get(k))
		if e != nil {
			err = fmt.Errorf("%w: %s %q: want true or false", ErrInvalid, k, cast.ToString(v.Get(k)))
		}
		return b
	}
	c.Wallet = str("wallet")
	c.Name = str("name")
	c.Listen = str("listen")
	c.PublishAddr = str("publish-addr")
	c.Peers = list(v.Get("peers"))
	c.Routers = list(v.Get("routers"))
	c.RoutePrefix = str("route-prefix")
	c.DisablePunch = !boolean("punch")
	c.Chain = str("chain")
	c.ServeChain = str("serve-chain")
	c.Headless = boolean("headless")
	c.Mailbox = boolean("mailbox")
	c.MailAt = str("mail-at")
	c.Exit = boolean("exit")
	c.ExitAllow = list(v.Get("exit-allow"))
	c.ExitPorts = str("exit-ports")
	c.ExitRegion = str("exit-region")
	c.ExitPrice = str("exit-price")
	c.ExitCredit = str("exit-credit")
	c.ExitWallets = list(v.Get("exit-wallets"))
	c.ExitBytes = str("exit-bytes")
	if r, b, e := parseSessionRate(str("exit-rate")); e != nil {
		if err == nil {
			err = e
		}
	} else {
		c.ExitRate, c.ExitRateBurst = r, b
	}
	c.Proxy = str("proxy")
	c.ProxyExits = list(v.Get("proxy-exits"))
	c.ProxyMaxPrice = str("proxy-max-price")
	c.ProxyRules = list(v.Get("proxy-rules"))
	c.MailSMTP = str("mail.smtp")
	c.MailIMAP = str("mail.imap")
	c.MailSMTPS = str("mail.smtps")
	c.MailIMAPS = str("mail.imaps")
	c.MailTLSOnly = boolean("mail.tls-only")
	c.MailKnownOnly = boolean("mail.known-only")
	c.MailDeny = list(v.Get("mail.deny"))
	duration := func(k, want string) time.Duration {
		d, e := time.ParseDuration(strings.TrimSpace(str(k)))
		if e != nil && err == nil {
			err = fmt.Errorf("%w: %s %q: want %s", ErrInvalid, k, str(k), want)
		}
		return d
	}
	c.MailDelayNotice = duration("mail.delay-notice", "a duration such as 4h or 30m")
	c.MailRetention = duration("mail.retention", "a duration such as 120h")
	if q, e := humanize.ParseBytes(str("mail.quota")); e != nil || q > 1<<62 {
		if err == nil {
			err = fmt.Errorf("%w: mail.quota %q: want a size such as 256MiB or 1GB", ErrInvalid, str("mail.quota"))
		}
	} else {
		c.MailQuota = int64(q)
	}
	c.MQGateway = str("mq-gateway")
	c.WebProxy = str("web-proxy")
	c.StreamIngest = str("stream-ingest")
	if x := v.Get("content.cache-mib"); x != nil && str("content.cache-mib") != "" {
		n, e := cast.ToIntE(x)
		if e != nil && err == nil {
			err = fmt.Errorf("%w: content.cache-mib %q: want a number of MiB", ErrInvalid, str("content.cache-mib"))
		}
		c.ContentCacheMiB, c.ContentCacheMiBSet = n, true
	}
	c.ContentCache = str("content.cache")
	c.MQCluster = list(v.Get("mq-cluster"))
	c.RelayRoles = list(v.Get("relay.role"))
	c.RelayGuardians = list(v.Get("relay.guardians"))
	c.RelayWatchDogs = list(v.Get("relay.watchdogs"))
	c.RelayEdges = list(v.Get("relay.edges"))
	c.RelayProbePartner = str("relay.probe-partner")
	c.RelayContract = str("relay.contract")
	c.RelayEpoch = duration("relay.epoch", "a duration such as 1h")
	if n, e := cast.ToIntE(v.Get("relay.fee-bps")); e != nil {
		if err == nil {
			err = fmt.Errorf("%w: relay.fee-bps %q: want basis points such as 200", ErrInvalid, str("relay.fee-bps"))
		}
	} else {
		c.RelayFeeBps = n
	}
	c.LogLevel = str("log-level")
	c.LogFormat = str("log-format")
	c.PassphraseFile = str("passphrase-file")
	c.Scrypt = str("keystore.scrypt")
	c.Contracts = Contracts{
		Preset: str("contracts"), Registry: str("registry"), Resolver: str("resolver"), Registrar: str("registrar"),
		ReverseRegistrar: str("reverse-registrar"), DIDRegistry: str("did-registry"), Passes: str("passes"), TLD: str("tld"),
	}
	return c, err
}

// list reads a string list from a YAML list, a flag's slice, or an
// environment variable separated by commas or spaces.
func list(x any) []string {
	var out []string
	for _, s := range cast.ToStringSlice(x) {
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '[' || r == ']' }) {
			out = append(out, f)
		}
	}
	return out
}

// checkEnviron refuses ANYNET_ variables that name no key.
func checkEnviron(environ []string) error {
	valid := map[string]bool{EnvPassphrase: true, EnvConfig: true}
	var names []string
	for _, k := range Keys {
		valid[EnvOf(k)] = true
		names = append(names, EnvOf(k))
	}
	names = append(names, EnvPassphrase, EnvConfig)
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "ANYNET_") && !valid[name] {
			return fmt.Errorf("%w: environment variable %s is not a setting (did you mean %s?)", ErrInvalid, name, Closest(name, names))
		}
	}
	return nil
}

func known(k string) bool {
	for _, x := range Keys {
		if x == k {
			return true
		}
	}
	return false
}

// Closest returns the candidate nearest to s in edit distance (ties: the
// first in sorted order).
func Closest(s string, candidates []string) string {
	c := append([]string(nil), candidates...)
	sort.Strings(c)
	best, bestD := "", -1
	for _, x := range c {
		if d := distance(strings.ToLower(s), strings.ToLower(x)); bestD < 0 || d < bestD {
			best, bestD = x, d
		}
	}
	return best
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

func cleanErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
