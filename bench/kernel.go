package main

import (
	"context"
	"net"
)

// kernelPair listens on 127.0.0.1 and returns the listener and a dialer.
func kernelPair() (net.Listener, dialFunc, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	var d net.Dialer
	dial := func(ctx context.Context) (net.Conn, error) {
		return d.DialContext(ctx, "tcp", ln.Addr().String())
	}
	return ln, dial, nil
}

// runKernelTCP measures kernel TCP over loopback: the ceiling.
func runKernelTCP(ctx context.Context, cfg *config) ([]Result, error) {
	ln, dial, err := kernelPair()
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	return throughput(ctx, cfg, "kernel-tcp", ln, dial)
}

// rttKernel measures the echo round trip over kernel TCP, for reference.
func rttKernel(ctx context.Context, cfg *config) ([]Result, error) {
	ln, dial, err := kernelPair()
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	return echoRTT(ctx, cfg, "kernel-tcp", ln, dial)
}
