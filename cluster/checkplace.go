package cluster

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/cluster/placement"
	"github.com/swarmsim/swarmsim/cluster/state"
)

// The invariants about what runs where, checked with checkState.
//
// A node runs only what the leader wants there: every container on a live
// node that can talk to the leader belongs to a task of the leader's store
// assigned to that node and meant to run. A node the leader cannot reach
// keeps running what it runs, in Docker as here, so it is not held to
// this until it can be told; and the leader gets strayGrace to stop what
// it no longer wants (its decision commits, and the node hears it).
//
// No running task breaks the rules it was placed by (a task whose state is
// terminal, rejected by the constraint enforcer or failed, is on its way
// out and left out), each task counted
// with its own spec: the service's current spec if the task was made for
// its current version, or the spec before the last update if it runs that
// one (its TaskHash says which):
//   - a task made for the current version runs on a node that satisfies
//     the service's constraints, unless the node's labels or role changed
//     within the last drainGrace (the constraint enforcer's time to act),
//     or the leader cannot reach the node (its grace starts when it can);
//   - no node runs more tasks of a service's current version than its
//     max-replicas (the scheduler counts every task of the service, so the
//     current version's are a lower bound of what it counted);
//   - the reservations of the tasks a node runs fit its capacity;
//   - no two tasks a node runs publish the same host-mode port.
//
// A task whose spec is neither (two updates ago, still running while the
// third rolls) is left out of the sums: it can only make them smaller, so
// nothing is reported that did not happen.

// strayGrace is how long a node may run a task the leader does not want
// there: the leader hears of it at the node's next heartbeat at the
// latest, its decision commits, and the node hears it.
const strayGrace = 2*HeartbeatPeriod + drainGrace

// nodeSeen is what a node's constraints read (its role and labels), and
// since when it has been so.
type nodeSeen struct {
	role   string
	labels map[string]string
	since  time.Duration
}

// placeScratch is checkPlacement's working memory, reused from step to
// step.
type placeScratch struct {
	ruled       bool   // some spec of the store has a rule this checks
	constrained bool   // … a constraint among them
	ruledAt     uint64 // … as of this index
	ruledIn     *Store // … of this store
	// waiting is set when a task off its service's constraints was let
	// be: its node's grace had not run out, or the leader cannot reach
	// it. A later check may then find what this one did not, by time
	// passing alone.
	waiting bool

	replicas map[[2]string]int    // node, service → running tasks of the current version
	used     map[string]reserved  // node → its tasks' reservations, summed
	ports    map[portOnNode]*Task // host port on a node → the task that publishes it
	held     []portOnNode         // one task's host ports
	over     [][2]string          // the node, service pairs over their limit
}

// reserved is what tasks reserve of a node.
type reserved struct{ NanoCPUs, MemoryBytes int64 }

type portOnNode struct {
	node     string
	port     uint32
	protocol string
}

// hostPortsOf appends to out the host-mode ports a task of spec holds on
// node: each of its ports published in host mode, with its protocol, and
// any other host port it names, as tcp.
func hostPortsOf(out []portOnNode, spec *ServiceSpec, node string) []portOnNode {
	for _, p := range spec.Ports {
		if p.Mode == PublishHost {
			out = append(out, portOnNode{node, p.Published, strings.ToLower(cmp.Or(p.Protocol, "tcp"))})
		}
	}
	for _, port := range spec.HostPorts {
		if !slices.ContainsFunc(out, func(k portOnNode) bool { return k.port == port }) {
			out = append(out, portOnNode{node, port, "tcp"})
		}
	}
	return out
}

func newPlaceScratch() placeScratch {
	return placeScratch{replicas: map[[2]string]int{}, used: map[string]reserved{}, ports: map[portOnNode]*Task{}}
}

// ownSpec is the spec task t runs, or nil when the store no longer says.
func (k *checker) ownSpec(s *Store, t *Task) *ServiceSpec {
	if spec := s.Services[t.Service]; spec != nil && k.hashes.Of(spec) == t.Hash {
		return spec
	}
	if prev := s.Previous[t.Service]; prev != nil && k.hashes.Of(prev) == t.Hash {
		return prev
	}
	return nil
}

// scanNodes notes, once a tick, when each node's role or labels last
// changed.
func (k *checker) scanNodes(s *Store) {
	c := k.c
	if c.now-k.lastScan < TickInterval && k.lastScan != 0 {
		return
	}
	k.lastScan = c.now
	for _, name := range s.NodeNames() {
		k.steadySince(name, s.Nodes[name])
	}
}

// steadySince is since when a node's role and labels have been what rec
// says, as far as the checker saw.
func (k *checker) steadySince(name string, rec *NodeRecord) time.Duration {
	c := k.c
	seen, ok := k.nodeSeen[name]
	if !ok || seen.role != rec.Role || !mapsEqual(seen.labels, rec.Labels) {
		seen = nodeSeen{role: rec.Role, labels: maps.Clone(rec.Labels), since: c.now}
		if !ok && c.now <= TickInterval {
			seen.since = -drainGrace - 1 // the swarm's first nodes: steady from the start
		}
		k.nodeSeen[name] = seen
	}
	return seen.since
}

// hasRules reports whether a spec of s, current or previous, has a
// constraint, a max-replicas, a reservation or a host port (ruled), and
// whether a current one has a constraint (constrained).
func hasRules(s *Store) (ruled, constrained bool) {
	has := func(spec *ServiceSpec) bool {
		return spec != nil && (len(spec.Constraints) > 0 || spec.MaxReplicas > 0 || spec.NanoCPUs > 0 || spec.MemoryBytes > 0 || len(spec.HostPorts) > 0 || len(spec.Ports) > 0)
	}
	for _, name := range s.ServiceNames() {
		ruled = ruled || has(s.Services[name]) || has(s.Previous[name])
		constrained = constrained || len(s.Services[name].Constraints) > 0
	}
	return ruled, constrained
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for key, v := range a {
		if w, ok := b[key]; !ok || w != v {
			return false
		}
	}
	return true
}

// placementHolds checks the placement rules of every running task in the
// leader's store s; where maps each running task to its node.
func (k *checker) placementHolds(lead *manager, s *Store, where map[string]string) bool {
	c := k.c
	p := &k.place
	if p.ruledAt != s.Index || p.ruledIn != s {
		p.ruledAt, p.ruledIn = s.Index, s
		p.ruled, p.constrained = hasRules(s)
	}
	if !p.ruled {
		return true // no spec places by a rule this checks
	}
	if p.constrained {
		k.scanNodes(s)
	}
	clear(p.replicas)
	clear(p.used)
	clear(p.ports)
	p.over = p.over[:0]
	for _, t := range s.TaskList() {
		node := where[t.ID]
		if node == "" || !t.Active() || t.Terminal() {
			continue // a task rejected or failed is on its way out: its replacement stops it
		}
		spec := s.Services[t.Service]
		rec := s.Nodes[node]
		if spec == nil || rec == nil {
			continue
		}
		if t.Version == s.Versions[t.Service] {
			if !k.constraintsHold(lead, t, spec, node, rec) {
				return false
			}
			if spec.MaxReplicas > 0 {
				key := [2]string{node, t.Service}
				p.replicas[key]++
				if p.replicas[key] == spec.MaxReplicas+1 {
					p.over = append(p.over, key)
				}
			}
		}
		own := k.ownSpec(s, t)
		if own == nil {
			continue
		}
		if own.NanoCPUs > 0 || own.MemoryBytes > 0 {
			u := p.used[node]
			u.NanoCPUs += own.NanoCPUs
			u.MemoryBytes += own.MemoryBytes
			p.used[node] = u
		}
		p.held = hostPortsOf(p.held[:0], own, node)
		for _, key := range p.held {
			if other, taken := p.ports[key]; taken {
				c.violate(InvPlacement, "%s and %s both publish host port %d/%s on %s", other.Name(), t.Name(), key.port, key.protocol, node)
				return false
			}
			p.ports[key] = t
		}
	}
	if len(p.over) > 0 {
		key := slices.MinFunc(p.over, func(a, b [2]string) int {
			if n := state.CompareNames(a[0], b[0]); n != 0 {
				return n
			}
			return state.CompareNames(a[1], b[1])
		})
		c.violate(InvPlacement, "%s runs %d tasks of %s, whose max-replicas per node is %d", key[0], p.replicas[key], key[1], s.Services[key[1]].MaxReplicas)
		return false
	}
	for _, name := range s.NodeNames() {
		u, ok := p.used[name]
		if !ok {
			continue
		}
		if rec := s.Nodes[name]; u.NanoCPUs > rec.NanoCPUs || u.MemoryBytes > rec.MemoryBytes {
			c.violate(InvPlacement, "the tasks %s runs reserve %d nano-CPUs and %d bytes, more than its %d and %d", name, u.NanoCPUs, u.MemoryBytes, rec.NanoCPUs, rec.MemoryBytes)
			return false
		}
	}
	return true
}

// constraintsHold checks that task t, made for spec's version, runs on a
// node that satisfies spec's constraints, once the node has been steady
// and reachable for drainGrace.
func (k *checker) constraintsHold(lead *manager, t *Task, spec *ServiceSpec, node string, rec *NodeRecord) bool {
	c := k.c
	if len(spec.Constraints) == 0 || placement.Matches(spec, rec) {
		return true
	}
	k.place.waiting = true
	if n, _ := c.node(node); !c.linked(lead.node, n) {
		delete(k.nodeSeen, node) // the leader cannot act on it: its grace starts when it can
		return true
	}
	if c.now-k.steadySince(node, rec) > drainGrace {
		c.violate(InvPlacement, "%s runs on %s, which does not satisfy %s's constraints %v", t.Name(), node, t.Service, spec.Constraints)
		return false
	}
	return true
}

// onlyWanted checks that every live node the leader can reach runs only
// tasks of s assigned to it and meant to run, once strayGrace has passed.
func (k *checker) onlyWanted(lead *manager, s *Store) bool {
	c := k.c
	found := len(k.unwanted) > 0 // checkState's pass over what nodes run found them
	for _, key := range k.unwanted {
		if _, ok := k.strays[key]; !ok {
			k.strays[key] = c.now
		}
	}
	if !found {
		clear(k.strays)
		return true
	}
	var worst string
	for key, since := range k.strays {
		node, id := splitStray(key)
		n, ok := c.node(node)
		t := s.Tasks.Get(id)
		if !ok || !n.Running.Has(id) || !c.linked(lead.node, n) || (t != nil && t.Node == node && t.Active()) {
			delete(k.strays, key)
			continue
		}
		if c.now-since > strayGrace && (worst == "" || key < worst) {
			worst = key
		}
	}
	if worst != "" {
		node, id := splitStray(worst)
		why := "the leader's state has no such task"
		switch t := s.Tasks.Get(id); {
		case t == nil:
		case t.Node != node:
			why = "the leader's state assigns it to " + t.Node
		default:
			why = "the leader's state has it " + t.Desired + " (" + t.State + ")"
		}
		c.violate(InvOnlyWanted, "%s has run task %s for %s although the leader does not want it there: %s", node, id, FormatTime(c.now-k.strays[worst]), why)
		return false
	}
	return true
}

func splitStray(key string) (node, id string) {
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			return key[:i], key[i+1:]
		}
	}
	return key, ""
}

// objectsKept checks that every secret and config a service of s uses
// exists, each time s has applied something new.
func (k *checker) objectsKept(lead *manager, s *Store) bool {
	if k.objectsLed == lead && k.objectsAt == s.Index {
		return true
	}
	k.objectsLed, k.objectsAt = lead, s.Index
	for _, name := range s.ServiceNames() {
		spec := s.Services[name]
		for _, sec := range spec.Secrets {
			if s.Secrets[sec] == nil {
				k.c.violate(InvObjectsInUse, "service %s uses secret %s, which was removed", name, sec)
				return false
			}
		}
		for _, cfg := range spec.Configs {
			if s.Configs[cfg] == nil {
				k.c.violate(InvObjectsInUse, "service %s uses config %s, which was removed", name, cfg)
				return false
			}
		}
	}
	return true
}

// lockedOut checks that no manager that started sealed runs before it is
// unlocked.
func (k *checker) lockedOut() bool {
	if len(k.sealed) == 0 {
		return true
	}
	c := k.c
	var first string
	for name := range k.sealed {
		if n, ok := c.node(name); ok && n.alive && (first == "" || state.CompareNames(name, first) < 0) {
			first = name
		}
	}
	if first != "" {
		c.violate(InvLockedOut, "%s started with its state sealed by autolock and takes part in Raft without having been unlocked", first)
		return false
	}
	return true
}

// starting runs as Docker starts on a node: a manager whose state on disk
// is sealed must stay locked until it is unlocked.
func (k *checker) starting(n *node) {
	if k != nil && n.mgr != nil && n.mgr.sealKey() != "" {
		k.sealed[n.name] = true
	}
}

// unlocked runs as a node is unlocked, or stops.
func (k *checker) unlocked(n *node) {
	if k != nil {
		delete(k.sealed, n.name)
	}
}

// restored runs as a manager's state machine starts again from index: a
// snapshot's, or 0 for an empty state.
func (k *checker) restored(m *manager, index uint64) {
	if k != nil {
		k.applied[m] = index
	}
}
