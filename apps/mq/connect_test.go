package mq

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
)

// Test vectors of doc.go's CONNECT rewrite.
var rewriteVectors = []struct {
	in, user, pass, out string
	target, gwPass      string // GatewayCredentials
}{
	{
		in:     `CONNECT {"verbose":false,"pedantic":false,"user":"alice.anynet","pass":"pw","lang":"go","version":"1.56.0","protocol":1,"headers":true}` + "\r\n",
		user:   "0x00000000000000000000000000000000000000b0",
		pass:   "mac",
		out:    `CONNECT {"headers":true,"lang":"go","pedantic":false,"protocol":1,"verbose":false,"version":"1.56.0","user":"0x00000000000000000000000000000000000000b0","pass":"mac"}` + "\r\n",
		target: "alice.anynet", gwPass: "pw",
	},
	{ // a URL user with no password arrives as a token (this node, with
		// the token as the password); every credential goes
		in:     `connect {"auth_token":"s3cret","jwt":"x","nkey":"y","sig":"z","echo":true,"User":"0x01","PASS":"p"}` + "\r\n",
		user:   "0x00000000000000000000000000000000000000b0",
		pass:   "mac",
		out:    `CONNECT {"echo":true,"user":"0x00000000000000000000000000000000000000b0","pass":"mac"}` + "\r\n",
		gwPass: "s3cret",
	},
	{
		in:  "CONNECT {}\r\n",
		out: `CONNECT {"user":"","pass":""}` + "\r\n",
	},
}

func TestRewriteConnectVectors(t *testing.T) {
	for i, v := range rewriteVectors {
		f, err := ParseConnect([]byte(v.in))
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if host, pass := GatewayCredentials(f); host != v.target || pass != v.gwPass {
			t.Errorf("%d: gateway credentials %q %q, want %q %q", i, host, pass, v.target, v.gwPass)
		}
		if got := string(RewriteConnect(f, v.user, v.pass)); got != v.out {
			t.Errorf("%d: rewrite\n got %s\nwant %s", i, got, v.out)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, line := range []string{
		"PING\r\n", "CONNECT\r\n", "CONNECT []\r\n", "CONNECT {\"user\":}\r\n", "SUB foo 1\r\n", "CONNECTX {}\r\n",
	} {
		if _, err := ParseConnect([]byte(line)); !errors.Is(err, ErrProtocol) {
			t.Errorf("ParseConnect(%q): %v, want ErrProtocol", line, err)
		}
	}
	if err := ParseInfo([]byte("-ERR 'maximum connections exceeded'\r\n")); !errors.Is(err, ErrProtocol) {
		t.Errorf("ParseInfo of an error: %v", err)
	}
	if err := ParseInfo(gatewayInfo); err != nil {
		t.Errorf("ParseInfo(gateway's INFO): %v", err)
	}
}

func TestReadLineCap(t *testing.T) {
	long := "CONNECT {\"x\":\"" + strings.Repeat("a", MaxControlLine) + "\"}\r\n"
	if _, err := readLine(bufio.NewReaderSize(strings.NewReader(long), 16)); !errors.Is(err, ErrProtocol) {
		t.Fatalf("over-long line: %v", err)
	}
	r := bufio.NewReaderSize(strings.NewReader("CONNECT {}\r\nPING\r\n"), 16)
	line, err := readLine(r)
	if err != nil || string(line) != "CONNECT {}\r\n" {
		t.Fatalf("%q %v", line, err)
	}
	if rest, _ := r.ReadString('\n'); rest != "PING\r\n" {
		t.Fatalf("bytes after the line: %q", rest)
	}
}

// FuzzConnect: no bytes a client sends first panic the parser, and a
// rewritten CONNECT, decoded as the engine decodes it (encoding/json
// into its options struct), carries exactly the credentials given.
func FuzzConnect(f *testing.F) {
	for _, v := range rewriteVectors {
		f.Add([]byte(v.in))
	}
	f.Add([]byte("CONNECT {\"user\":1}\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		line, err := readLine(bufio.NewReaderSize(bytes.NewReader(b), 16))
		if err != nil {
			return
		}
		fields, err := ParseConnect(line)
		if err != nil {
			return
		}
		GatewayCredentials(fields)
		out := RewriteConnect(fields, "0xwallet", "mac")
		again, err := ParseConnect(out)
		if err != nil {
			t.Fatalf("rewritten CONNECT does not parse: %q: %v", out, err)
		}
		if host, pass := GatewayCredentials(again); host != "0xwallet" || pass != "mac" {
			t.Fatalf("rewritten CONNECT names %q %q", host, pass)
		}
		var opts server.ClientOpts
		if err := json.Unmarshal(out[len("CONNECT "):], &opts); err == nil {
			if opts.Username != "0xwallet" || opts.Password != "mac" || opts.Token != "" || opts.JWT != "" || opts.Nkey != "" || opts.Sig != "" {
				t.Fatalf("the engine would read %+v from %q", opts, out)
			}
		}
	})
}

func FuzzInfo(f *testing.F) {
	f.Add(gatewayInfo)
	f.Add([]byte("-ERR 'x'\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if line, err := readLine(bufio.NewReaderSize(bytes.NewReader(b), 16)); err == nil {
			ParseInfo(line)
		}
	})
}
