package cluster

import (
	"slices"
)

// Published ports, as a client sees them from outside the swarm. A port
// published in ingress mode goes through the routing mesh: every live node
// of the swarm listens on it, whether or not it runs one of the service's
// tasks, and forwards the connection to one that does. A port published in
// host mode is bound by the task's container itself, so it is open only on
// the nodes where such a task runs (and the scheduler puts at most one
// task using it on a node).

// openPorts lists, for each live node in the swarm, the published ports it
// listens on, in ascending order. Nodes with none are left out.
func (c *roster) openPorts(s *Store) map[string][]uint32 {
	var ingress []uint32
	hosts := false
	for _, name := range s.ServiceNames() {
		for _, p := range s.Services[name].Ports {
			if p.Mode == PublishIngress {
				ingress = append(ingress, p.Published)
			} else {
				hosts = true
			}
		}
		if prev := s.Previous[name]; prev != nil && len(prev.HostPorts) > 0 {
			hosts = true // an old task may still bind one
		}
	}
	if len(ingress) == 0 && !hosts {
		return nil
	}
	// A task binds the ports of its own spec: during an update an old task
	// keeps its old port (swarmkit's agent runs each task's own spec).
	hashes := map[*ServiceSpec]uint64{}
	hash := func(spec *ServiceSpec) uint64 {
		h, ok := hashes[spec]
		if !ok {
			h = spec.TaskHash()
			hashes[spec] = h
		}
		return h
	}
	out := map[string][]uint32{}
	for _, n := range c.nodes {
		if !n.alive || n.left || s.Nodes[n.name] == nil {
			continue
		}
		ports := slices.Clone(ingress)
		if hosts {
			for id := range n.Running {
				if t := s.Tasks[id]; t != nil {
					if spec := s.SpecOf(t, hash); spec != nil {
						for _, p := range spec.Ports {
							if p.Mode == PublishHost {
								ports = append(ports, p.Published)
							}
						}
					}
				}
			}
		}
		slices.Sort(ports)
		if ports = slices.Compact(ports); len(ports) > 0 {
			out[n.name] = ports
		}
	}
	return out
}

// PortOpen reports whether a node listens on a published port, and why,
// in words for an expectation: which service publishes it and how.
func (s Snapshot) PortOpen(port uint32, node string) (open bool, why string) {
	i := slices.IndexFunc(s.Nodes, func(n NodeView) bool { return n.Name == node })
	if i < 0 {
		return false, "there is no node " + node
	}
	n := s.Nodes[i]
	open = slices.Contains(n.Ports, port)
	owner, mode := "", ""
	for _, sv := range s.Services {
		for _, p := range sv.Ports {
			if p.Published == port {
				owner, mode = sv.Name, p.Mode
			}
		}
	}
	switch {
	case owner == "" && open:
		return open, "a task still running its service's spec from before an update binds it in host mode on " + node
	case owner == "":
		return open, "no service publishes it"
	case !n.Alive:
		return open, node + " is dead"
	case mode == PublishIngress:
		return open, owner + " publishes it in ingress mode, so every live node listens on it"
	case open:
		return open, owner + " publishes it in host mode, and one of its tasks runs on " + node
	}
	return open, owner + " publishes it in host mode, and none of its tasks runs on " + node
}
