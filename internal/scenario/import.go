package scenario

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/inspect"
)

// NoZone is the zone of imported nodes that carry no zone label.
const NoZone = "nozone"

// Swarm is a real swarm read from `docker node inspect` output: its nodes
// keep their hostnames, roles, labels, availability and capacity, and nodes
// that are down start down.
type Swarm struct {
	Layout az.Layout // managers and workers per zone, zones in name order, nozone last
	Nodes  []cluster.NodeSpec
}

// ImportNodes reads the file of `docker node inspect $(docker node ls -q)`
// output. Zones come from each node's zone label; nodes without one share a
// zone named NoZone. Errors name the file.
func ImportNodes(file string) (*Swarm, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("%w; write the output of docker node inspect $(docker node ls -q) to it", err)
	}
	defer f.Close()
	nodes, err := inspect.Nodes(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	s, err := swarmOf(nodes)
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

func swarmOf(nodes []inspect.Node) (*Swarm, error) {
	s := &Swarm{}
	zones := map[string]*az.Zone{}
	seen := map[string]bool{}
	for _, n := range nodes {
		if seen[n.Hostname] {
			return nil, fmt.Errorf("two nodes are named %s; swarmsim names nodes by hostname, so each needs its own", n.Hostname)
		}
		seen[n.Hostname] = true
		zone := n.Zone
		if zone == "" {
			zone = NoZone
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
			Name: n.Hostname, Zone: zone, Role: n.Role, Labels: n.Labels, EngineLabels: n.EngineLabels, Availability: n.Availability,
			NanoCPUs: n.NanoCPUs, MemoryBytes: n.MemoryBytes, Down: n.State != "ready",
		})
	}
	names := slices.SortedFunc(maps.Keys(zones), func(a, b string) int {
		switch { // nozone last, the rest by name
		case a == NoZone:
			return 1
		case b == NoZone:
			return -1
		}
		return strings.Compare(a, b)
	})
	for _, z := range names {
		s.Layout.Zones = append(s.Layout.Zones, *zones[z])
	}
	if s.Layout.Managers() == 0 {
		return nil, fmt.Errorf("no node is a manager; a swarm needs at least one")
	}
	return s, nil
}
