package service

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"text/template"
)

// Name is the systemd unit's name; Label the launchd agent's.
const (
	Name  = "anynet.service"
	Label = "net.anynet.node"
)

// ErrSpec: a Spec that cannot make a working unit.
var ErrSpec = errors.New("service: incomplete spec")

// Spec is what the service runs.
type Spec struct {
	// Binary is the anynet executable, absolute.
	Binary string
	// Dir is the node's data directory, absolute.
	Dir string
	// PassphraseFile holds the wallet's passphrase (mode 0600), absolute.
	PassphraseFile string
	// Config is a config file to pass with --config; empty: none.
	Config string
}

// Validate checks that every path is absolute (a service starts in
// another working directory) and has no newline.
func (s Spec) Validate() error {
	for _, f := range []struct{ name, v string }{{"binary", s.Binary}, {"data directory", s.Dir}, {"passphrase file", s.PassphraseFile}} {
		if f.v == "" || !filepath.IsAbs(f.v) {
			return fmt.Errorf("%w: the %s must be an absolute path (got %q)", ErrSpec, f.name, f.v)
		}
	}
	if s.Config != "" && !filepath.IsAbs(s.Config) {
		return fmt.Errorf("%w: the config file must be an absolute path (got %q)", ErrSpec, s.Config)
	}
	for _, v := range []string{s.Binary, s.Dir, s.PassphraseFile, s.Config} {
		if strings.ContainsAny(v, "\n\r") {
			return fmt.Errorf("%w: a path holds a newline", ErrSpec)
		}
	}
	return nil
}

// Args is the command line the service runs.
func (s Spec) Args() []string {
	a := []string{s.Binary, "--dir", s.Dir}
	if s.Config != "" {
		a = append(a, "--config", s.Config)
	}
	return append(a, "up", "--headless", "--passphrase-file", s.PassphraseFile)
}

// systemdQuote quotes an argument for ExecStart (systemd.service(5),
// "Command lines"): double quotes, with \, " and $ and % escaped.
func systemdQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"'\\$%;") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `$$`, `%`, `%%`)
	return `"` + r.Replace(s) + `"`
}

var systemdTmpl = template.Must(template.New("unit").Parse(`[Unit]
Description=anynet node ({{.Dir}})
Documentation=https://github.com/anynet/anynet
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
ExecStart={{.Exec}}
Restart=on-failure
RestartSec=5s
# The node needs no privilege: an unprivileged UDP port, a userspace
# TCP/IP stack, files in its data directory.
NoNewPrivileges=yes
UMask=0077

[Install]
WantedBy=default.target
`))

// SystemdUnit renders the systemd user unit for s.
func SystemdUnit(s Spec) (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	args := s.Args()
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = systemdQuote(a)
	}
	var b bytes.Buffer
	err := systemdTmpl.Execute(&b, struct{ Dir, Exec string }{strings.ReplaceAll(s.Dir, "%", "%%"), strings.Join(q, " ")})
	return b.String(), err
}

var launchdTmpl = template.Must(template.New("plist").Parse(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>{{.Label}}</string>
	<key>ProgramArguments</key>
	<array>
{{- range .Args}}
		<string>{{.}}</string>
{{- end}}
	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>KeepAlive</key>
	<dict>
		<key>SuccessfulExit</key>
		<false/>
	</dict>
	<key>StandardOutPath</key>
	<string>{{.Log}}</string>
	<key>StandardErrorPath</key>
	<string>{{.Log}}</string>
</dict>
</plist>
`))

// LaunchdPlist renders the launchd agent for s (html/template-style
// escaping is done by text/template's html function on each string).
func LaunchdPlist(s Spec) (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	esc := func(v string) string {
		var b bytes.Buffer
		template.HTMLEscape(&b, []byte(v))
		return b.String()
	}
	args := s.Args()
	for i := range args {
		args[i] = esc(args[i])
	}
	var b bytes.Buffer
	err := launchdTmpl.Execute(&b, struct {
		Label, Log string
		Args       []string
	}{Label, esc(filepath.Join(s.Dir, "anynet.log")), args})
	return b.String(), err
}
