package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// loadConfig resolves the configuration for cmd (see package config).
func loadConfig(cmd *cobra.Command) (config.Config, error) {
	file, _ := cmd.Flags().GetString("config")
	return config.Load(config.Source{Flags: cmd.Flags(), ConfigFile: file})
}

// newLogger returns the logger the configuration asks for, on w.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// passphrase returns the keystore passphrase: ANYNET_PASSPHRASE, else
// the passphrase file, else a prompt on the terminal (asked twice when
// confirm).
func passphrase(cmd *cobra.Command, cfg config.Config, confirm bool) (string, error) {
	// Flags win: --passphrase-file on the command line beats
	// ANYNET_PASSPHRASE, which beats a passphrase-file from the config.
	flag := cmd.Flag("passphrase-file")
	fromFlag := flag != nil && flag.Changed
	if p, ok := os.LookupEnv(config.EnvPassphrase); ok && p != "" && !fromFlag {
		return p, nil
	}
	if cfg.PassphraseFile != "" {
		b, err := os.ReadFile(cfg.PassphraseFile)
		if err != nil {
			return "", fmt.Errorf("passphrase file: %w (fix --passphrase-file)", err)
		}
		p := strings.TrimRight(string(b), "\r\n")
		if p == "" {
			return "", fmt.Errorf("passphrase file %s is empty (write the passphrase in it)", cfg.PassphraseFile)
		}
		return p, nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", fmt.Errorf("no passphrase: set %s, pass --passphrase-file FILE, or run on a terminal to be asked", config.EnvPassphrase)
	}
	fmt.Fprint(os.Stderr, "Wallet passphrase: ")
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", fmt.Errorf("read passphrase: %w", err)
	}
	if len(b) == 0 {
		return "", fmt.Errorf("empty passphrase: type one, or set %s", config.EnvPassphrase)
	}
	if confirm {
		fmt.Fprint(os.Stderr, "Again: ")
		b2, err := term.ReadPassword(fd)
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", fmt.Errorf("read passphrase: %w", err)
		}
		if string(b) != string(b2) {
			return "", fmt.Errorf("the passphrases differ; run init again")
		}
	}
	return string(b), nil
}

// isTerminal reports whether stdout is a terminal.
func isTerminal() bool { return term.IsTerminal(int(os.Stdout.Fd())) }
