package naming

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/abigen"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"

	"github.com/anynet/anynet/naming/contracts/bindings"
)

// committed lists the compiled contracts, their binding metadata and the
// file abigen writes them to.
var committed = []struct {
	name string
	meta *bind.MetaData
	file string
}{
	{"ENSRegistry", &bindings.ENSRegistryMetaData, "ensregistry.go"},
	{"PublicResolver", &bindings.PublicResolverMetaData, "publicresolver.go"},
	{"FIFSRegistrar", &bindings.FIFSRegistrarMetaData, "fifsregistrar.go"},
	{"ReverseRegistrar", &bindings.ReverseRegistrarMetaData, "reverseregistrar.go"},
	{"DIDRegistry", &bindings.DIDRegistryMetaData, "didregistry.go"},
	{"NetworkPasses", &bindings.NetworkPassesMetaData, "networkpasses.go"},
	{"PaymentChannels", &bindings.PaymentChannelsMetaData, "paymentchannels.go"},
	{"TestToken", &bindings.TestTokenMetaData, "testtoken.go"},
	{"RelayCredits", &bindings.RelayCreditsMetaData, "relaycredits.go"},
}

func readBuild(t *testing.T, dir, name string) (abiJSON, bin []byte) {
	t.Helper()
	abiJSON, err := os.ReadFile(filepath.Join(dir, name+".abi"))
	if err != nil {
		t.Fatal(err)
	}
	bin, err = os.ReadFile(filepath.Join(dir, name+".bin"))
	if err != nil {
		t.Fatal(err)
	}
	return abiJSON, bin
}

func signatures(t *testing.T, a *abi.ABI) (methods, events []string) {
	t.Helper()
	for _, m := range a.Methods {
		methods = append(methods, m.Sig)
	}
	for _, e := range a.Events {
		events = append(events, e.Sig)
	}
	slices.Sort(methods)
	slices.Sort(events)
	return methods, events
}

// TestBindingsMatchABI: the committed bindings carry the committed ABI's
// methods and events and its bytecode.
func TestBindingsMatchABI(t *testing.T) {
	for _, c := range committed {
		t.Run(c.name, func(t *testing.T) {
			abiJSON, bin := readBuild(t, "contracts/build", c.name)
			fromFile, err := abi.JSON(bytes.NewReader(abiJSON))
			if err != nil {
				t.Fatal(err)
			}
			fromBinding, err := c.meta.ParseABI()
			if err != nil {
				t.Fatal(err)
			}
			fm, fe := signatures(t, &fromFile)
			bm, be := signatures(t, fromBinding)
			if !slices.Equal(fm, bm) || !slices.Equal(fe, be) {
				t.Fatalf("bindings out of date (run task contracts):\n build: %v %v\n bindings: %v %v", fm, fe, bm, be)
			}
			if c.meta.Bin != "0x"+string(bin) {
				t.Fatal("binding bytecode differs from build/*.bin (run task contracts)")
			}
		})
	}
}

// TestBindingsRegenerate: abigen --v2 on the committed ABI and bytecode
// gives the committed files byte for byte.
func TestBindingsRegenerate(t *testing.T) {
	for _, c := range committed {
		t.Run(c.name, func(t *testing.T) {
			abiJSON, bin := readBuild(t, "contracts/build", c.name)
			code, err := abigen.BindV2([]string{c.name}, []string{string(abiJSON)}, []string{string(bin)},
				"bindings", map[string]string{}, map[string]string{})
			if err != nil {
				t.Fatal(err)
			}
			have, err := os.ReadFile(filepath.Join("contracts/bindings", c.file))
			if err != nil {
				t.Fatal(err)
			}
			if code != string(have) {
				t.Fatalf("contracts/bindings/%s is not what abigen generates (run task contracts)", c.file)
			}
		})
	}
}

// TestContractsRecompile compiles the Solidity sources again with the
// pinned solc and compares with the committed build output. It needs node
// and `npm ci` in naming/contracts; it is skipped otherwise.
func TestContractsRecompile(t *testing.T) {
	if testing.Short() {
		t.Skip("recompiling takes ~30 s")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	if _, err := os.Stat("contracts/node_modules/solc"); err != nil {
		t.Skip("contracts/node_modules missing (run npm ci in naming/contracts)")
	}
	out := t.TempDir()
	cmd := exec.CommandContext(t.Context(), node, "contracts/compile.js", "--out", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compile.js: %v\n%s", err, msg)
	}
	for _, c := range committed {
		wantABI, wantBin := readBuild(t, "contracts/build", c.name)
		gotABI, gotBin := readBuild(t, out, c.name)
		if !bytes.Equal(gotBin, wantBin) {
			t.Errorf("%s: bytecode differs from build/%s.bin (run task contracts)", c.name, c.name)
		}
		if !bytes.Equal(gotABI, wantABI) {
			t.Errorf("%s: ABI differs from build/%s.abi (run task contracts)", c.name, c.name)
		}
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 2*len(committed) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("compile.js wrote %s; the test knows %d contracts", strings.Join(names, " "), len(committed))
	}
}
