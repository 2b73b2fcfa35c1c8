package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// env isolates a test from the user's environment: empty XDG dirs under
// t.TempDir and no ANYNET_ variables.
func env(t *testing.T) (cfgHome, dataHome string) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "ANYNET_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	cfgHome, dataHome = t.TempDir(), t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfgHome)
	t.Setenv("XDG_DATA_HOME", dataHome)
	return
}

func flags(args ...string) *pflag.FlagSet {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.String("dir", "", "")
	fs.String("listen", "", "")
	fs.String("chain", "", "")
	fs.String("serve-chain", "", "")
	fs.String("log-level", "", "")
	fs.StringSlice("peer", nil, "")
	fs.Bool("headless", false, "")
	fs.String("scrypt", "", "")
	fs.String("mail-delay-notice", "", "")
	fs.Bool("mail-known-only", false, "")
	fs.StringSlice("mail-deny", nil, "")
	for _, k := range ContractKeys {
		fs.String(k, "", "")
	}
	if err := fs.Parse(args); err != nil {
		panic(err)
	}
	return fs
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

const peerA = "0x1111111111111111111111111111111111111111@127.0.0.1:4000"
const peerB = "0x2222222222222222222222222222222222222222@127.0.0.1:4001"

func TestPrecedence(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		userFile string // $XDG_CONFIG_HOME/anynet/config.yaml
		nodeFile string // DIR/config.yaml
		check    func(t *testing.T, c Config, dataHome string)
	}{
		{"defaults with nothing set", nil, nil, "", "", func(t *testing.T, c Config, dataHome string) {
			want := Config{Dir: filepath.Join(dataHome, "anynet"), Listen: DefaultListen, Chain: "embedded", LogLevel: "info", LogFormat: "text", Scrypt: "standard"}
			if c.Dir != want.Dir || c.Listen != want.Listen || c.Chain != want.Chain || c.LogLevel != want.LogLevel || c.Scrypt != want.Scrypt || c.Headless || len(c.Peers) != 0 {
				t.Errorf("got %+v, want %+v", c, want)
			}
		}},
		{"punch on by default", nil, nil, "", "", func(t *testing.T, c Config, _ string) {
			if c.DisablePunch {
				t.Error("punching disabled with nothing set")
			}
		}},
		{"punch off in the node file", nil, nil, "", "punch: false\n", func(t *testing.T, c Config, _ string) {
			if !c.DisablePunch {
				t.Error("punch: false did not disable punching")
			}
		}},
		{"punch env over node file", nil, map[string]string{"ANYNET_PUNCH": "true"}, "", "punch: false\n", func(t *testing.T, c Config, _ string) {
			if c.DisablePunch {
				t.Error("ANYNET_PUNCH=true did not win over the node file")
			}
		}},
		{"node file over defaults", nil, nil, "", "listen: 127.0.0.1:5000\nname: alice\n", func(t *testing.T, c Config, _ string) {
			if c.Listen != "127.0.0.1:5000" || c.Name != "alice" {
				t.Errorf("listen %q name %q", c.Listen, c.Name)
			}
		}},
		{"user file over node file", nil, nil, "listen: 127.0.0.1:6000\n", "listen: 127.0.0.1:5000\nname: alice\n", func(t *testing.T, c Config, _ string) {
			if c.Listen != "127.0.0.1:6000" || c.Name != "alice" {
				t.Errorf("listen %q name %q", c.Listen, c.Name)
			}
		}},
		{"env over file", nil, map[string]string{"ANYNET_LISTEN": "127.0.0.1:7000", "ANYNET_KEYSTORE_SCRYPT": "light"}, "listen: 127.0.0.1:6000\nkeystore:\n  scrypt: standard\n", "", func(t *testing.T, c Config, _ string) {
			if c.Listen != "127.0.0.1:7000" || c.Scrypt != "light" {
				t.Errorf("listen %q scrypt %q", c.Listen, c.Scrypt)
			}
		}},
		{"flag over env", []string{"--listen", "127.0.0.1:8000"}, map[string]string{"ANYNET_LISTEN": "127.0.0.1:7000"}, "", "", func(t *testing.T, c Config, _ string) {
			if c.Listen != "127.0.0.1:8000" {
				t.Errorf("listen %q", c.Listen)
			}
		}},
		{"unset flag does not hide env", []string{"--chain", "embedded"}, map[string]string{"ANYNET_LISTEN": "127.0.0.1:7000"}, "", "", func(t *testing.T, c Config, _ string) {
			if c.Listen != "127.0.0.1:7000" {
				t.Errorf("listen %q", c.Listen)
			}
		}},
		{"peers from file, env and flags", nil, map[string]string{"ANYNET_PEERS": peerA + "," + peerB}, "peers: [" + peerA + "]\n", "", func(t *testing.T, c Config, _ string) {
			if len(c.Peers) != 2 || c.Peers[1] != peerB {
				t.Errorf("peers %q", c.Peers)
			}
		}},
		{"peer flags", []string{"--peer", peerA, "--peer", peerB}, nil, "", "", func(t *testing.T, c Config, _ string) {
			if len(c.Peers) != 2 || c.Peers[0] != peerA {
				t.Errorf("peers %q", c.Peers)
			}
		}},
		{"dir from user file finds node file", nil, nil, "dir: DATA/elsewhere\n", "", func(t *testing.T, c Config, dataHome string) {
			if c.Dir != filepath.Join(dataHome, "elsewhere") || c.Name != "bob" {
				t.Errorf("dir %q name %q", c.Dir, c.Name)
			}
		}},
		{"bool from env", nil, map[string]string{"ANYNET_HEADLESS": "true"}, "", "", func(t *testing.T, c Config, _ string) {
			if !c.Headless {
				t.Error("headless not set")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfgHome, dataHome := env(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if tt.userFile != "" {
				write(t, filepath.Join(cfgHome, "anynet", "config.yaml"), strings.ReplaceAll(tt.userFile, "DATA", dataHome))
			}
			if tt.nodeFile != "" {
				write(t, filepath.Join(dataHome, "anynet", NodeFile), tt.nodeFile)
			}
			if strings.Contains(tt.userFile, "elsewhere") {
				write(t, filepath.Join(dataHome, "elsewhere", NodeFile), "name: bob\n")
			}
			c, err := Load(Source{Flags: flags(tt.args...)})
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c, dataHome)
		})
	}
}

func TestExplicitConfigFile(t *testing.T) {
	cfgHome, _ := env(t)
	write(t, filepath.Join(cfgHome, "anynet", "config.yaml"), "listen: 127.0.0.1:1000\n")
	other := filepath.Join(t.TempDir(), "other.yaml")
	write(t, other, "listen: 127.0.0.1:2000\nlog-format: json\n")
	for _, tt := range []struct {
		name string
		src  Source
		env  string
		want string
	}{
		{"default file", Source{}, "", "127.0.0.1:1000"},
		{"--config", Source{ConfigFile: other}, "", "127.0.0.1:2000"},
		{"ANYNET_CONFIG", Source{}, other, "127.0.0.1:2000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv(EnvConfig, tt.env)
			}
			c, err := Load(tt.src)
			if err != nil || c.Listen != tt.want {
				t.Fatalf("listen %q, %v; want %q", c.Listen, err, tt.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		userFile string
		explicit string // --config
		want     []string
	}{
		{"unknown key in file", nil, nil, "listne: :1\n", "", []string{`unknown key "listne"`, `did you mean "listen"`}},
		{"unknown nested key", nil, nil, "keystore:\n  scrpyt: light\n", "", []string{`"keystore.scrpyt"`, `"keystore.scrypt"`}},
		{"unknown env", nil, map[string]string{"ANYNET_SERVECHAIN": "x"}, "", "", []string{"ANYNET_SERVECHAIN", "did you mean ANYNET_SERVE_CHAIN"}},
		{"corrupt yaml", nil, nil, "listen: [unclosed\n", "", []string{"not valid YAML", "fix it or move it away"}},
		{"missing explicit config", nil, nil, "", "/nonexistent/anynet.yaml", []string{"/nonexistent/anynet.yaml", "no such file"}},
		{"bad log level", []string{"--log-level", "loud"}, nil, "", "", []string{`log-level "loud"`, "debug, info, warn, error"}},
		{"bad scrypt", nil, map[string]string{"ANYNET_KEYSTORE_SCRYPT": "cheap"}, "", "", []string{"keystore.scrypt", "standard, light"}},
		{"bad chain", []string{"--chain", "mainnet"}, nil, "", "", []string{`chain "mainnet"`, `"embedded" or a JSON-RPC URL`}},
		{"serve-chain not loopback", []string{"--serve-chain", "0.0.0.0:8545"}, nil, "", "", []string{"serve-chain", "loopback"}},
		{"serve remote chain", []string{"--chain", "http://127.0.0.1:8545", "--serve-chain", "127.0.0.1:0"}, nil, "", "", []string{"only the embedded chain"}},
		{"bad listen", []string{"--listen", "4747"}, nil, "", "", []string{`listen "4747"`, "host:port"}},
		{"bad peer", []string{"--peer", "bob@127.0.0.1:1"}, nil, "", "", []string{"peers", "0x<wallet>@<ip:port>"}},
		{"bad bool", nil, map[string]string{"ANYNET_MAILBOX": "maybe"}, "", "", []string{`mailbox "maybe"`, "true or false"}},
		{"bad punch", nil, map[string]string{"ANYNET_PUNCH": "sometimes"}, "", "", []string{`punch "sometimes"`, "true or false"}},
		{"route-prefix not a subnet", nil, map[string]string{"ANYNET_ROUTE_PREFIX": "2a/64"}, "", "", []string{`route-prefix "2a/64"`, "segment.subnet/128"}},
		{"bad mail delay", []string{"--mail-delay-notice", "4 hours"}, nil, "", "", []string{`mail.delay-notice "4 hours"`, "4h or 30m"}},
		{"bad mail quota", nil, map[string]string{"ANYNET_MAIL_QUOTA": "lots"}, "", "", []string{`mail.quota "lots"`, "256MiB"}},
		{"tiny mail quota", nil, nil, "mail:\n  quota: 10kB\n", "", []string{`mail.quota "10000"`, "1MiB or more"}},
		{"bad mail.deny", []string{"--mail-deny", "bob!"}, nil, "", "", []string{`mail.deny "bob!"`, "a name (ENSIP-15) or a 0x wallet"}},
		{"short mail retention", nil, map[string]string{"ANYNET_MAIL_RETENTION": "5m"}, "", "", []string{"mail.retention", "an hour or more"}},
		{"route-prefix garbage", nil, nil, "route-prefix: two.a/128\n", "", []string{`route-prefix "two.a/128"`, "e.g. 2a.1/128"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfgHome, _ := env(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if tt.userFile != "" {
				write(t, filepath.Join(cfgHome, "anynet", "config.yaml"), tt.userFile)
			}
			_, err := Load(Source{Flags: flags(tt.args...), ConfigFile: tt.explicit})
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestMailKeys: the mail keys' defaults, and each source setting them
// (flag, environment, file, in the house's forms).
func TestMailKeys(t *testing.T) {
	env(t)
	c, err := Load(Source{Flags: flags()})
	if err != nil {
		t.Fatal(err)
	}
	if c.MailDelayNotice != 4*time.Hour || c.MailQuota != 256<<20 || c.MailRetention != 120*time.Hour || c.MailKnownOnly || len(c.MailDeny) != 0 {
		t.Fatalf("defaults: delay %v, quota %d, retention %v, known-only %v, deny %v", c.MailDelayNotice, c.MailQuota, c.MailRetention, c.MailKnownOnly, c.MailDeny)
	}
	cfgHome, _ := env(t)
	write(t, filepath.Join(cfgHome, "anynet", "config.yaml"), "mail:\n  quota: 1GB\n  retention: 48h\n")
	t.Setenv("ANYNET_MAIL_RETENTION", "72h")
	c, err = Load(Source{Flags: flags("--mail-delay-notice", "30m")})
	if err != nil {
		t.Fatal(err)
	}
	if c.MailDelayNotice != 30*time.Minute || c.MailQuota != 1e9 || c.MailRetention != 72*time.Hour {
		t.Fatalf("set: delay %v, quota %d, retention %v", c.MailDelayNotice, c.MailQuota, c.MailRetention)
	}

	// mail.known-only and mail.deny: from a file, the environment, flags.
	deny := "0x1111111111111111111111111111111111111111"
	cfgHome, _ = env(t)
	write(t, filepath.Join(cfgHome, "anynet", "config.yaml"), "mail:\n  known-only: true\n  deny: [carol, "+deny+"]\n")
	if c, err = Load(Source{Flags: flags()}); err != nil {
		t.Fatal(err)
	}
	if !c.MailKnownOnly || strings.Join(c.MailDeny, ",") != "carol,"+deny {
		t.Fatalf("from the file: known-only %v, deny %v", c.MailKnownOnly, c.MailDeny)
	}
	t.Setenv("ANYNET_MAIL_KNOWN_ONLY", "false")
	if c, err = Load(Source{Flags: flags("--mail-deny", "dave", "--mail-deny", "erin.eth")}); err != nil {
		t.Fatal(err)
	}
	if c.MailKnownOnly || strings.Join(c.MailDeny, ",") != "dave,erin.eth" {
		t.Fatalf("from env and flags: known-only %v, deny %v", c.MailKnownOnly, c.MailDeny)
	}
	if c, err = Load(Source{Flags: flags("--mail-known-only")}); err != nil || !c.MailKnownOnly {
		t.Fatalf("--mail-known-only: %v %v", c.MailKnownOnly, err)
	}
}

func TestClosest(t *testing.T) {
	for in, want := range map[string]string{"listne": "listen", "peer": "peers", "servechain": "serve-chain", "logformat": "log-format"} {
		if got := Closest(in, Keys); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteAtomicRefusesClobber(t *testing.T) {
	dir := t.TempDir()
	if err := WriteNodeFile(dir, "0x1111111111111111111111111111111111111111", "alice"); err != nil {
		t.Fatal(err)
	}
	if err := WriteNodeFile(dir, "0x2222222222222222222222222222222222222222", "bob"); err == nil {
		t.Fatal("second write replaced the file")
	}
	b, _ := os.ReadFile(filepath.Join(dir, NodeFile))
	if !strings.Contains(string(b), "0x1111") || !strings.Contains(string(b), "alice") {
		t.Errorf("file changed: %q", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("left temporary files: %v", ents)
	}
}

// TestExitRate: exit-rate "N/DURATION[,BURST]" becomes sessions per
// second and a burst (N without one, at least 1), "off" no limit, unset
// the exit's default; anything else is ErrInvalid naming the key.
func TestExitRate(t *testing.T) {
	for _, tt := range []struct {
		in    string
		rate  float64
		burst int
	}{
		{"", 0, 0},
		{"off", -1, 0},
		{"5/s", 5, 5},
		{"5/1s", 5, 5},
		{"100/1m,20", 100.0 / 60, 20},
		{"0.5/s", 0.5, 1},
		{" 30/h , 3 ", 30.0 / 3600, 3},
	} {
		env(t)
		if tt.in != "" {
			t.Setenv("ANYNET_EXIT_RATE", tt.in)
		}
		c, err := Load(Source{Flags: flags()})
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		if c.ExitRate != tt.rate || c.ExitRateBurst != tt.burst {
			t.Errorf("%q: rate %v burst %d, want %v %d", tt.in, c.ExitRate, c.ExitRateBurst, tt.rate, tt.burst)
		}
	}
	cfgHome, _ := env(t)
	write(t, filepath.Join(cfgHome, "anynet", "config.yaml"), "exit-rate: 2/s,4\n")
	if c, err := Load(Source{Flags: flags()}); err != nil || c.ExitRate != 2 || c.ExitRateBurst != 4 {
		t.Fatalf("from the file: %v %d, %v", c.ExitRate, c.ExitRateBurst, err)
	}
	for _, bad := range []string{"fast", "5", "5/x", "0/s", "-1/s", "5/s,0", "5/s,many", "5/0s", "inf/s"} {
		env(t)
		t.Setenv("ANYNET_EXIT_RATE", bad)
		_, err := Load(Source{Flags: flags()})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "exit-rate") {
			t.Errorf("%q: %v, want ErrInvalid naming exit-rate", bad, err)
		}
	}
}

// TestContentCacheKeys: a router caches content by default with a
// 1 GiB cap; content.cache and content.cache-mib override; a host does
// not cache unless asked.
func TestContentCacheKeys(t *testing.T) {
	for _, c := range []struct {
		file   string
		caches bool
		bytes  int64
	}{
		{"", false, 0},
		{"content:\n  cache-mib: 64\n", false, 64 << 20},
		{"content:\n  cache: on\n", true, 0},
		{"route-prefix: 2a.1/128\n", true, DefaultRouterCacheMiB << 20},
		{"route-prefix: 2a.1/128\ncontent:\n  cache-mib: 0\n", true, 0},
		{"route-prefix: 2a.1/128\ncontent:\n  cache-mib: 300\n", true, 300 << 20},
		{"route-prefix: 2a.1/128\ncontent:\n  cache: off\n", false, 0},
	} {
		cfgHome, _ := env(t)
		write(t, filepath.Join(cfgHome, "anynet", "config.yaml"), c.file)
		got, err := Load(Source{Flags: flags()})
		if err != nil {
			t.Fatalf("%q: %v", c.file, err)
		}
		if got.CachesContent() != c.caches || got.ContentCacheBytes() != c.bytes {
			t.Errorf("%q: caches %v, cap %d; want %v, %d", c.file, got.CachesContent(), got.ContentCacheBytes(), c.caches, c.bytes)
		}
	}
	cfgHome, _ := env(t)
	write(t, filepath.Join(cfgHome, "anynet", "config.yaml"), "content:\n  cache: maybe\n")
	if _, err := Load(Source{Flags: flags()}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("content.cache maybe: %v", err)
	}
}
