package sim

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Scenario is one simulation, as read from a YAML file (see the files in
// sim/scenarios for examples).
type Scenario struct {
	Name     string   `yaml:"name"`
	Seed     uint64   `yaml:"seed"`
	Nodes    int      `yaml:"nodes"`
	Duration Duration `yaml:"duration"`
	Topology Topology `yaml:"topology"`
	// TCP caps the per-connection buffers; zero means 64 KiB.
	TCP struct {
		Buffer Size `yaml:"buffer"`
	} `yaml:"tcp"`
	Workload []Workload `yaml:"workload"`
	Faults   []Fault    `yaml:"faults"`
	// Naming puts the naming contracts on a simulated chain and gives
	// every node a name (names.go).
	Naming Naming `yaml:"naming"`
	// Routing puts an overlay router in every segment (routing.go).
	Routing Routing `yaml:"routing"`
	// Expect lists what must hold at the end of the run.
	Expect struct {
		// AllComplete: every TCP transfer finished, bytes verified.
		AllComplete bool `yaml:"all_complete"`
		// AllDelivered: every IM message a sender accepted was
		// delivered (its RECEIPT arrived), exactly once, in order (im.go).
		AllDelivered bool `yaml:"all_delivered"`
	} `yaml:"expect"`
}

// Topology is the shape of the network: segments (a router and its
// hosts) joined by links. A generator builds the segment graph; hosts are
// spread over the segments.
type Topology struct {
	// Generator is star, tree, geometric, transit-stub, or explicit
	// (the segment graph is Links).
	Generator string `yaml:"generator"`
	Segments  int    `yaml:"segments"`
	// Fanout is the tree's branching factor (default 4).
	Fanout int `yaml:"fanout"`
	// Radius joins geometric segments closer than it in the unit square
	// (default 0.25).
	Radius float64 `yaml:"radius"`
	// Transit is the number of transit segments of transit-stub
	// (default 4); the rest are stubs.
	Transit int `yaml:"transit"`
	// Classes names the link classes: "access" (host to its segment),
	// "core" (between segments), for transit-stub "transit", and with
	// routing "router" (an overlay router to its segment: routers are
	// data-centre nodes, so 10 Gbps and 100 µs by default).
	Classes map[string]LinkClass `yaml:"classes"`
	// Links are the segment links of the explicit generator.
	Links []LinkSpec `yaml:"links"`
}

// LinkSpec is one link between segments A and B. Class defaults to
// "core", Latency to the class's.
type LinkSpec struct {
	A       int      `yaml:"a"`
	B       int      `yaml:"b"`
	Class   string   `yaml:"class"`
	Latency Duration `yaml:"latency"`
}

// LinkClass describes one kind of link.
type LinkClass struct {
	Latency   Duration  `yaml:"latency"`
	Jitter    Duration  `yaml:"jitter"` // uniform in [0, Jitter)
	Bandwidth Bandwidth `yaml:"bandwidth"`
	Loss      float64   `yaml:"loss"` // probability per frame
	MTU       int       `yaml:"mtu"`
	Queue     Size      `yaml:"queue"` // bytes waiting before tail drop
}

// Workload is one kind of traffic. Kind "tcp" is bulk transfers; other
// kinds (name resolution, IM) plug in beside it (workload.go).
type Workload struct {
	Kind      string   `yaml:"kind"`
	Transfers int      `yaml:"transfers"` // how many; "per_node" overrides
	PerNode   bool     `yaml:"per_node"`  // one from every node
	Bytes     Size     `yaml:"bytes"`
	Start     Duration `yaml:"start"`
	Spread    Duration `yaml:"spread"`  // starts spread evenly over this
	Rate      float64  `yaml:"rate"`    // resolve: lookups per second over Spread
	Missing   float64  `yaml:"missing"` // resolve: share of lookups of unregistered names
	// im: how many messages (over Conversations sender → recipient
	// pairs in turn; per_node: one pair from every node), Bytes of text
	// each (im.go).
	Messages      int `yaml:"messages"`
	Conversations int `yaml:"conversations"`
	// im consent: the share of conversations whose recipient blocks the
	// sender (its messages must never reach the user) or allows it (its
	// messages come as messages, the others' as requests); Read makes
	// recipients mark what they were shown read (read receipts).
	Block float64 `yaml:"block"`
	Allow float64 `yaml:"allow"`
	Read  bool    `yaml:"read"`
	// pay: the share of payees that cheat (pay.go); relay: of Edges.
	Cheat float64 `yaml:"cheat"`
	// relay: the length of an epoch, and how many times each WatchDog
	// probes each Edge in one (default 2) (relay.go).
	Epoch  Duration `yaml:"epoch"`
	Probes int      `yaml:"probes"`
	// im: Attach is the share of messages sent as file offers; Groups
	// private groups of GroupSize hosts get GroupMessages messages,
	// and one member of each is removed halfway (im.go).
	Attach        float64 `yaml:"attach"`
	Groups        int     `yaml:"groups"`
	GroupSize     int     `yaml:"group_size"`
	GroupMessages int     `yaml:"group_messages"`
	// join, leave: how many hosts come up late, or go down for good
	// (churn.go); Rate, if set, gives the count as Rate per second over
	// Spread.
	Nodes int `yaml:"nodes"`
}

// Fault is one scheduled failure.
type Fault struct {
	Kind string   `yaml:"kind"` // link-down, crash, partition, loss
	At   Duration `yaml:"at"`
	For  Duration `yaml:"for"` // zero: until the end
	// link-down: the core link with this index; crash: how many nodes.
	Link  int     `yaml:"link"`
	Count int     `yaml:"count"`
	Rate  float64 `yaml:"rate"`     // loss
	Frac  float64 `yaml:"fraction"` // partition: share of segments cut off
	// Routers: a crash picks its victims among the overlay routers only
	// (routing.go); Hosts: among the hosts only.
	Routers bool `yaml:"routers"`
	Hosts   bool `yaml:"hosts"`
}

// LoadScenario reads a scenario file.
func LoadScenario(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	return ParseScenario(b)
}

// ParseScenario parses a scenario and fills in defaults.
func ParseScenario(b []byte) (*Scenario, error) {
	var sc Scenario
	if err := yaml.Unmarshal(b, &sc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrScenario, err)
	}
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	return &sc, nil
}

// Validate fills in defaults and reports a scenario that cannot run.
func (sc *Scenario) Validate() error {
	if sc.Nodes < 2 {
		return fmt.Errorf("%w: need at least 2 nodes, have %d", ErrScenario, sc.Nodes)
	}
	if sc.Duration <= 0 {
		sc.Duration = Duration(time.Minute)
	}
	if sc.TCP.Buffer == 0 {
		sc.TCP.Buffer = 64 << 10
	}
	t := &sc.Topology
	if t.Segments <= 0 {
		t.Segments = 1
	}
	switch t.Generator {
	case "", "star":
		t.Generator = "star"
	case "tree", "geometric", "transit-stub", "explicit":
	default:
		return fmt.Errorf("%w: unknown generator %q", ErrScenario, t.Generator)
	}
	if t.Classes == nil {
		t.Classes = map[string]LinkClass{}
	}
	for name, def := range map[string]LinkClass{
		"access":  {Latency: Duration(time.Millisecond), Bandwidth: 100e6, MTU: 1500, Queue: 256 << 10},
		"core":    {Latency: Duration(10 * time.Millisecond), Bandwidth: 1e9, MTU: 1500, Queue: 1 << 20},
		"transit": {Latency: Duration(30 * time.Millisecond), Bandwidth: 10e9, MTU: 1500, Queue: 4 << 20},
		"router":  {Latency: Duration(100 * time.Microsecond), Bandwidth: 10e9, MTU: 1500, Queue: 4 << 20},
	} {
		c, ok := t.Classes[name]
		if !ok {
			c = def
		}
		if c.Bandwidth <= 0 || c.MTU <= 0 || c.Queue <= 0 {
			return fmt.Errorf("%w: link class %s needs bandwidth, mtu and queue", ErrScenario, name)
		}
		t.Classes[name] = c
	}
	for i, l := range t.Links {
		if l.Class == "" {
			t.Links[i].Class = "core"
		}
		if _, ok := t.Classes[t.Links[i].Class]; !ok {
			return fmt.Errorf("%w: link %d: unknown class %q", ErrScenario, i, l.Class)
		}
		if l.A < 0 || l.B < 0 || l.A >= t.Segments || l.B >= t.Segments || l.A == l.B {
			return fmt.Errorf("%w: link %d joins segments %d and %d of %d", ErrScenario, i, l.A, l.B, t.Segments)
		}
	}
	for _, w := range sc.Workload {
		if w.Kind == "" {
			return fmt.Errorf("%w: a workload entry without a kind", ErrScenario)
		}
	}
	if err := sc.Naming.validate(sc); err != nil {
		return err
	}
	if err := sc.Routing.validate(sc); err != nil {
		return err
	}
	for _, f := range sc.Faults {
		switch f.Kind {
		case "link-down", "crash", "partition", "loss":
		default:
			return fmt.Errorf("%w: unknown fault kind %q", ErrScenario, f.Kind)
		}
		if f.Routers && (!sc.Routing.Enabled || f.Hosts) {
			return fmt.Errorf("%w: a crash of routers needs routing, and not hosts too", ErrScenario)
		}
	}
	return nil
}

// Duration is a time.Duration written as "1.5s" in YAML.
type Duration time.Duration

func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("duration %q: %w", n.Value, err)
	}
	*d = Duration(v)
	return nil
}

// Size is a byte count written as "64KiB", "1MiB" or a plain number.
type Size int64

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseUnit(n.Value, map[string]float64{"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "KB": 1e3, "MB": 1e6, "GB": 1e9})
	*s = Size(v)
	return err
}

// Bandwidth is bits per second, written as "100Mbps".
type Bandwidth float64

// UnmarshalYAML implements yaml.Unmarshaler.
func (b *Bandwidth) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseUnit(n.Value, map[string]float64{"bps": 1, "Kbps": 1e3, "Mbps": 1e6, "Gbps": 1e9})
	*b = Bandwidth(v)
	return err
}

func parseUnit(s string, units map[string]float64) (float64, error) {
	s = strings.TrimSpace(s)
	mult := 1.0
	best := ""
	for u, m := range units {
		if strings.HasSuffix(s, u) && len(u) > len(best) {
			best, mult = u, m
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, best)), 64)
	if err != nil {
		return 0, fmt.Errorf("%q: %w", s, err)
	}
	return v * mult, nil
}
