// Package keyproc opens keystore files in a short-lived child process.
//
// A standard key file (Web3 Secret Storage, scrypt N=2^18, r=8) takes 256
// MB of scratch memory for about a second to open. Opened inside the
// daemon, that scratch lands in its heap: the process peaks at over 300
// MB, and the doubled heap goal keeps the pages until a forced GC and the
// scavenger return them minutes later. So `anynet up` re-executes its own
// binary as `anynet keystore-decrypt`, hands it the key file and the
// passphrase on its stdin, and reads the private key back from its
// stdout; the scratch lives and dies with the child, and the daemon never
// holds more than the 32-byte key.
//
// # Protocol
//
// The parent writes one JSON object to the child's stdin and closes it:
//
//	{"passphrase": "…", "key": {…the key file's JSON…}}
//
// The child answers one JSON object on stdout and exits 0:
//
//	{"key": "<64 hex digits>"}        the private key
//	{"wrongPassphrase": true}         keystore.ErrDecrypt
//	{"error": "…"}                    anything else (a corrupt file)
//
// Nothing secret is on the command line or in the environment: both are
// readable by other processes of the user (/proc/PID/cmdline, environ),
// the pipes are not.
package keyproc

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
)

// Command is the hidden first argument that makes the binary the child.
const Command = "keystore-decrypt"

// timeout bounds one child: scrypt takes about a second, more on a busy
// machine.
const timeout = 2 * time.Minute

type request struct {
	Passphrase string          `json:"passphrase"`
	Key        json.RawMessage `json:"key"`
}

type response struct {
	Key             string `json:"key,omitempty"`
	WrongPassphrase bool   `json:"wrongPassphrase,omitempty"`
	Error           string `json:"error,omitempty"`
}

// IsChild reports whether args (os.Args) start the child: main, and a
// test binary's TestMain, call Main then instead of anything else.
func IsChild(args []string) bool { return len(args) == 2 && args[1] == Command }

// Main is the child: it serves one request from stdin on stdout and
// returns the exit code.
func Main(stdin io.Reader, stdout io.Writer) int {
	if err := serve(stdin, stdout); err != nil {
		fmt.Fprintln(os.Stderr, "anynet keystore-decrypt:", err)
		return 1
	}
	return 0
}

func serve(r io.Reader, w io.Writer) error {
	var req request
	dec := json.NewDecoder(io.LimitReader(r, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return fmt.Errorf("read request: %w", err)
	}
	var resp response
	key, err := keystore.DecryptKey(req.Key, req.Passphrase)
	switch {
	case errors.Is(err, keystore.ErrDecrypt):
		resp.WrongPassphrase = true
	case err != nil:
		resp.Error = err.Error()
	default:
		resp.Key = hex.EncodeToString(crypto.FromECDSA(key.PrivateKey))
	}
	return json.NewEncoder(w).Encode(resp)
}

// Decrypter returns a naming.Keystore.Decrypt that opens each key file in
// a child running exe (the daemon's own binary, os.Executable). When the
// child cannot be started at all, it decrypts in this process instead.
func Decrypter(exe string) func(keyJSON []byte, passphrase string) (*ecdsa.PrivateKey, error) {
	return func(keyJSON []byte, passphrase string) (*ecdsa.PrivateKey, error) {
		key, err := decrypt(exe, keyJSON, passphrase)
		if errors.Is(err, errNoChild) {
			k, err := keystore.DecryptKey(keyJSON, passphrase)
			if err != nil {
				return nil, err
			}
			return k.PrivateKey, nil
		}
		return key, err
	}
}

var errNoChild = errors.New("keyproc: cannot start the child")

func decrypt(exe string, keyJSON []byte, passphrase string) (*ecdsa.PrivateKey, error) {
	req, err := json.Marshal(request{Passphrase: passphrase, Key: keyJSON})
	if err != nil {
		return nil, fmt.Errorf("keyproc: %w", err) // the key file is not JSON
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, Command)
	cmd.Env = []string{} // nothing of ours: the request carries all it needs
	cmd.Stdin = bytes.NewReader(req)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: %v", errNoChild, err)
	}
	err = cmd.Wait()
	clear(req)
	var resp response
	if jerr := json.Unmarshal(out.Bytes(), &resp); err != nil || jerr != nil {
		return nil, fmt.Errorf("keyproc: %s %s: %v %s", exe, Command, errors.Join(err, jerr), strings.TrimSpace(errOut.String()))
	}
	clear(out.Bytes())
	switch {
	case resp.WrongPassphrase:
		return nil, keystore.ErrDecrypt
	case resp.Error != "":
		return nil, fmt.Errorf("keyproc: %s", resp.Error)
	}
	key, err := crypto.HexToECDSA(resp.Key)
	if err != nil {
		return nil, fmt.Errorf("keyproc: the child's key: %w", err)
	}
	return key, nil
}
