package service

import (
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

var spec = Spec{
	Binary:         "/home/u/go/bin/anynet",
	Dir:            "/home/u/.local/share/anynet",
	PassphraseFile: "/home/u/.config/anynet/pass phrase",
}

func TestUnitFiles(t *testing.T) {
	unit, err := SystemdUnit(spec)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "anynet.service", unit)
	// The command line, as systemd splits it: quoted where needed.
	if !strings.Contains(unit, `ExecStart=/home/u/go/bin/anynet --dir /home/u/.local/share/anynet up --headless --passphrase-file "/home/u/.config/anynet/pass phrase"`+"\n") {
		t.Errorf("ExecStart wrong:\n%s", unit)
	}
	for _, want := range []string{"Restart=on-failure", "WantedBy=default.target", "NoNewPrivileges=yes"} {
		if !strings.Contains(unit, want+"\n") {
			t.Errorf("unit lacks %q", want)
		}
	}
	if strings.Contains(unit, "User=") {
		t.Error("a user unit names no User=")
	}
	withCfg := spec
	withCfg.Config = "/etc/anynet/100%$.yaml"
	u2, _ := SystemdUnit(withCfg)
	if !strings.Contains(u2, `--config "/etc/anynet/100%%$$.yaml" up`) {
		t.Errorf("config path not escaped for systemd:\n%s", u2)
	}

	plist, err := LaunchdPlist(spec)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "net.anynet.node.plist", plist)
	if !strings.Contains(plist, "<string>/home/u/.config/anynet/pass phrase</string>") || !strings.Contains(plist, "<string>--headless</string>") {
		t.Errorf("plist arguments wrong:\n%s", plist)
	}
}

func TestSpecValidate(t *testing.T) {
	for _, s := range []Spec{
		{Binary: "anynet", Dir: "/d", PassphraseFile: "/p"},
		{Binary: "/b", Dir: "rel", PassphraseFile: "/p"},
		{Binary: "/b", Dir: "/d"},
		{Binary: "/b", Dir: "/d\n[Service]", PassphraseFile: "/p"},
		{Binary: "/b", Dir: "/d", PassphraseFile: "/p", Config: "c.yaml"},
	} {
		if _, err := SystemdUnit(s); !errors.Is(err, ErrSpec) {
			t.Errorf("%+v: %v, want ErrSpec", s, err)
		}
	}
}

// TestManagerCommands: install writes the unit where systemd looks for
// user units and enables it; status reads systemctl's properties;
// uninstall disables and removes it.
func TestManagerCommands(t *testing.T) {
	home := t.TempDir()
	var calls []string
	m := Manager{GOOS: "linux", Home: home, Run: func(_ context.Context, name string, args ...string) (string, error) {
		calls = append(calls, name+" "+strings.Join(args, " "))
		if len(args) > 1 && args[1] == "show" {
			return "ActiveState=active\nMainPID=4242", nil
		}
		return "", nil
	}}
	ctx := context.Background()
	path, err := m.Install(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(home, ".config", "systemd", "user", "anynet.service") {
		t.Errorf("path %s", path)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "ExecStart=") {
		t.Errorf("unit file:\n%s", b)
	}
	st, err := m.Status(ctx)
	if err != nil || !st.Installed || st.Active != "active" || st.PID != 4242 {
		t.Errorf("status = %+v, %v", st, err)
	}
	if err := m.Uninstall(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unit still there: %v", err)
	}
	want := []string{
		"systemctl --user show-environment",
		"systemctl --user daemon-reload",
		"systemctl --user enable --now anynet.service",
		"systemctl --user show anynet.service --property=ActiveState,MainPID",
		"systemctl --user disable --now anynet.service",
		"systemctl --user daemon-reload",
	}
	if strings.Join(calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("commands:\n%s\nwant\n%s", strings.Join(calls, "\n"), strings.Join(want, "\n"))
	}

	mac := Manager{GOOS: "darwin", Home: home, Run: m.Run}
	if p := mac.Path(); p != filepath.Join(home, "Library", "LaunchAgents", "net.anynet.node.plist") {
		t.Errorf("launchd path %s", p)
	}
}

// TestSystemdUser installs a unit that runs a stand-in for the node in
// the real systemd user manager, sees it active, and removes it. It
// needs a systemd user session: skipped, with the reason, without one
// (containers and CI runners usually have none).
func TestSystemdUser(t *testing.T) {
	m := Manager{GOOS: "linux", Home: os.Getenv("HOME"), ConfigHome: os.Getenv("XDG_CONFIG_HOME")}
	ctx := context.Background()
	if err := m.Available(ctx); err != nil {
		t.Skipf("no systemd user session here: %v", err)
	}
	if _, err := os.Stat(m.Path()); err == nil {
		t.Skipf("%s exists: not touching the user's own service", m.Path())
	}
	// A stand-in binary that sleeps: the unit's shape is what is tested.
	dir := t.TempDir()
	bin := filepath.Join(dir, "anynet")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nexec sleep 300\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	pass := filepath.Join(dir, "pass")
	os.WriteFile(pass, []byte("x\n"), 0o600)
	if _, err := m.Install(ctx, Spec{Binary: bin, Dir: dir, PassphraseFile: pass}); err != nil {
		t.Fatal(err)
	}
	defer m.Uninstall(ctx)
	deadline := time.Now().Add(time.Minute) // bounds a broken test only
	for {
		st, err := m.Status(ctx)
		if err == nil && st.Active == "active" && st.PID > 0 {
			break
		}
		if time.Now().After(deadline) {
			out, _ := exec.Command("systemctl", "--user", "status", Name).CombinedOutput()
			t.Fatalf("not active: %+v, %v\n%s", st, err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := m.Uninstall(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := m.Status(ctx); st.Installed || st.Active == "active" {
		t.Errorf("after uninstall: %+v", st)
	}
}
