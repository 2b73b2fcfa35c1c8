package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"time"
)

// chunk is the size of one Write in a throughput figure.
const chunk = 128 << 10

// dialFunc opens the client side of a connection to the listener ln.
type dialFunc func(ctx context.Context) (net.Conn, error)

// connect dials through dial and accepts on ln, returning both ends.
func connect(ctx context.Context, ln net.Listener, dial dialFunc) (client, server net.Conn, err error) {
	type accepted struct {
		c   net.Conn
		err error
	}
	ch := make(chan accepted, 1)
	go func() {
		c, err := ln.Accept()
		ch <- accepted{c, err}
	}()
	client, err = dial(ctx)
	if err != nil {
		ln.Close() // unblocks Accept
		<-ch
		return nil, nil, fmt.Errorf("dial: %w", err)
	}
	select {
	case a := <-ch:
		if a.err != nil {
			client.Close()
			return nil, nil, fmt.Errorf("accept: %w", a.err)
		}
		return client, a.c, nil
	case <-ctx.Done():
		client.Close()
		ln.Close()
		return nil, nil, fmt.Errorf("accept: %w", ctx.Err())
	}
}

// setDeadline bounds I/O on conns by ctx's deadline.
func setDeadline(ctx context.Context, conns ...net.Conn) {
	if d, ok := ctx.Deadline(); ok {
		for _, c := range conns {
			c.SetDeadline(d)
		}
	}
}

// transfer writes n bytes from client to server and returns the time until
// the server has read them all and its one-byte acknowledgement is back.
func transfer(ctx context.Context, client, server net.Conn, n int64) (time.Duration, error) {
	setDeadline(ctx, client, server)
	errc := make(chan error, 1)
	go func() {
		buf := make([]byte, chunk)
		if _, err := io.CopyBuffer(io.Discard, io.LimitReader(server, n), buf); err != nil {
			errc <- fmt.Errorf("server read: %w", err)
			return
		}
		_, err := server.Write([]byte{1})
		errc <- err
	}()

	buf := make([]byte, chunk)
	for i := range buf {
		buf[i] = byte(i)
	}
	start := time.Now()
	for left := n; left > 0; {
		b := buf[:min(left, chunk)]
		w, err := client.Write(b)
		if err != nil {
			return 0, fmt.Errorf("client write: %w", err)
		}
		left -= int64(w)
	}
	var ack [1]byte
	if _, err := io.ReadFull(client, ack[:]); err != nil {
		return 0, errors.Join(fmt.Errorf("client read ack: %w", err), <-errc)
	}
	elapsed := time.Since(start)
	if err := <-errc; err != nil {
		return 0, err
	}
	return elapsed, nil
}

// throughput connects through ln and dial, moves cfg.bytes cfg.runs times
// over the one connection and returns the figure named name: the median
// run.
func throughput(ctx context.Context, cfg *config, name string, ln net.Listener, dial dialFunc) ([]Result, error) {
	client, server, err := connect(ctx, ln, dial)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	defer server.Close()
	var rates, perCPU []float64
	for range max(cfg.runs, 1) {
		cpu0 := processCPU()
		d, err := transfer(ctx, client, server, cfg.bytes)
		if err != nil {
			return nil, err
		}
		rates = append(rates, gbits(cfg.bytes, d))
		if cpu := processCPU() - cpu0; cpu > 0 {
			perCPU = append(perCPU, gbits(cfg.bytes, cpu))
		}
	}
	note := fmt.Sprintf("%d bytes", cfg.bytes)
	if len(rates) > 1 {
		note += fmt.Sprintf(", median of %d runs %.2f", len(rates), rates)
	}
	slices.Sort(rates)
	res := Result{
		Kind:  "throughput",
		Name:  name,
		Value: rates[len(rates)/2],
		Unit:  "Gbit/s",
		Note:  note,
	}
	if len(perCPU) > 0 {
		slices.Sort(perCPU)
		res.PerCPU = perCPU[len(perCPU)/2]
	}
	return []Result{res}, nil
}

// processCPU is the time this process's threads spent on a CPU so far,
// user and system, from schedstat (procSched); 0 where it cannot be read.
// The figures divide bytes by it (Result.PerCPU): what a figure moves per
// second of CPU hardly changes with the load of a shared machine, which
// swings its wall-clock rate several times over.
func processCPU() time.Duration {
	ns, _, err := procSched(os.Getpid())
	if err != nil {
		return 0
	}
	return time.Duration(ns)
}

// rttSize is the size of one echo message.
const rttSize = 64

// echoRTT connects through ln and dial, bounces rttSize-byte messages
// samples times and returns p50 and p99 in microseconds.
func echoRTT(ctx context.Context, cfg *config, name string, ln net.Listener, dial dialFunc) ([]Result, error) {
	client, server, err := connect(ctx, ln, dial)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	defer server.Close()
	setDeadline(ctx, client, server)
	go func() {
		buf := make([]byte, rttSize)
		for {
			if _, err := io.ReadFull(server, buf); err != nil {
				return
			}
			if _, err := server.Write(buf); err != nil {
				return
			}
		}
	}()

	warm := min(cfg.rttSamples/10, 100)
	samples := make([]time.Duration, 0, cfg.rttSamples)
	msg, reply := make([]byte, rttSize), make([]byte, rttSize)
	for i := range warm + cfg.rttSamples {
		msg[0] = byte(i)
		start := time.Now()
		if _, err := client.Write(msg); err != nil {
			return nil, fmt.Errorf("write: %w", err)
		}
		if _, err := io.ReadFull(client, reply); err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
		d := time.Since(start)
		if reply[0] != msg[0] {
			return nil, fmt.Errorf("echo %d came back as %d", msg[0], reply[0])
		}
		if i >= warm {
			samples = append(samples, d)
		}
	}
	slices.Sort(samples)
	return []Result{{
		Kind:  "rtt",
		Name:  name,
		Value: micros(percentile(samples, 0.50)),
		P99:   micros(percentile(samples, 0.99)),
		Unit:  "µs",
		Note:  fmt.Sprintf("%d samples of %d bytes", len(samples), rttSize),
	}}, nil
}

// percentile returns the q-quantile of sorted (nearest rank).
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
