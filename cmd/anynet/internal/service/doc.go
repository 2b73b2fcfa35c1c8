// Package service runs a node as a service of the current user, without
// root, as `tailscaled` runs beside the `tailscale` CLI: on Linux a
// systemd user unit ($XDG_CONFIG_HOME/systemd/user/anynet.service, run by
// the user's systemd manager, `systemctl --user`), on macOS a launchd
// agent (~/Library/LaunchAgents/net.anynet.node.plist, `launchctl`).
// Either runs `anynet --dir DIR up --headless` with the passphrase read
// from a file, restarts it when it fails, and logs to the journal (or
// DIR/anynet.log on macOS). The CLI verbs and `anynet ui` then talk to
// it over DIR/control.sock.
//
// Unit renders the file (tested byte for byte: testdata/*.golden);
// Manager installs, removes and queries it through the service manager's
// own command (systemctl or launchctl), which tests replace.
package service
