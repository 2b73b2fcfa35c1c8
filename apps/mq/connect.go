package mq

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// MaxControlLine caps the INFO and CONNECT lines this package reads
// (NATS's own default control line limit is 4 KiB; a CONNECT with a JWT
// is longer).
const MaxControlLine = 16 << 10

// credentialFields are the CONNECT fields a client may use to claim an
// identity; the server side of the overlay removes them all and puts the
// verified wallet in their place.
var credentialFields = []string{"user", "pass", "auth_token", "jwt", "nkey", "sig"}

// readLine reads one CRLF-terminated control line (with its CRLF) from
// r, refusing lines longer than MaxControlLine.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxControlLine {
			return nil, fmt.Errorf("%w: control line over %d bytes", ErrProtocol, MaxControlLine)
		}
		switch {
		case err == nil:
			return line, nil
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(line) > 0:
			return nil, fmt.Errorf("%w: connection ended inside a control line", ErrProtocol)
		default:
			return nil, err
		}
	}
}

// op splits a control line into its operation (upper-cased) and the
// JSON argument that follows it.
func op(line []byte, want string) (json.RawMessage, error) {
	line = bytes.TrimRight(line, "\r\n")
	name, arg, ok := bytes.Cut(line, []byte{' '})
	if !ok {
		name, arg = line, nil
	}
	if !bytes.EqualFold(name, []byte(want)) {
		return nil, fmt.Errorf("%w: want %s, got %.16q", ErrProtocol, want, name)
	}
	arg = bytes.TrimLeft(arg, " \t")
	if !json.Valid(arg) || len(arg) == 0 || arg[0] != '{' {
		return nil, fmt.Errorf("%w: %s argument is not a JSON object", ErrProtocol, want)
	}
	return json.RawMessage(arg), nil
}

// ParseConnect decodes a client's CONNECT line into its fields.
func ParseConnect(line []byte) (map[string]json.RawMessage, error) {
	arg, err := op(line, "CONNECT")
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(arg, &fields); err != nil {
		return nil, fmt.Errorf("%w: CONNECT: %v", ErrProtocol, err)
	}
	if fields == nil {
		fields = map[string]json.RawMessage{}
	}
	return fields, nil
}

// GatewayCredentials returns the host a gateway client names in its
// CONNECT and the password it presents: "user" and "pass" when the
// client sent a password (nats://alice.eth:PASSWORD@127.0.0.1:4222),
// else this node ("") and "auth_token" (a URL with a user part and no
// password, nats://PASSWORD@127.0.0.1:4222, makes clients send it as a
// token).
func GatewayCredentials(fields map[string]json.RawMessage) (host, pass string) {
	if raw, ok := fields["pass"]; ok {
		unquote(raw, &pass)
	}
	if pass != "" {
		if raw, ok := fields["user"]; ok {
			unquote(raw, &host)
		}
		return host, pass
	}
	if raw, ok := fields["auth_token"]; ok {
		unquote(raw, &pass)
	}
	return "", pass
}

// RewriteConnect returns the CONNECT line of fields with every
// credential the client sent removed (field names compared as the
// engine's JSON decoder compares them, case-folded) and user and pass
// set, last in the object, so that even a decoder that lets a later
// duplicate win reads ours: the server side of the overlay hands the
// engine the verified wallet this way. The other fields keep their
// values, in sorted order (encoding/json), so equal inputs give equal
// lines.
func RewriteConnect(fields map[string]json.RawMessage, user, pass string) []byte {
	out := make(map[string]json.RawMessage, len(fields))
	for k, v := range fields {
		if !isCredential(k) {
			out[k] = v
		}
	}
	b, _ := json.Marshal(out) // a map of raw JSON values always marshals
	u, _ := json.Marshal(user)
	p, _ := json.Marshal(pass)
	line := append([]byte("CONNECT "), b[:len(b)-1]...)
	if len(out) > 0 {
		line = append(line, ',')
	}
	line = append(line, `"user":`...)
	line = append(line, u...)
	line = append(line, `,"pass":`...)
	line = append(line, p...)
	return append(line, '}', '\r', '\n')
}

func isCredential(k string) bool {
	for _, c := range credentialFields {
		if strings.EqualFold(k, c) {
			return true
		}
	}
	return false
}

// ParseInfo checks that line is a server's INFO line.
func ParseInfo(line []byte) error {
	_, err := op(line, "INFO")
	return err
}

// unquote decodes the JSON string raw into v, leaving v as it is when
// raw is not a string.
func unquote(raw json.RawMessage, v *string) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		*v = s
	}
}
