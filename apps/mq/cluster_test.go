//go:build !nochain

package mq

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
)

// member is one node of a test cluster.
type member struct {
	node *stack.Node
	srv  *Server
	down bool
}

// kill takes m off the network at once (its overlay stack closes, so
// its peers see its routes end with no goodbye) and then stops its
// engine.
func (m *member) kill() {
	m.down = true
	m.node.Close()
	m.srv.Close()
}

// TestClusterSurvivesNodeLoss is the issue's "then three for
// replication": the nodes of three wallets that agree form a JetStream
// cluster over the overlay (routes carried by each node's forwarders
// and ClusterPort, authenticated by wallet); bob, through his loopback
// gateway and one member, publishes with ids to a stream with three
// replicas and consumes with a durable consumer; the node that leads
// the stream is taken off the network; publishing and consuming go on,
// and every acknowledged publish is consumed. A fourth wallet, not a
// member, is refused on the cluster port before any byte.
func TestClusterSurvivesNodeLoss(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("a three-node cluster with elections: not in -short")
	}
	ch := apptest.NewChain(t)
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()

	ms := make([]*member, 3)
	var wallets []common.Address
	for i := range ms {
		n, key := ch.Node(t, ctx)
		if _, err := Publish(ctx, ch.Emb.Client, naming.Transactor(key, ch.ChainID), n.Addr()); err != nil {
			t.Fatal(err)
		}
		ms[i] = &member{node: n}
		wallets = append(wallets, n.Addr())
	}
	bob, _ := ch.Node(t, ctx)
	eve, _ := ch.Node(t, ctx)
	for _, m := range ms {
		m.srv = serveMember(t, m.node, wallets)
	}
	survivesLeaderLoss(t, ctx, ms, bob, eve)
}

// TestOneWalletCluster: the nodes of ONE wallet form the cluster. Each
// lists only its own wallet; they find each other in the wallet's DID
// document and route to each other's instance addresses. The first
// member starts before the others exist (its route goes to whichever
// node of the wallet answers, and it adds the others as it finds them);
// then the same as TestClusterSurvivesNodeLoss: an R3 stream, bob
// publishing and consuming through one member while the leader is taken
// off the network, nothing acknowledged lost.
func TestOneWalletCluster(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("a three-node cluster with elections: not in -short")
	}
	ch := apptest.NewChain(t)
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()

	first, key := ch.Node(t, ctx)
	if _, err := Publish(ctx, ch.Emb.Client, naming.Transactor(key, ch.ChainID), first.Addr()); err != nil {
		t.Fatal(err)
	}
	wallet := []common.Address{first.Addr()}
	ms := []*member{{node: first}}
	ms[0].srv = serveMember(t, first, wallet)
	for range 2 {
		n := ch.NodeOf(t, ctx, key)
		ms = append(ms, &member{node: n, srv: serveMember(t, n, wallet)})
	}
	names := map[string]bool{}
	for _, m := range ms {
		names[m.srv.Engine().Name()] = true
	}
	if len(names) != 3 {
		t.Fatalf("engine names %v: want one per node", names)
	}
	// The first member found the two others after it started, and
	// routes to each at its instance address (its engine reloaded).
	for {
		nodes := ms[0].srv.ClusterNodes()
		if slices.Contains(nodes, ms[1].node.InstanceAddr().String()) && slices.Contains(nodes, ms[2].node.InstanceAddr().String()) {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the first member routes to %v; want the others' instance addresses", nodes)
		}
		time.Sleep(100 * time.Millisecond)
	}
	bob, _ := ch.Node(t, ctx)
	eve, _ := ch.Node(t, ctx)
	survivesLeaderLoss(t, ctx, ms, bob, eve)
}

// survivesLeaderLoss: the cluster of ms forms; a stream with three
// replicas; bob publishes with ids and consumes through one member
// while the stream's leader is taken off the network; every
// acknowledged publish is consumed once. eve, not a member, is refused
// on the cluster port.
func survivesLeaderLoss(t *testing.T, ctx context.Context, ms []*member, bob, eve *stack.Node) {
	t.Helper()
	// The cluster forms; a stream with three replicas, as member 0's owner.
	anc, err := ms[0].srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer anc.Close()
	ajs, _ := jetstream.New(anc)
	var st jetstream.Stream
	for {
		try, c := context.WithTimeout(ctx, 5*time.Second)
		st, err = ajs.CreateStream(try, jetstream.StreamConfig{Name: "JOBS", Subjects: []string{"jobs.>"},
			Storage: jetstream.FileStorage, Replicas: 3, Duplicates: 5 * time.Minute})
		c()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no cluster: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Cluster == nil || len(info.Cluster.Replicas) != 2 {
		t.Fatalf("stream cluster %+v: want a leader and two replicas", info.Cluster)
	}
	leader := slices.IndexFunc(ms, func(m *member) bool { return m.srv.Engine().Name() == info.Cluster.Leader })
	if leader < 0 {
		t.Fatalf("leader %q is not a member", info.Cluster.Leader)
	}
	entry := (leader + 1) % 3
	for _, m := range ms {
		if err := m.srv.SetPolicy(Policy{Wallets: map[common.Address]Grant{bob.Addr(): {
			Publish: []string{"jobs.>"}, Consume: []string{"JOBS"}}}}); err != nil {
			t.Fatal(err)
		}
	}

	// A wallet that is not a member gets nothing on the cluster port.
	refusedOnClusterPort(t, ctx, eve, ms[entry].node)

	// Bob, through his gateway and the entry member.
	gw := &Gateway{Host: bob, Password: testGatewayPassword}
	t.Cleanup(gw.Close)
	// At the entry member's own instance address: with one wallet,
	// the wallet names whichever node is nearest.
	if _, err := bob.LookupInstances(ctx, ms[entry].node.Addr().Hex()); err != nil {
		t.Fatal(err)
	}
	nc, err := gw.Connect(ms[entry].node.InstanceAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	cons, err := js.CreateOrUpdateConsumer(ctx, "JOBS", jetstream.ConsumerConfig{
		Durable: "bob", AckPolicy: jetstream.AckExplicitPolicy, AckWait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	publish := func(from, to int) {
		t.Helper()
		for i := from; i < to; i++ {
			id := "job-" + strconv.Itoa(i)
			for { // the same id again after an error: at most one copy
				try, c := context.WithTimeout(ctx, 5*time.Second)
				_, err := js.Publish(try, "jobs.new", []byte(id), jetstream.WithMsgID(id))
				c()
				if err == nil {
					acked[id] = true
					break
				}
				if ctx.Err() != nil {
					t.Fatalf("publish %s: %v", id, err)
				}
			}
		}
	}
	done := map[string]bool{}
	consume := func(want int) {
		t.Helper()
		for len(done) < want {
			if ctx.Err() != nil {
				t.Fatalf("consumed %d of %d", len(done), want)
			}
			b, err := cons.Fetch(50, jetstream.FetchMaxWait(2*time.Second))
			if err != nil {
				continue
			}
			for m := range b.Messages() {
				try, c := context.WithTimeout(ctx, 5*time.Second)
				err := m.DoubleAck(try)
				c()
				if err == nil {
					done[string(m.Data())] = true // a redelivered id counts once
				}
			}
		}
	}
	const half = 300
	publish(0, half)
	consume(half / 2)

	ms[leader].kill()

	publish(half, 2*half)
	consume(2 * half)
	for id := range acked {
		if !done[id] {
			t.Fatalf("acknowledged %s never consumed", id)
		}
	}
	if len(done) != len(acked) {
		t.Fatalf("consumed %d ids, %d acknowledged", len(done), len(acked))
	}
	jst, err := js.Stream(ctx, "JOBS")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := jst.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ci.State.Msgs != 2*half {
		t.Fatalf("stream holds %d messages, want %d (one per id)", ci.State.Msgs, 2*half)
	}
	if ci.Cluster.Leader == ms[leader].srv.Engine().Name() {
		t.Fatalf("the lost node still leads")
	}
}

// serveMember starts a cluster member on n, serving its Port and
// ClusterPort until the test ends.
func serveMember(t *testing.T, n *stack.Node, members []common.Address) *Server {
	t.Helper()
	s, err := Start(t.Context(), Config{Host: n, Dir: t.TempDir(), Cluster: &ClusterConfig{Members: members}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, p := range []int{Port, ClusterPort} {
		l, err := n.Listen("tcp", fmt.Sprintf(":%d", p))
		if err != nil {
			t.Fatal(err)
		}
		serve := s.Serve
		if p == ClusterPort {
			serve = s.ServeCluster
		}
		go serve(l)
	}
	return s
}

// refusedOnClusterPort checks that from's connection to to's
// ClusterPort ends before to's engine says anything, even after a
// well-formed route CONNECT.
func refusedOnClusterPort(t *testing.T, ctx context.Context, from, to *stack.Node) {
	t.Helper()
	if _, err := from.LookupInstances(ctx, to.Addr().Hex()); err != nil {
		t.Fatal(err)
	}
	c, err := from.Dial(ctx, "tcp", net.JoinHostPort(to.InstanceAddr().String(), strconv.Itoa(ClusterPort)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "CONNECT {\"verbose\":false,\"name\":\"eve\",\"cluster\":\"anynet\"}\r\n")
	c.SetReadDeadline(time.Now().Add(time.Minute)) // only bounds a hang
	b, err := io.ReadAll(c)
	// Closed: an EOF, or a reset when the node closed it with eve's
	// CONNECT unread (RFC 1122 4.2.2.13; gVisor's error is a string).
	reset := err != nil && (errors.Is(err, syscall.ECONNRESET) || strings.Contains(err.Error(), "connection reset by peer"))
	if len(b) > 0 || (err != nil && !errors.Is(err, net.ErrClosed) && !reset) {
		t.Fatalf("a non-member on the cluster port read %q, %v; want the connection closed", b, err)
	}
}

// TestRouteAuth: the engine takes a route only with a member's wallet
// and this node's route MAC of it.
func TestRouteAuth(t *testing.T) {
	owner, m, other := common.Address{1}, common.Address{2}, common.Address{3}
	a := &walletAuth{key: []byte("k"), owner: owner}
	a.setMembers([]common.Address{m})
	r := routeAuth{a}
	for _, tc := range []struct {
		user, pass string
		ok         bool
	}{
		{m.Hex(), a.routePass(m), true},
		{m.Hex(), a.pass(m), false}, // a client's MAC is not a route's
		{other.Hex(), a.routePass(other), false},
		{m.Hex(), "", false},
		{"route", a.routePass(m), false},
	} {
		if got := r.Check(&fakeClient{opts: &server.ClientOpts{Username: tc.user, Password: tc.pass}}); got != tc.ok {
			t.Errorf("Check(%s, %.8s…) = %v, want %v", tc.user, tc.pass, got, tc.ok)
		}
	}
	// Members have the owner's rights as clients.
	if !a.Check(&fakeClient{opts: &server.ClientOpts{Username: m.Hex(), Password: a.pass(m)}}) {
		t.Error("a member refused as a client")
	}
	if a.Check(&fakeClient{opts: &server.ClientOpts{Username: other.Hex(), Password: a.pass(other)}}) {
		t.Error("a wallet with no grant accepted as a client")
	}
}

// fakeClient is what the engine hands an authenticator.
type fakeClient struct {
	opts *server.ClientOpts
	user *server.User
}

func (f *fakeClient) GetOpts() *server.ClientOpts                 { return f.opts }
func (f *fakeClient) GetTLSConnectionState() *tls.ConnectionState { return nil }
func (f *fakeClient) RegisterUser(u *server.User)                 { f.user = u }
func (f *fakeClient) RemoteAddress() net.Addr                     { return nil }
func (f *fakeClient) GetNonce() []byte                            { return nil }
func (f *fakeClient) Kind() int                                   { return server.CLIENT }
func (f *fakeClient) GetID() uint64                               { return 1 }
