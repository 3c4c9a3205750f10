package cluster

import (
	"strings"
	"testing"
	"time"
)

// swarmkit's scheduler/nodeinfo.go addTask and removeTask charge a node with
// each task's own spec (t.Spec.Resources, t.Endpoint), not its service's
// current one: during an update the old tasks hold what they were made
// with. These tests use only the public API, so they hold whatever the
// cluster's insides become.

func publishHost(spec *ServiceSpec, port uint32) {
	spec.Ports = []PortConfig{{Published: port, Target: 80, Protocol: "tcp", Mode: PublishHost}}
	spec.HostPorts = []uint32{port}
}

// A start-first update that moves a host port starts each new task next to
// its old one: the old task holds the old port, not the new.
func TestStartFirstUpdateMovesAHostPort(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 6)
	spec := service("web", 3)
	spec.Update.Order = "start-first"
	publishHost(&spec, 8080)
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { publishHost(s, 8081) }))
	// expect port answers from the tasks that run: the old ones still bind 8080.
	if open, why := c.Snapshot().PortOpen(8080, "m1"); !open || !strings.Contains(why, "before an update") {
		t.Errorf("right after the update, 8080 open on m1 is %v (%s); the old task still binds it", open, why)
	}
	mustRun(t, c, time.Minute)
	web := serviceView(t, c, "web")
	if web.Running != 3 || web.Update != UpdateCompleted {
		t.Errorf("web: %d running, update %q, pending %v; want 3 running and the update completed", web.Running, web.Update, web.Reasons)
	}
	for _, port := range []uint32{8080, 8081} {
		open, why := c.Snapshot().PortOpen(port, "m1")
		if open != (port == 8081) {
			t.Errorf("after the update port %d open on m1 is %v: %s", port, open, why)
		}
	}
}

// Lowering a reservation start-first needs room for the new task beside the
// old, which still reserves what it was made with: Docker leaves the new
// task pending, "insufficient resources".
func TestStartFirstLowerReservationNeedsRoom(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 0, 6)
	spec := service("web", 3)
	spec.Update.Order = "start-first"
	spec.NanoCPUs = 3_000_000_000 // of the 4 CPUs each node has
	mustApply(t, c, CreateService(spec))
	settle(t, c)
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.NanoCPUs = 2_000_000_000 }))
	mustRun(t, c, 30*time.Second)
	web := serviceView(t, c, "web")
	if web.Running != 3 || web.Pending == 0 || !strings.Contains(strings.Join(web.Reasons, "; "), "insufficient resources") {
		t.Errorf("web: %d running, %d pending %v; want the 3 old running and a new one pending for insufficient resources", web.Running, web.Pending, web.Reasons)
	}
}

// 7070/tcp and 7070/udp are different host ports (swarmkit's
// scheduler/filter.go HostPortFilter keys them by protocol and port), so
// one node may run a task of each.
func TestHostPortsDifferByProtocol(t *testing.T) {
	c := newTestCluster(t, "1", 0, 6)
	for _, proto := range []string{"tcp", "udp"} {
		spec := service("dns-"+proto, 1)
		spec.Ports = []PortConfig{{Published: 7070, Target: 53, Protocol: proto, Mode: PublishHost}}
		spec.HostPorts = []uint32{7070}
		mustApply(t, c, CreateService(spec))
	}
	mustRun(t, c, 20*time.Second)
	for _, name := range []string{"dns-tcp", "dns-udp"} {
		if sv := serviceView(t, c, name); sv.Running != 1 {
			t.Errorf("%s: %d running, pending %v; 7070/tcp and 7070/udp can share a node", name, sv.Running, sv.Reasons)
		}
	}
}
