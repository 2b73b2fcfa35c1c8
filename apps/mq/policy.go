package mq

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats-server/v2/server"
)

// Grant is what a wallet other than the owner may do on the owner's
// node: publish to subjects, and consume (create pull consumers, fetch,
// ack) from streams.
type Grant struct {
	// Publish are subjects (NATS wildcards allowed) the wallet may
	// publish to. A subject may not start with '$' or be a bare
	// wildcard: the engine's API lives under "$JS.".
	Publish []string `json:"publish,omitempty"`
	// Consume are names of streams the wallet may read.
	Consume []string `json:"consume,omitempty"`
}

// Policy is the owner's access policy: the owner's wallet has every
// right; another verified wallet gets its entry in Wallets, else Anyone,
// else is refused at CONNECT.
type Policy struct {
	Wallets map[common.Address]Grant `json:"wallets,omitempty"`
	Anyone  *Grant                   `json:"anyone,omitempty"`
}

// Validate checks every grant of p.
func (p Policy) Validate() error {
	check := func(who string, g Grant) error {
		for _, s := range g.Publish {
			if err := checkPublish(s); err != nil {
				return fmt.Errorf("%w: %s: %v", ErrPolicy, who, err)
			}
		}
		for _, s := range g.Consume {
			if err := checkStreamName(s); err != nil {
				return fmt.Errorf("%w: %s: %v", ErrPolicy, who, err)
			}
		}
		return nil
	}
	for w, g := range p.Wallets {
		if err := check(w.Hex(), g); err != nil {
			return err
		}
	}
	if p.Anyone != nil {
		return check("anyone", *p.Anyone)
	}
	return nil
}

func checkPublish(s string) error {
	first, _, _ := strings.Cut(s, ".")
	switch {
	case s == "":
		return fmt.Errorf("empty subject")
	case strings.ContainsAny(s, " \t\r\n"):
		return fmt.Errorf("subject %q has white space", s)
	case strings.HasPrefix(s, "$") || first == "*" || first == ">":
		return fmt.Errorf("subject %q reaches the engine's own subjects", s)
	}
	return nil
}

func checkStreamName(s string) error {
	if s == "" || strings.ContainsAny(s, ".*> \t\r\n/\\") {
		return fmt.Errorf("stream name %q is not a plain name", s)
	}
	return nil
}

// grantFor returns the grant of wallet w under p.
func (p Policy) grantFor(w common.Address) (Grant, bool) {
	if g, ok := p.Wallets[w]; ok {
		return g, true
	}
	if p.Anyone != nil {
		return *p.Anyone, true
	}
	return Grant{}, false
}

// Permissions turns g into the engine's permissions: its subjects and
// their schedule subjects (ScheduleSubject), the JetStream API subjects
// that consuming its streams needs, and replies on _INBOX.
func (g Grant) Permissions() *server.Permissions {
	pub := slices.Clone(g.Publish)
	for _, p := range g.Publish { // delayed messages for the same subjects
		pub = append(pub, SchedulePrefix+"*."+p)
	}
	for _, s := range g.Consume {
		pub = append(pub,
			"$JS.API.STREAM.INFO."+s,
			"$JS.API.CONSUMER.CREATE."+s, "$JS.API.CONSUMER.CREATE."+s+".>",
			"$JS.API.CONSUMER.DURABLE.CREATE."+s+".>",
			"$JS.API.CONSUMER.INFO."+s+".>",
			"$JS.API.CONSUMER.DELETE."+s+".>",
			"$JS.API.CONSUMER.MSG.NEXT."+s+".>",
			"$JS.API.CONSUMER.NAMES."+s, "$JS.API.CONSUMER.LIST."+s,
			"$JS.API.DIRECT.GET."+s, "$JS.API.DIRECT.GET."+s+".>",
			"$JS.API.STREAM.MSG.GET."+s,
			"$JS.ACK."+s+".>", "$JS.FC."+s+".>",
		)
	}
	if len(g.Publish) > 0 {
		pub = append(pub, "$JS.API.STREAM.NAMES", "$JS.API.INFO")
	}
	return &server.Permissions{
		Publish:   &server.SubjectPermission{Allow: pub},
		Subscribe: &server.SubjectPermission{Allow: []string{"_INBOX.>"}},
	}
}

// MarshalPolicy and UnmarshalPolicy are the policy's stored form (JSON).
func MarshalPolicy(p Policy) ([]byte, error) { return json.Marshal(p) }

// UnmarshalPolicy decodes and validates a stored policy.
func UnmarshalPolicy(b []byte) (Policy, error) {
	var p Policy
	if err := json.Unmarshal(b, &p); err != nil {
		return Policy{}, fmt.Errorf("%w: %v", ErrPolicy, err)
	}
	return p, p.Validate()
}
