package main

import (
	"fmt"
	"os"
	"slices"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/inspect"
)

// noZone is the zone of imported nodes that carry no zone label.
const noZone = "nozone"

// imported is a real swarm read from `docker node inspect` and `docker
// service inspect` output.
type imported struct {
	layout   az.Layout
	nodes    []cluster.NodeSpec
	services []cluster.ServiceSpec
}

// importSwarm reads the files given to --from and --services; either may be
// "". Zones come from each node's zone label, in name order, with unlabelled
// nodes in a zone of their own named nozone.
func importSwarm(nodesFile, servicesFile string) (*imported, error) {
	im := &imported{}
	if nodesFile != "" {
		f, err := os.Open(nodesFile)
		if err != nil {
			return nil, fmt.Errorf("--from %s: %w; write the output of docker node inspect $(docker node ls -q) to it", nodesFile, err)
		}
		defer f.Close()
		nodes, err := inspect.Nodes(f)
		if err != nil {
			return nil, fmt.Errorf("--from %s: %w", nodesFile, err)
		}
		if err := im.addNodes(nodes); err != nil {
			return nil, fmt.Errorf("--from %s: %w", nodesFile, err)
		}
	}
	if servicesFile != "" {
		f, err := os.Open(servicesFile)
		if err != nil {
			return nil, fmt.Errorf("--services %s: %w; write the output of docker service inspect $(docker service ls -q) to it", servicesFile, err)
		}
		defer f.Close()
		services, err := inspect.Services(f)
		if err != nil {
			return nil, fmt.Errorf("--services %s: %w", servicesFile, err)
		}
		for _, s := range services {
			im.services = append(im.services, serviceFrom(s))
		}
	}
	return im, nil
}

func (im *imported) addNodes(nodes []inspect.Node) error {
	counts := map[string]*az.Zone{}
	seen := map[string]bool{}
	for _, n := range nodes {
		if seen[n.Hostname] {
			return fmt.Errorf("two nodes are named %s; swarmsim names nodes by hostname, so each needs its own", n.Hostname)
		}
		seen[n.Hostname] = true
		zone := n.Zone
		if zone == "" {
			zone = noZone
		}
		if counts[zone] == nil {
			counts[zone] = &az.Zone{Name: zone}
		}
		if n.Role == cluster.RoleManager {
			counts[zone].Managers++
		} else {
			counts[zone].Workers++
		}
		im.nodes = append(im.nodes, cluster.NodeSpec{
			Name: n.Hostname, Zone: zone, Role: n.Role, Labels: n.Labels, Availability: n.Availability,
			NanoCPUs: n.NanoCPUs, MemoryBytes: n.MemoryBytes, Down: n.State != "ready",
		})
	}
	var names []string
	for z := range counts {
		names = append(names, z)
	}
	slices.SortFunc(names, func(a, b string) int {
		// nozone last, the rest by name
		switch {
		case a == noZone:
			return 1
		case b == noZone:
			return -1
		}
		return stringsCompare(a, b)
	})
	for _, z := range names {
		im.layout.Zones = append(im.layout.Zones, *counts[z])
	}
	if im.layout.Managers() == 0 {
		return fmt.Errorf("no node is a manager; a swarm needs at least one")
	}
	return nil
}

func stringsCompare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func serviceFrom(s inspect.Service) cluster.ServiceSpec {
	spec := cluster.NewServiceSpec(s.Name)
	spec.Image, spec.Mode, spec.Replicas = s.Image, s.Mode, s.Replicas
	spec.Constraints = slices.Clone(s.Constraints)
	spec.Preferences = slices.Clone(s.Preferences)
	spec.MaxReplicas = s.MaxReplicas
	spec.NanoCPUs, spec.MemoryBytes = s.Reservation.NanoCPUs, s.Reservation.MemoryBytes
	spec.HostPorts = slices.Clone(s.HostPorts)
	spec.Update = cluster.UpdateConfig{Parallelism: s.Update.Parallelism, Delay: s.Update.Delay,
		FailureAction: s.Update.FailureAction, Order: s.Update.Order, Monitor: s.Update.Monitor}
	spec.Restart = cluster.RestartPolicy{Condition: s.Restart.Condition, Delay: s.Restart.Delay,
		MaxAttempts: s.Restart.MaxAttempts, Window: s.Restart.Window}
	return spec
}
