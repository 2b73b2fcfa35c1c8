// Package apps holds the services that run on an anynet node (instant
// messaging, mail, CDN, file transfer, VPN exit, message queues,
// payments), one sub-package each. Each service listens on a well-known
// port of the node's identity address, keeps its store in the node's data
// directory, and is reached by wallet or name through package stack.
//
// No service has landed yet; see the project's issues.
package apps
