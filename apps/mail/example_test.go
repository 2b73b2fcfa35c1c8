package mail_test

import (
	"context"
	"fmt"
	"net"

	"github.com/anynet/anynet/apps/mail"
	"github.com/anynet/anynet/stack"
)

// Anynet addresses are a name or a wallet at the pseudo-domain anynet.
func ExampleParseAddress() {
	for _, a := range []string{"bob@anynet", "Alice <alice.eth@anynet>", "bob@example.com"} {
		host, err := mail.ParseAddress(a)
		fmt.Println(host, err)
	}
	// Output:
	// bob <nil>
	// alice.eth <nil>
	//  mail: not an anynet address: "bob@example.com": the domain must be @anynet
}

// Mail on a node: open the service, publish its key, send, and serve the
// gateways to local mail clients.
func ExampleOpen() {
	ctx := context.Background()
	node := &stack.Node{} // with Names set, and Publish called, in real use
	svc, err := mail.Open(ctx, mail.Config{Host: node, Dir: "/var/lib/anynet/mail"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer svc.Close()
	o, err := svc.Send(ctx, "bob@anynet", []byte("Subject: hi\r\n\r\nhello bob\r\n"))
	fmt.Println(o.Status, err) // queued; Subscribe reports held, delivered or failed

	smtpLn, _ := net.Listen("tcp", "127.0.0.1:2525")
	go svc.ServeSMTP(smtpLn)
	imapLn, _ := net.Listen("tcp", "127.0.0.1:1143")
	go svc.ServeIMAP(imapLn)
	pass, _ := svc.Password() // clients log in as any user with it
	_ = pass
}
