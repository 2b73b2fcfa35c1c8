// Package runner drives a service core (service.Core) on a node
// (service.Host): the goroutines, connections and timer around a
// service.Driver, which keeps the core's connections, queued frames and
// deadline and applies its effects.
//
// One long-lived goroutine (loop) owns the driver and hands it one
// input at a time; everything else turns I/O into inputs for it:
//
//  1. acceptLoop accepts connections on the service's port and names
//     each by its verified wallet (Host.PeerOf).
//  2. dial opens the connections the driver asks for (DialTimeout);
//     lookup reads the DID documents it asks for (Host.Document), with
//     a mailbox given by name resolved to its wallet (Host.Lookup).
//  3. Each connection has a reader (frames in, u32 length prefix,
//     Config.MaxFrame at most) and a writer (frames out, in order).
//  4. The timer, set to the core's earliest deadline, is a Timer input;
//     events go to Config.OnEvent before the frames of the same input.
//
// Close stops all of it and returns when every goroutine has ended.
package runner
