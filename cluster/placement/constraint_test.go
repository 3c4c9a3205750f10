package placement

import (
	"testing"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// check is swarmkit's ConstraintFilter.Check: whether a node satisfies
// the constraints.
func check(rec *state.NodeRecord, constraints ...string) bool {
	return Matches(&state.ServiceSpec{Constraints: constraints}, rec)
}

func worker() *state.NodeRecord {
	return &state.NodeRecord{Name: "", Role: state.RoleWorker, Labels: map[string]string{}, EngineLabels: map[string]string{}}
}

// Ported from swarmkit constraint_test.go TestNodeHostname: != passes a
// node with another hostname (or none), == only the one named, whatever
// the case.
func TestNodeHostname(t *testing.T) {
	n := worker()
	if !check(n, "node.hostname != node-1") {
		t.Error("a node without a hostname fails node.hostname != node-1")
	}
	n.Name = "node-2"
	if !check(n, "node.hostname != node-1") {
		t.Error("node-2 fails node.hostname != node-1")
	}
	n.Name = "node-1"
	if check(n, "node.hostname != node-1") {
		t.Error("node-1 passes node.hostname != node-1")
	}
	n.Name = "NODe-1"
	if check(n, "node.hostname != node-1") {
		t.Error("NODe-1 passes node.hostname != node-1: the match is case-insensitive")
	}
}

// Ported from swarmkit constraint_test.go TestNodeRole.
func TestNodeRole(t *testing.T) {
	n := worker()
	if !check(n, "node.role == worker") || check(n, "node.role == manager") || check(n, "node.role == worker-manager") {
		t.Error("a worker's role does not match as swarmkit's does")
	}
}

// Ported from swarmkit constraint_test.go TestNodeLabel: an engine label
// is not a node label.
func TestNodeLabel(t *testing.T) {
	n := worker()
	if check(n, "node.labels.security == high") {
		t.Error("a node without the label passes")
	}
	n.EngineLabels["security"] = "high"
	if check(n, "node.labels.security == high") {
		t.Error("an engine label counts as a node label")
	}
	n.Labels["security"] = "high"
	if !check(n, "node.labels.security == high") {
		t.Error("the node label does not match")
	}
}

// Ported from swarmkit constraint_test.go TestEngineLabel: a node label is
// not an engine label, and other labels do not interfere.
func TestEngineLabel(t *testing.T) {
	n := worker()
	if !check(n, "engine.labels.disk != ssd") {
		t.Error("a node without the engine label fails !=")
	}
	n.Labels["disk"] = "ssd"
	if !check(n, "engine.labels.disk != ssd") {
		t.Error("a node label counts as an engine label")
	}
	n.EngineLabels["disk"] = "ssd"
	n.EngineLabels["memory"] = "large"
	if check(n, "engine.labels.disk != ssd") {
		t.Error("the engine label does not count")
	}
}

// Ported from swarmkit constraint_test.go TestMultipleConstraints: every
// constraint must hold, values compared whatever their case.
func TestMultipleConstraints(t *testing.T) {
	n := worker()
	two := []string{"node.hostname == node-1", "engine.labels.operatingsystem != Ubuntu 14.04"}
	if check(n, two...) {
		t.Error("a node without the hostname passes")
	}
	n.Name = "node-1"
	if !check(n, two...) {
		t.Error("node-1 without the engine label fails")
	}
	n.EngineLabels["operatingsystem"] = "ubuntu 14.04"
	if check(n, two...) {
		t.Error("ubuntu 14.04 passes != Ubuntu 14.04: the match is case-insensitive")
	}
	n.EngineLabels["operatingsystem"] = "ubuntu 15.04"
	if !check(n, two...) {
		t.Error("ubuntu 15.04 fails")
	}
	three := append(two, "node.labels.security == high")
	n.Labels["security"] = "low"
	if check(n, three...) {
		t.Error("security=low passes security == high")
	}
	n.Labels["security"] = "high"
	n.EngineLabels["memory"] = "large"
	if !check(n, three...) {
		t.Error("a node satisfying all three fails")
	}
}
