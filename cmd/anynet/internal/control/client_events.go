package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// StreamEvents reads GET /v1/events from after (the Seq of the last
// event handled; 0 with fromNow set: only new events) and calls fn for
// each line, the EventHello first, until ctx ends, the node goes
// (io.ErrUnexpectedEOF) or fn returns an error, which it returns.
func (c *Client) StreamEvents(ctx context.Context, after uint64, fromNow bool, fn func(Event) error) error {
	path := "http://anynet/v1/events"
	if !fromNow {
		path += "?after=" + strconv.FormatUint(after, 10)
	}
	req, err := http.NewRequestWithContext(ctx, "GET", path, nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.dialError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return readError(resp)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return fmt.Errorf("control: bad event line: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("control: event stream: %w", err)
	}
	return fmt.Errorf("control: event stream ended: %w", errUnexpectedEOF)
}

var errUnexpectedEOF = errors.New("the node closed it")

// Cursor returns the number of the node's newest event: events after it
// are new (SubscribeAfter).
func (c *Client) Cursor(ctx context.Context) (uint64, error) {
	var seq uint64
	stop := errors.New("hello read")
	err := c.StreamEvents(ctx, 0, true, func(e Event) error {
		seq = e.Seq
		return stop
	})
	if errors.Is(err, stop) {
		err = nil
	}
	return seq, err
}

// Subscribe follows the node's events until ctx ends, reconnecting with
// its cursor after a broken stream (waiting retry between attempts), so
// no event is missed or repeated while the node runs; an EventGap says
// some were dropped all the same. The channel closes when ctx ends.
// EventHello lines are not passed on. It starts with the next event.
func (c *Client) Subscribe(ctx context.Context, retry time.Duration) <-chan Event {
	return c.subscribe(ctx, 0, true, retry)
}

// SubscribeAfter is Subscribe from the events after cursor after.
func (c *Client) SubscribeAfter(ctx context.Context, after uint64, retry time.Duration) <-chan Event {
	return c.subscribe(ctx, after, false, retry)
}

func (c *Client) subscribe(ctx context.Context, after uint64, fromNow bool, retry time.Duration) <-chan Event {
	out := make(chan Event, 64)
	go func() {
		defer close(out)
		for ctx.Err() == nil {
			c.StreamEvents(ctx, after, fromNow, func(e Event) error {
				if e.Kind == EventHello {
					if fromNow {
						after, fromNow = e.Seq, false
					}
					return nil
				}
				after = e.Seq
				select {
				case out <- e:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			select {
			case <-ctx.Done():
			case <-time.After(retry):
			}
		}
	}()
	return out
}
