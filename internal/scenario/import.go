package scenario

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/inspect"
	"github.com/swarmsim/swarmsim/internal/sink"
)

// NoZone is the zone of imported nodes that carry no zone label.
const NoZone = "nozone"

// Swarm is a real swarm read from `docker node inspect` output: its nodes
// keep their IDs, hostnames, roles, labels, platform, availability and
// capacity; the leader ManagerStatus names leads; nodes that are down
// start down.
type Swarm struct {
	Layout az.Layout // managers and workers per zone, zones in name order, nozone last
	Nodes  []cluster.NodeSpec
	// Renamed says, a sentence each, which nodes got another name than
	// their hostname: Docker lets two nodes share one (a node that left and
	// joined again keeps a down twin), the simulation names each once.
	Renamed []string
}

// DefaultZoneLabel is the label zones are read from unless told another.
const DefaultZoneLabel = "zone"

// ImportNodes reads the file of `docker node inspect $(docker node ls -q)`
// output. Zones come from each node's label zoneLabel (a node label, else
// an engine label); nodes without one share a zone named NoZone. Errors
// name the file.
func ImportNodes(file, zoneLabel string) (*Swarm, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("%w; write the output of docker node inspect $(docker node ls -q) to it", err)
	}
	defer f.Close()
	nodes, err := inspect.Nodes(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	s, err := swarmOf(nodes, zoneLabel)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}

// ImportServices reads the file of `docker service inspect $(docker service
// ls -q)` output. Errors name the file.
func ImportServices(file string) ([]Service, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("%w; write the output of docker service inspect $(docker service ls -q) to it", err)
	}
	defer f.Close()
	services, err := inspect.Services(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(services) == 0 {
		// inspect reads nothing as no services; a file named to bring
		// services that brings none is a wrong file or a failed command.
		return nil, fmt.Errorf("%s holds no services; write the output of docker service inspect $(docker service ls -q) to it, or leave it out when the swarm runs none", file)
	}
	out := make([]Service, len(services))
	for i, s := range services {
		out[i] = FromInspect(s)
	}
	return out, nil
}

func swarmOf(nodes []inspect.Node, zoneLabel string) (*Swarm, error) {
	s := &Swarm{}
	zones := map[string]*az.Zone{}
	names := uniqueNames(nodes)
	for i, n := range nodes {
		if names[i] != n.Hostname {
			s.Renamed = append(s.Renamed, fmt.Sprintf("two nodes are named %s; the one with ID %s, which is %s, is %s here", n.Hostname, n.ID, n.State, names[i]))
		}
		zone := n.Labels[zoneLabel]
		if zone == "" {
			zone = n.EngineLabels[zoneLabel]
		}
		if zone == "" {
			zone = NoZone
		}
		if strings.ContainsFunc(zone, unicode.IsControl) {
			// A zone heads a column, names a partition's side and reads
			// in plans: it must print as itself.
			return nil, fmt.Errorf("node %s: its zone label %q holds a control character; swarmsim names a zone by that label, so give it a printable value", sink.Text(n.Hostname), zone)
		}
		if zones[zone] == nil {
			zones[zone] = &az.Zone{Name: zone}
		}
		if n.Role == cluster.RoleManager {
			zones[zone].Managers++
		} else {
			zones[zone].Workers++
		}
		s.Nodes = append(s.Nodes, cluster.NodeSpec{
			Name: names[i], Zone: zone, Role: n.Role, Labels: n.Labels, EngineLabels: n.EngineLabels, Availability: n.Availability,
			NanoCPUs: n.NanoCPUs, MemoryBytes: n.MemoryBytes, Down: isDown(n),
			ID: n.ID, OS: n.OS, Arch: n.Arch, Leader: n.Leader,
		})
	}
	zoneNames := slices.SortedFunc(maps.Keys(zones), func(a, b string) int {
		switch { // nozone last, the rest by name
		case a == NoZone:
			return 1
		case b == NoZone:
			return -1
		}
		return strings.Compare(a, b)
	})
	for _, z := range zoneNames {
		s.Layout.Zones = append(s.Layout.Zones, *zones[z])
	}
	if s.Layout.Managers() == 0 {
		return nil, fmt.Errorf("no node is a manager; a swarm needs at least one")
	}
	return s, nil
}

// isDown is whether a node starts crashed. For a manager, the Raft view
// (ManagerStatus) decides: the leader answered the inspect, so it runs,
// even when a stale dispatcher view lists it down or unknown
// (moby/moby#34827, #26038); a manager the leader finds unreachable does
// not count toward quorum. Otherwise the node's status decides: down or
// disconnected is down; unknown, what a new leader shows until a node
// reports in, is up.
func isDown(n inspect.Node) bool {
	switch {
	case n.Leader || n.Reachability == "reachable":
		return false
	case n.Reachability == "unreachable":
		return true
	}
	return n.State == "down" || n.State == "disconnected"
}

// uniqueNames names each node by its hostname, and a node whose hostname
// another has too by hostname-ID (the ID's first six characters), the
// node that is up (else the first) keeping the hostname.
func uniqueNames(nodes []inspect.Node) []string {
	keeper := map[string]int{}
	for i, n := range nodes {
		if k, ok := keeper[n.Hostname]; !ok || isDown(nodes[k]) && !isDown(n) {
			keeper[n.Hostname] = i
		}
	}
	names := make([]string, len(nodes))
	taken := map[string]bool{}
	for i, n := range nodes {
		if keeper[n.Hostname] == i {
			names[i] = n.Hostname
			taken[n.Hostname] = true
		}
	}
	for i, n := range nodes {
		if names[i] != "" {
			continue
		}
		name := n.Hostname + "-" + n.ID[:min(6, len(n.ID))]
		if taken[name] {
			name = n.Hostname + "-" + n.ID // IDs are unique
		}
		names[i] = name
		taken[name] = true
	}
	return names
}
