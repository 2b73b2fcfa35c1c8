//go:build !linux || race

package natsquiet

// Supported reports whether Quiet stops the sampler in this build.
const Supported = false

// Quiet does nothing in this build (see the package doc).
func Quiet() {}

// Resume does nothing in this build; call it before starting a server.
func Resume() {}
