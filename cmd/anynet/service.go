package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/service"
	"github.com/spf13/cobra"
)

func newService() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "service",
		Short: "Run the node as a service of this user (systemd user unit, launchd agent): install, uninstall, status",
		Long: `service makes the node of the data directory a service of the current
user, without root: a systemd user unit on Linux
($XDG_CONFIG_HOME/systemd/user/anynet.service, managed with
"systemctl --user"), a launchd agent on macOS
(~/Library/LaunchAgents/net.anynet.node.plist). It runs
"anynet --dir DIR up --headless", reading the wallet's passphrase from a
file (--passphrase-file, mode 0600), starts at login and restarts on
failure. Open the TUI on it with "anynet ui"; the other verbs work as
with any running node. To keep it running while logged out on Linux:
"loginctl enable-linger".`,
	}
	cmd.AddCommand(serviceInstall(), serviceUninstall(), serviceStatus())
	return cmd
}

func manager() service.Manager {
	home, _ := os.UserHomeDir()
	return service.Manager{GOOS: runtime.GOOS, Home: home, ConfigHome: os.Getenv("XDG_CONFIG_HOME")}
}

func serviceInstall() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Install and start the user service running this data directory's node",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if _, err := os.Stat(cfg.Dir); err != nil {
				return fmt.Errorf("data directory %s does not exist (create it with `anynet --dir %s init`)", cfg.Dir, cfg.Dir)
			}
			if cfg.PassphraseFile == "" {
				return errors.New("the service needs the wallet's passphrase in a file: write it to a file only you can read (chmod 600) and pass --passphrase-file FILE")
			}
			if _, err := passphrase(cmd, cfg, false); err != nil {
				return err
			}
			bin, err := os.Executable()
			if err != nil {
				return err
			}
			if bin, err = filepath.EvalSymlinks(bin); err != nil {
				return err
			}
			s := service.Spec{Binary: bin}
			if s.Dir, err = filepath.Abs(cfg.Dir); err != nil {
				return err
			}
			if s.PassphraseFile, err = filepath.Abs(cfg.PassphraseFile); err != nil {
				return err
			}
			if c, _ := cmd.Flags().GetString("config"); c != "" {
				if s.Config, err = filepath.Abs(c); err != nil {
					return err
				}
			}
			if nodeRunning(cmd.Context(), cfg.Dir) {
				return fmt.Errorf("a node already runs in %s: stop it first (the service starts its own)", cfg.Dir)
			}
			path, err := manager().Install(cmd.Context(), s)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "installed %s and started it: `anynet --dir %s status` to check, `anynet --dir %s ui` to watch\n", path, s.Dir, s.Dir)
			return nil
		},
	}
	cmd.Flags().String("passphrase-file", "", "file holding the keystore passphrase, which the service reads (required)")
	return cmd
}

func serviceUninstall() *cobra.Command {
	return &cobra.Command{
		Use:   "uninstall",
		Short: "Stop the user service and remove its unit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m := manager()
			if err := m.Uninstall(cmd.Context()); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "removed %s (if it was there); the data directory is untouched\n", m.Path())
			return nil
		},
	}
}

func serviceStatus() *cobra.Command {
	return verb("status", "Say whether the user service is installed and running, and the node's wallet", cobra.NoArgs, true,
		func(cmd *cobra.Command, c *control.Client, _ []string, asJSON bool) error {
			st, err := manager().Status(cmd.Context())
			if err != nil && !errors.Is(err, service.ErrNoManager) {
				return err
			}
			type answer struct {
				Service service.State   `json:"service"`
				Node    *control.Status `json:"node,omitempty"`
			}
			a := answer{Service: st}
			if ns, err := c.Status(cmd.Context()); err == nil {
				a.Node = &ns
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), a)
			}
			out := cmd.OutOrStdout()
			switch {
			case !st.Installed:
				fmt.Fprintf(out, "service  not installed (%s)\n", st.Path)
			case st.PID > 0:
				fmt.Fprintf(out, "service  %s, pid %d (%s)\n", st.Active, st.PID, st.Path)
			default:
				fmt.Fprintf(out, "service  %s (%s)\n", orDash(st.Active), st.Path)
			}
			if a.Node != nil {
				fmt.Fprintf(out, "node     %s %s, up since %s\n", a.Node.Wallet, orDash(a.Node.Name), a.Node.Started.Local().Format("2006-01-02 15:04:05"))
			} else {
				fmt.Fprintf(out, "node     not answering on %s\n", filepath.Join(c.Dir, control.SocketName))
			}
			return nil
		})
}
