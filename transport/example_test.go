package transport_test

import (
	"fmt"
	"time"

	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/crypto"
)

// Two nodes handshake with IK and exchange a packet. The caller moves
// the bytes; here they are handed over directly.
func Example() {
	node := func() *transport.Sessions {
		wallet, _ := crypto.GenerateKey()
		key, _ := transport.GenerateNodeKey(nil)
		b, _ := transport.SignBinding(transport.NewKeySigner(wallet), key.Public, 1, time.Now().Add(24*time.Hour))
		s, err := transport.New(transport.Config{Key: key, Binding: b})
		if err != nil {
			panic(err)
		}
		return s
	}
	alice, bob := node(), node()
	bobKey := bob.PublicKey()
	toBob := alice.Peer(bob.Wallet(), &bobKey)

	init, _ := alice.Initiate(toBob)
	res, _ := bob.Receive(nil, init, []byte("alice's address"))
	res, _ = alice.Receive(nil, res.Replies[0], []byte("bob's address"))
	fmt.Println("alice established:", res.Established)

	msg, _ := alice.Seal(nil, toBob, []byte("hello, bob"))
	res, _ = bob.Receive(nil, msg, []byte("alice's address"))
	fmt.Printf("bob got %q from %v\n", res.Payload, res.Peer.Wallet() == alice.Wallet())
	// Output:
	// alice established: true
	// bob got "hello, bob" from true
}
