// Package namingtest helps tests of other packages put standard ENS and
// did:ethr contracts on a chain: DeployStandard deploys the artifacts
// that ENS and uPort publish on npm (naming/interop installs them).
package namingtest
