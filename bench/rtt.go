package main

import "context"

// runRTT measures the 64-byte echo round trip over kernel TCP (for
// reference) and over anynet on UDP loopback and on memory.
func runRTT(ctx context.Context, cfg *config) ([]Result, error) {
	var out []Result
	for _, f := range []func(context.Context, *config) ([]Result, error){
		rttKernel,
		func(ctx context.Context, cfg *config) ([]Result, error) {
			return anynetFigure(ctx, cfg, "udp", echoRTT)
		},
		func(ctx context.Context, cfg *config) ([]Result, error) {
			return anynetFigure(ctx, cfg, "mem", echoRTT)
		},
	} {
		res, err := f(ctx, cfg)
		out = append(out, res...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
