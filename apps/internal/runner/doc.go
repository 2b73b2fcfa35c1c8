// Package runner drives a service core (service.Core) on a node
// (service.Host): the goroutines, connections and timers around the
// state machine, shared by every service.
//
// One long-lived goroutine (loop) owns the core and calls Handle for
// one input at a time; everything else turns I/O into inputs for it:
//
//  1. acceptLoop accepts connections on the service's port and names
//     each by its verified wallet (Host.PeerOf).
//  2. A frame for a wallet with no connection waits while dial opens
//     one (Config.DialTimeout); a failed dial is a Down input.
//  3. Each connection has a reader (frames in, u32 length prefix,
//     Config.MaxFrame at most) and a writer (frames out, in order).
//     The newest connection with a wallet carries what is sent to it;
//     when another opens or it ends, the core gets Down, then Up if
//     one with that wallet is (still) open.
//  4. The earliest deadline the core asked for becomes a Timer input;
//     DID documents it asks for are looked up (Host.Document) and
//     come back as Document inputs.
//  5. Effects are applied in order: writes durably first (Store.Apply),
//     then events (Config.OnEvent), then frames.
//
// Close stops all of it and returns when every goroutine has ended.
package runner
