package cluster

import (
	"errors"
	"fmt"
	"slices"
	"strings"
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
			for id := range n.Running.All() {
				if t := s.Tasks.Get(id); t != nil {
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
	case owner == "" && len(s.Services) > 0:
		// Name the ports there are, the ones Docker numbered among them,
		// so an expectation about the wrong number says which is right.
		var there []string
		for _, sv := range s.Services {
			for _, p := range sv.Ports {
				there = append(there, fmt.Sprintf("%d (%s)", p.Published, sv.Name))
			}
		}
		if len(there) > 0 {
			slices.Sort(there)
			return open, "no service publishes it; the published ports are " + strings.Join(slices.Compact(there), ", ")
		}
		return open, "no service publishes it"
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

// swarmkit's dynamic port range (manager/allocator/portallocator.go): where
// an ingress port given only as a target gets its published port.
const (
	DynamicPortStart = 30000
	DynamicPortEnd   = 32767
)

// portKey is what swarmkit tells published ports apart by: the number and
// the protocol, so 53/tcp and 53/udp are two ports.
type portKey struct {
	published uint32
	protocol  string
}

func keyOf(p PortConfig) portKey { return portKey{p.Published, p.Protocol} }

var errDuplicatePorts = errors.New("Error response from daemon: rpc error: code = InvalidArgument desc = EndpointSpec: duplicate published ports provided")

// checkDuplicatePorts is swarmkit's validateEndpointSpec: one spec may not
// publish a port twice with one protocol. Ports not yet given a number do
// not count.
func checkDuplicatePorts(spec *ServiceSpec) error {
	seen := map[portKey]bool{}
	for _, p := range spec.Ports {
		if p.Published == 0 {
			continue
		}
		if seen[keyOf(p)] {
			return errDuplicatePorts
		}
		seen[keyOf(p)] = true
	}
	return nil
}

// keepPorts gives each ingress port of spec without a published number
// the one old published for the same protocol and target, as swarmkit's
// reconcilePortConfigs keeps an allocation sticky across updates.
func keepPorts(spec *ServiceSpec, old *ServiceSpec) {
	if old == nil {
		return
	}
	used := map[portKey]bool{}
	for _, p := range spec.Ports {
		if p.Published != 0 {
			used[keyOf(p)] = true
		}
	}
	for i := range spec.Ports {
		p := &spec.Ports[i]
		if p.Published != 0 || p.Mode != PublishIngress {
			continue
		}
		for _, o := range old.Ports {
			if o.Mode == PublishIngress && o.Protocol == p.Protocol && o.Target == p.Target && o.Published != 0 && !used[keyOf(o)] {
				p.Published = o.Published
				used[keyOf(o)] = true
				break
			}
		}
	}
}

// allocatePorts numbers the ingress ports of spec given only as a target:
// the one the service had before, or else the lowest free port of the
// dynamic range for that protocol, free meaning no other service's ingress
// port and none of spec's own. Host-mode ports without a number stay 0:
// swarmkit leaves those to the engine, which the simulation does not bind.
func allocatePorts(s *Store, spec *ServiceSpec) error {
	spec.Ports = slices.Clone(spec.Ports) // the caller's slice is not ours to number
	keepPorts(spec, s.Services[spec.Name])
	var taken map[portKey]bool
	for i := range spec.Ports {
		p := &spec.Ports[i]
		if p.Published != 0 || p.Mode != PublishIngress {
			continue
		}
		if taken == nil {
			taken = map[portKey]bool{}
			for _, name := range s.ServiceNames() {
				if name == spec.Name {
					continue
				}
				for _, o := range s.Services[name].Ports {
					if o.Mode == PublishIngress {
						taken[keyOf(o)] = true
					}
				}
			}
			for _, o := range spec.Ports {
				taken[keyOf(o)] = true
			}
		}
		for n := uint32(DynamicPortStart); n <= DynamicPortEnd; n++ {
			if !taken[portKey{n, p.Protocol}] {
				p.Published = n
				taken[keyOf(*p)] = true
				break
			}
		}
		if p.Published == 0 {
			return fmt.Errorf("Error response from daemon: no free %s port left in the dynamic range %d-%d for service %s: publish the port with a number, like -p 8080:%d", p.Protocol, DynamicPortStart, DynamicPortEnd, spec.Name, p.Target)
		}
	}
	return nil
}
