package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
)

// nodeJSON is one node as docker node inspect prints it, cut to the
// fields an import reads.
func nodeJSON(id, host, role, state, labels, manager, platform string) string {
	s := `{"ID": "` + id + `", "Spec": {"Role": "` + role + `", "Availability": "active", "Labels": {` + labels + `}}, ` +
		`"Description": {"Hostname": "` + host + `"` + platform + `}, "Status": {"State": "` + state + `"}`
	if manager != "" {
		s += `, "ManagerStatus": ` + manager
	}
	return s + "}"
}

func importJSON(t *testing.T, zoneLabel string, nodes ...string) *Swarm {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nodes.json")
	if err := os.WriteFile(path, []byte("["+strings.Join(nodes, ",\n")+"]"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := ImportNodes(path, zoneLabel)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func build(t *testing.T, s *Swarm) *cluster.Cluster {
	t.Helper()
	c, err := cluster.New(cluster.Config{Seed: 1, Layout: s.Layout, Nodes: s.Nodes})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RunFor(3 * time.Second); err != nil {
		t.Fatal(err)
	}
	return c
}

const (
	leader      = `{"Leader": true, "Reachability": "reachable", "Addr": "10.0.0.2:2377"}`
	reachable   = `{"Reachability": "reachable", "Addr": "10.0.0.1:2377"}`
	unreachable = `{"Reachability": "unreachable", "Addr": "10.0.0.3:2377"}`
)

// Issue 22 item 12: the swarm built from the JSON is the one it describes.
func TestImportedSwarmIsTheOneTheJSONDescribes(t *testing.T) {
	s := importJSON(t, "azone",
		nodeJSON("id1aaaaaaaaaaaaaaaaaaaaaa", "node1", "manager", "ready", `"azone": "a"`, reachable, ""),
		// moby#34827: a leader a stale view lists as down.
		nodeJSON("id2aaaaaaaaaaaaaaaaaaaaaa", "node2", "manager", "down", `"azone": "b"`, leader, ""),
		nodeJSON("id3aaaaaaaaaaaaaaaaaaaaaa", "node3", "manager", "ready", `"azone": "c"`, unreachable, ""),
		nodeJSON("id4aaaaaaaaaaaaaaaaaaaaaa", "arm1", "worker", "ready", `"azone": "a"`, "", `, "Platform": {"OS": "linux", "Architecture": "aarch64"}`),
		// a rejoined node keeps a down twin with its hostname
		nodeJSON("id5aaaaaaaaaaaaaaaaaaaaaa", "arm1", "worker", "down", `"azone": "a"`, "", ""),
	)
	if got := s.Layout.String(); got != "1-1-1" || strings.Join(s.Layout.Names(), ",") != "a,b,c" {
		t.Errorf("zones from label azone: layout %s over %v, want 1-1-1 over a,b,c", got, s.Layout.Names())
	}
	if len(s.Renamed) != 1 || !strings.Contains(s.Renamed[0], "arm1-id5aaa") {
		t.Errorf("the down twin's name is not said: %q", s.Renamed)
	}
	c := build(t, s)
	snap := c.Snapshot()
	if snap.Leader != "node2" {
		t.Errorf("%s leads; ManagerStatus.Leader names node2", snap.Leader)
	}
	state := map[string]cluster.NodeView{}
	for _, n := range snap.Nodes {
		state[n.Name] = n
	}
	if state["node3"].Alive {
		t.Error("node3, unreachable to the swarm's Raft, starts up")
	}
	if !state["node2"].Alive || !state["node1"].Alive {
		t.Error("the leader listed as down, or a reachable manager, starts dead")
	}
	if n := state["arm1"]; !n.Alive || n.ID != "id4aaaaaaaaaaaaaaaaaaaaaa" {
		t.Errorf("arm1: alive %v, ID %q", n.Alive, n.ID)
	}
	if n := state["arm1-id5aaa"]; n.Alive || n.ID != "id5aaaaaaaaaaaaaaaaaaaaaa" {
		t.Errorf("the down twin: alive %v, ID %q", n.Alive, n.ID)
	}
	if !snap.Quorum.Holds {
		t.Error("2 of 3 managers run, but quorum does not hold")
	}
	spec := cluster.NewServiceSpec("arm")
	spec.Replicas = 2
	spec.Constraints = []string{"node.platform.arch==aarch64"}
	if err := c.Apply(cluster.CreateService(spec)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Settle(time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, sv := range c.Snapshot().Services {
		if sv.Name == "arm" && sv.Running != 2 {
			t.Errorf("arm runs %d of 2 on the aarch64 node", sv.Running)
		}
	}
}
