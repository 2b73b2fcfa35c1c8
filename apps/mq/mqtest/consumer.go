package mqtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// LoadProcessed reads the ids in file (seen, and in the order
// processed), cutting a line a kill left half written.
func LoadProcessed(file string) (map[string]bool, []string, error) {
	b, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, err
	}
	if i := bytes.LastIndexByte(b, '\n'); i+1 != len(b) {
		b = b[:i+1]
		if err := os.Truncate(file, int64(len(b))); err != nil {
			return nil, nil, err
		}
	}
	seen := map[string]bool{}
	var order []string
	for _, id := range strings.Fields(string(b)) {
		seen[id] = true
		order = append(order, id)
	}
	return seen, order, nil
}

// Consume is a crash test's consumer child: it processes the stream
// JOBS with the durable consumer "work" through the NATS server at url,
// appending a message's id to file unless file already has it (a
// redelivery: appended to file.dups instead), then acks. It prints
// "ready" once connecting, "error …" and exits 1 on a failure, and runs
// until killed.
func Consume(file, url string) {
	fail := func(err error) { fmt.Println("error", err); os.Exit(1) }
	seen, _, err := LoadProcessed(file)
	if err != nil {
		fail(err)
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		fail(err)
	}
	dups, err := os.OpenFile(file+".dups", os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		fail(err)
	}
	nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond), nats.RetryOnFailedConnect(true))
	if err != nil {
		fail(err)
	}
	js, _ := jetstream.New(nc)
	fmt.Println("ready")
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		cons, err := js.Consumer(ctx, "JOBS", "work")
		cancel()
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		for {
			b, err := cons.Fetch(200, jetstream.FetchMaxWait(time.Second))
			if err != nil {
				break
			}
			for m := range b.Messages() {
				id := m.Headers().Get(jetstream.MsgIDHeader)
				if seen[id] {
					fmt.Fprintln(dups, id)
				} else {
					fmt.Fprintln(f, id) // one write: a kill leaves it whole or cut
					seen[id] = true
				}
				m.Ack()
			}
			if b.Error() != nil && !errors.Is(b.Error(), nats.ErrTimeout) {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
}
