package service

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNoManager: this system has no service manager for the user (no
// systemd user session, not macOS).
var ErrNoManager = errors.New("service: no user service manager")

// Runner runs a service manager's command and returns its combined
// output.
type Runner func(ctx context.Context, name string, args ...string) (string, error)

// Exec is the Runner of real commands.
func Exec(ctx context.Context, name string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	s := strings.TrimSpace(string(out))
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return s, fmt.Errorf("%w: %s is not installed", ErrNoManager, name)
		}
		return s, fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, s)
	}
	return s, nil
}

// Manager installs the unit for one user.
type Manager struct {
	// GOOS picks the manager: "darwin" launchd, anything else systemd.
	GOOS string
	// Home is the user's home directory; ConfigHome $XDG_CONFIG_HOME
	// (empty: Home/.config).
	Home, ConfigHome string
	// Run runs systemctl or launchctl; nil means Exec.
	Run Runner
}

func (m Manager) run(ctx context.Context, name string, args ...string) (string, error) {
	if m.Run == nil {
		return Exec(ctx, name, args...)
	}
	return m.Run(ctx, name, args...)
}

func (m Manager) launchd() bool { return m.GOOS == "darwin" }

// Path is where the unit file goes.
func (m Manager) Path() string {
	if m.launchd() {
		return filepath.Join(m.Home, "Library", "LaunchAgents", Label+".plist")
	}
	ch := m.ConfigHome
	if ch == "" {
		ch = filepath.Join(m.Home, ".config")
	}
	return filepath.Join(ch, "systemd", "user", Name)
}

// Available says whether the user's service manager answers.
func (m Manager) Available(ctx context.Context) error {
	if m.launchd() {
		_, err := m.run(ctx, "launchctl", "version")
		return err
	}
	if _, err := m.run(ctx, "systemctl", "--user", "show-environment"); err != nil {
		if errors.Is(err, ErrNoManager) {
			return err
		}
		return fmt.Errorf("%w: no systemd user session (%v); run `anynet up --headless` another way, e.g. under tmux, or enable lingering with `loginctl enable-linger`", ErrNoManager, err)
	}
	return nil
}

// Install writes the unit for s and starts it now and at every login.
func (m Manager) Install(ctx context.Context, s Spec) (string, error) {
	render := SystemdUnit
	if m.launchd() {
		render = LaunchdPlist
	}
	text, err := render(s)
	if err != nil {
		return "", err
	}
	if err := m.Available(ctx); err != nil {
		return "", err
	}
	path := m.Path()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("service: %w", err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return "", fmt.Errorf("service: %w", err)
	}
	if m.launchd() {
		m.run(ctx, "launchctl", "unload", path) // an older one
		_, err = m.run(ctx, "launchctl", "load", "-w", path)
		return path, err
	}
	if _, err := m.run(ctx, "systemctl", "--user", "daemon-reload"); err != nil {
		return path, err
	}
	_, err = m.run(ctx, "systemctl", "--user", "enable", "--now", Name)
	return path, err
}

// Uninstall stops the service and removes its unit; removing one that
// is not installed is not an error.
func (m Manager) Uninstall(ctx context.Context) error {
	path := m.Path()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if m.launchd() {
		m.run(ctx, "launchctl", "unload", "-w", path)
	} else if _, err := m.run(ctx, "systemctl", "--user", "disable", "--now", Name); err != nil && !errors.Is(err, ErrNoManager) {
		return err
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("service: %w", err)
	}
	if !m.launchd() {
		m.run(ctx, "systemctl", "--user", "daemon-reload")
	}
	return nil
}

// State is what Status reports.
type State struct {
	Path      string // the unit file
	Installed bool   // the unit file exists
	// Active is the manager's word for it: systemd's ActiveState
	// ("active", "inactive", "failed", "activating" …), or launchd's
	// "running"/"stopped"; "" when the manager does not answer.
	Active string
	PID    int // the main process, 0 if none
}

// Status reports the service's state.
func (m Manager) Status(ctx context.Context) (State, error) {
	st := State{Path: m.Path()}
	if _, err := os.Stat(st.Path); err == nil {
		st.Installed = true
	}
	if m.launchd() {
		out, err := m.run(ctx, "launchctl", "list", Label)
		if err != nil {
			st.Active = "stopped"
			return st, nil
		}
		st.Active = "stopped"
		for _, l := range strings.Split(out, "\n") {
			var pid int
			if _, e := fmt.Sscanf(strings.TrimSpace(l), `"PID" = %d;`, &pid); e == nil && pid > 0 {
				st.Active, st.PID = "running", pid
			}
		}
		return st, nil
	}
	out, err := m.run(ctx, "systemctl", "--user", "show", Name, "--property=ActiveState,MainPID")
	if err != nil {
		if errors.Is(err, ErrNoManager) {
			return st, err
		}
		return st, fmt.Errorf("%w: %v", ErrNoManager, err)
	}
	for _, l := range strings.Split(out, "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(l), "=")
		switch k {
		case "ActiveState":
			st.Active = v
		case "MainPID":
			fmt.Sscan(v, &st.PID)
		}
	}
	return st, nil
}
