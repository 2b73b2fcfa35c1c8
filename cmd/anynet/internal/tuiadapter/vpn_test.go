package tuiadapter

import (
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// TestVPNView: the control API's VPN status reaches the TUI field by
// field, a part not running staying nil.
func TestVPNView(t *testing.T) {
	v := vpnView(control.VPNStatus{Exit: &control.VPNExitStatus{Advert: "v=1", Published: true, Sessions: 2, Refused: 1, Up: 3, Down: 4}})
	if e := v.Exit; e == nil || e.Advert != "v=1" || !e.Published || e.Sessions != 2 || e.Refused != 1 || e.Up != 3 || e.Down != 4 || v.Proxy != nil {
		t.Errorf("exit only: %+v %+v", v.Exit, v.Proxy)
	}
	v = vpnView(control.VPNStatus{Proxy: &control.VPNProxyStatus{Addr: "127.0.0.1:1080", Exits: []string{"a", "b"}, InUse: "b", Failovers: 1, Down: 9}})
	if p := v.Proxy; p == nil || p.Addr != "127.0.0.1:1080" || len(p.Exits) != 2 || p.InUse != "b" || p.Failovers != 1 || p.Down != 9 || v.Exit != nil {
		t.Errorf("proxy only: %+v %+v", v.Exit, v.Proxy)
	}
}
