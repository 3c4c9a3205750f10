package inspect

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/moby/moby/api/types/swarm"
)

// Node is one swarm node as docker node inspect describes it, reduced to
// what a simulation of it needs.
type Node struct {
	ID       string // ID; never empty
	Hostname string // Description.Hostname; never empty, but Docker does not make it unique

	Role         string // Spec.Role: "manager" or "worker"
	Availability string // Spec.Availability: "active", "pause" or "drain"; "active" when absent
	State        string // Status.State: "ready", "down", "unknown" or "disconnected"; "unknown" when absent
	Message      string // Status.Message, such as "heartbeat failure"
	Addr         string // Status.Addr: the address the node is seen at

	// From ManagerStatus, which only managers have. Leader is true for at
	// most one node of the input, and only for a manager. Reachability is
	// "reachable", "unreachable" or "unknown" for a node with a
	// ManagerStatus ("unknown" when it gives none), and "" otherwise.
	Leader       bool
	Reachability string
	ManagerAddr  string // ManagerStatus.Addr: the Raft address, host:2377

	// Zone is the node's availability zone: the node label "zone"
	// (docker node update --label-add zone=…), or else the engine label
	// "zone" (from the daemon's own configuration), or "" when neither is
	// set or both are empty. ZoneLabel says which one it came from:
	// "node.labels.zone", "engine.labels.zone" or "".
	Zone      string
	ZoneLabel string

	Labels       map[string]string // Spec.Labels, node.labels.KEY in constraints; nil when none
	EngineLabels map[string]string // Description.Engine.Labels, engine.labels.KEY; nil when none

	OS   string // Description.Platform.OS, node.platform.os: "linux", "windows"
	Arch string // Description.Platform.Architecture, node.platform.arch: "x86_64", "aarch64"

	NanoCPUs    int64 // Description.Resources.NanoCPUs: 1e9 per CPU; never negative
	MemoryBytes int64 // Description.Resources.MemoryBytes; never negative
}

const nodeCommand = "docker node inspect $(docker node ls -q)"

// Nodes reads what docker node inspect $(docker node ls -q) prints: a JSON
// array of Docker's Node objects. Nodes come back in input order.
//
// Fields Nodes does not use (Version, CreatedAt, TLSInfo, plugins, …) are
// ignored, whatever a Docker release adds there.
// ID, Description.Hostname and Spec.Role are required; the other values
// that have a fixed set of words are checked against it. Every error is one
// sentence naming the node (counted from 1, with its ID when it has one)
// and the field, such as
//
//	node 2 (id "x1y2"): Spec.Role is "boss"; it must be "manager" or "worker"
//
// without the file name, which the caller adds. An input with no nodes at
// all is an error: every swarm has at least one.
func Nodes(r io.Reader) ([]Node, error) {
	raws, err := elements(r, "node", nodeCommand)
	if err != nil {
		return nil, err
	}
	if len(raws) == 0 {
		return nil, errors.New("the input has no nodes, but every swarm has at least one; pipe in what " + nodeCommand + " prints")
	}
	out := make([]Node, 0, len(raws))
	firstWithID := map[string]int{} // ID → the node number that has it
	leader := 0                     // the node number of the leader, 0 for none yet
	for i, raw := range raws {
		var d swarm.Node
		num := i + 1
		what := func() string { return nodeName(num, d.ID, d.Description.Hostname) }
		if err := decodeElement(raw, &d, "node", what); err != nil {
			return nil, err
		}
		n, err := node(d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what(), err)
		}
		if other, ok := firstWithID[n.ID]; ok {
			return nil, fmt.Errorf("%s: ID is the same as node %d's, but each node must appear once; inspect every node once", what(), other)
		}
		firstWithID[n.ID] = num
		if n.Leader {
			if leader != 0 {
				return nil, fmt.Errorf("%s: ManagerStatus.Leader is true, but node %d is the leader already, and a swarm has one", what(), leader)
			}
			leader = num
		}
		out = append(out, n)
	}
	return out, nil
}

// nodeName is how errors name node num: by ID, else by hostname.
func nodeName(num int, id, hostname string) string {
	switch {
	case id != "":
		return fmt.Sprintf("node %d (id %q)", num, id)
	case hostname != "":
		return fmt.Sprintf("node %d (hostname %q)", num, hostname)
	}
	return fmt.Sprintf("node %d", num)
}

// node checks d, decoded into the type Docker publishes for it (moby's
// api/types/swarm, so field names in errors are Docker's), and converts
// it. Errors name the field, not the node.
func node(d swarm.Node) (Node, error) {
	n := Node{
		ID:           d.ID,
		Hostname:     d.Description.Hostname,
		Role:         string(d.Spec.Role),
		Availability: string(d.Spec.Availability),
		State:        string(d.Status.State),
		Message:      d.Status.Message,
		Addr:         d.Status.Addr,
		Labels:       labels(d.Spec.Labels),
		EngineLabels: labels(d.Description.Engine.Labels),
		OS:           d.Description.Platform.OS,
		Arch:         d.Description.Platform.Architecture,
		NanoCPUs:     d.Description.Resources.NanoCPUs,
		MemoryBytes:  d.Description.Resources.MemoryBytes,
	}
	switch {
	case n.ID == "":
		return Node{}, errors.New("ID is missing; every node has one, so check that the file is what " + nodeCommand + " prints")
	case n.Hostname == "":
		return Node{}, errors.New("Description.Hostname is missing; every node has one, so check that the file is what " + nodeCommand + " prints")
	case n.Role == "":
		return Node{}, fmt.Errorf("Spec.Role is missing; it must be %s", oneOf("manager", "worker"))
	}
	if err := oneOfField("Spec.Role", n.Role, "manager", "worker"); err != nil {
		return Node{}, err
	}
	if n.Availability == "" {
		n.Availability = "active" // Docker's default for a node that never set one
	}
	if err := oneOfField("Spec.Availability", n.Availability, "active", "pause", "drain"); err != nil {
		return Node{}, err
	}
	if n.State == "" {
		n.State = "unknown"
	}
	if err := oneOfField("Status.State", n.State, "ready", "down", "unknown", "disconnected"); err != nil {
		return Node{}, err
	}
	if n.NanoCPUs < 0 {
		return Node{}, fmt.Errorf("Description.Resources.NanoCPUs is %d, but a node cannot offer fewer than 0 CPUs", n.NanoCPUs)
	}
	if n.MemoryBytes < 0 {
		return Node{}, fmt.Errorf("Description.Resources.MemoryBytes is %d, but a node cannot offer fewer than 0 bytes", n.MemoryBytes)
	}
	if ms := d.ManagerStatus; ms != nil {
		n.Leader, n.Reachability, n.ManagerAddr = ms.Leader, string(ms.Reachability), ms.Addr
		if n.Reachability == "" {
			n.Reachability = "unknown"
		}
		if err := oneOfField("ManagerStatus.Reachability", n.Reachability, "reachable", "unreachable", "unknown"); err != nil {
			return Node{}, err
		}
		if n.Leader && n.Role != "manager" {
			return Node{}, fmt.Errorf("ManagerStatus.Leader is true, but Spec.Role is %q, and only a manager can lead", n.Role)
		}
	}
	switch {
	case n.Labels["zone"] != "":
		n.Zone, n.ZoneLabel = n.Labels["zone"], "node.labels.zone"
	case n.EngineLabels["zone"] != "":
		n.Zone, n.ZoneLabel = n.EngineLabels["zone"], "engine.labels.zone"
	}
	return n, nil
}

// oneOfField checks that field's value is one of allowed.
func oneOfField(field, value string, allowed ...string) error {
	if slices.Contains(allowed, value) {
		return nil
	}
	return fmt.Errorf("%s is %q; it must be %s", field, value, oneOf(allowed...))
}
