package daemon

import (
	"reflect"
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// TestSurface: the daemon's exported methods are the control API's
// actions, one each, and a few lifecycle and test helpers; nothing hands
// out the node, the chat service or the naming client, and no action
// has a second name.
func TestSurface(t *testing.T) {
	api := map[string]bool{}
	for _, it := range []reflect.Type{
		reflect.TypeFor[control.Backend](), reflect.TypeFor[control.ChatBackend](),
		reflect.TypeFor[control.CommunityBackend](), reflect.TypeFor[control.PassBackend](),
		reflect.TypeFor[control.EventBackend](), reflect.TypeFor[control.PayBackend](), reflect.TypeFor[control.VPNBackend](), reflect.TypeFor[control.MailBackend](),
		reflect.TypeFor[control.MQBackend](), reflect.TypeFor[control.ContentBackend](), reflect.TypeFor[control.RelayBackend](), reflect.TypeFor[control.StreamBackend](),
	} {
		for i := range it.NumMethod() {
			api[it.Method(i).Name] = true
		}
	}
	helpers := map[string]bool{
		"Close": true, "Wallet": true, "Ready": true, "Attached": true,
		"RouterInfo": true, "Announced": true, "LinkStats": true,
	}
	dt := reflect.TypeFor[*Daemon]()
	for i := range dt.NumMethod() {
		name := dt.Method(i).Name
		if !api[name] && !helpers[name] {
			t.Errorf("(*Daemon).%s is neither a control API action nor a lifecycle helper", name)
		}
	}
	for name := range api {
		if _, ok := dt.MethodByName(name); !ok {
			t.Errorf("(*Daemon) lacks %s", name)
		}
	}
}
