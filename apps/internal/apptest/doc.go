// Package apptest is the test fixture the services under apps/ share: a
// network of real nodes (gVisor stacks, Noise sessions) on one in-memory
// underlay (Net, Nodes), optionally with an embedded chain that funds and
// publishes them (Chain). Each service keeps its own service-specific
// fixture on top of it in its _test.go files.
//
// Nothing here asserts on time: Ctx only bounds blocking calls so a hung
// test fails instead of running forever.
package apptest
