package scheduler

import "time"

// Resources are CPU and memory in Docker's units: --reserve-cpu 0.5 is
// 500,000,000 NanoCPUs, --reserve-memory 64M is 67,108,864 MemoryBytes.
type Resources struct {
	NanoCPUs    int64
	MemoryBytes int64
}

// IsZero reports whether r reserves nothing. A service that reserves
// nothing is not held back by the resource filter at all, as in swarmkit,
// even on a node whose capacity is already overcommitted.
func (r Resources) IsZero() bool { return r.NanoCPUs == 0 && r.MemoryBytes == 0 }

// fits reports whether one more reservation r fits beside used within
// capacity, dimension by dimension.
func (r Resources) fits(used, capacity Resources) bool {
	return used.NanoCPUs+r.NanoCPUs <= capacity.NanoCPUs &&
		used.MemoryBytes+r.MemoryBytes <= capacity.MemoryBytes
}

func (r Resources) plus(o Resources) Resources {
	return Resources{r.NanoCPUs + o.NanoCPUs, r.MemoryBytes + o.MemoryBytes}
}

// Availability is what an operator sets with docker node update --availability.
type Availability string

// Only Active takes new tasks. The scheduler treats Pause and Drain alike
// (no new tasks); moving a drained node's tasks away is the orchestrator's
// job, not the scheduler's.
const (
	Active Availability = "active"
	Pause  Availability = "pause"
	Drain  Availability = "drain"
)

// Node roles, as node.role constraints compare them (case-insensitively).
const (
	Manager = "manager"
	Worker  = "worker"
)

// Node is one swarm node as the scheduler sees it. IDs must be unique.
type Node struct {
	ID, Hostname string
	// DockerID is what node.id constraints match, when the caller knows
	// nodes by other IDs than Docker shows (a simulation naming them by
	// hostname); "" matches ID.
	DockerID     string
	Role         string            // Manager or Worker
	Ready        bool              // false once the node is down (missed heartbeats)
	Availability Availability      // only Active takes new tasks; "" is not Active
	Labels       map[string]string // node.labels.KEY, from docker node update --label-add
	EngineLabels map[string]string // engine.labels.KEY, from the daemon's own configuration
	OS, Arch     string            // node.platform.os, node.platform.arch

	// Capacity is what the node offers to reservations. Zero means zero,
	// not unlimited: a node without capacity takes only tasks that reserve
	// nothing.
	Capacity Resources

	// RecentFailures is, per service name, how many of that service's
	// tasks failed or were rejected on this node within the last
	// FailureWindow, as the caller counts them (CountRecentFailures does it from
	// failure times). A node with MaxFailures or more for a service ranks
	// after every node with fewer when that service's tasks are placed:
	// it is still used, but only once the others cannot take more. Nil
	// means no failures anywhere. See "Failing nodes" in the package doc
	// for which failures swarmkit counts.
	RecentFailures map[string]int
}

// The failure penalty's numbers, swarmkit's maxFailures and
// monitorFailures (manager/scheduler/scheduler.go): a node where a
// service's tasks failed MaxFailures times within FailureWindow is put
// last for that service.
const (
	MaxFailures   = 5
	FailureWindow = 5 * time.Minute
)

// CountRecentFailures counts the failure times in failedAt that fall within
// FailureWindow before now, the window's far end included, as swarmkit's
// nodeInfo.countRecentFailures counts: a failure exactly FailureWindow
// old still counts, one a nanosecond older does not. Times are the
// caller's clock (simulated time since the start of the run, say); they
// need not be sorted, and a time after now counts.
func CountRecentFailures(failedAt []time.Duration, now time.Duration) int {
	n := 0
	for _, at := range failedAt {
		if now-at <= FailureWindow {
			n++
		}
	}
	return n
}

// penalty is where node n stands for service svc in the failure ranking:
// 0 for a node with fewer than MaxFailures recent failures, else the
// count, so that among failing nodes the one with fewer goes first. That
// is swarmkit's nodeLess: failure counts decide only when either node has
// MaxFailures or more, and then the smaller count wins.
func penalty(n *Node, svc string) uint32 {
	if len(n.RecentFailures) == 0 {
		return 0 // the common case, without a map lookup per candidate
	}
	f := n.RecentFailures[svc]
	switch {
	case f < MaxFailures:
		return 0
	case uint64(f) > 1<<32-1:
		return 1<<32 - 1 // beyond four billion failures, all count alike
	}
	return uint32(f)
}

// Mode is a service's mode. The scheduler places global and replicated
// tasks by the same rules; the difference is that the global orchestrator
// has already chosen a global task's node (Task.Node), so the scheduler only
// confirms it or says why not.
type Mode string

// Service modes.
const (
	Replicated Mode = "replicated"
	Global     Mode = "global"
)

// Service is the part of a service spec that placement depends on. Names
// must be unique.
type Service struct {
	Name        string
	Mode        Mode
	Constraints []Constraint // all must hold

	// Preferences are spread descriptors ("node.labels.zone"), outermost
	// first, as ParseSpread returns them from --placement-pref. Only
	// node.labels.KEY and engine.labels.KEY can be spread over; any other
	// descriptor is ignored, as swarmkit ignores it.
	Preferences []string

	Reservation Resources // per task
	MaxReplicas int       // per node; 0 means no limit
	HostPorts   []uint32  // published in host mode (see HostPort); two tasks on one node cannot share one
}

// HostPort is a host-mode published port with its protocol, as one number
// for Service.HostPorts: the port in the low 16 bits, the protocol above
// them. swarmkit's HostPortFilter keys ports by protocol and port, so
// 7070/tcp and 7070/udp are two ports; a bare port number is tcp.
func HostPort(port uint32, protocol string) uint32 {
	var p uint32
	switch protocol {
	case "udp":
		p = 1
	case "sctp":
		p = 2
	}
	return p<<16 | port&0xffff
}

// Footprint is what one task holds on its node: its reservation and its
// host-mode ports (as Service.HostPorts).
type Footprint struct {
	Reservation Resources
	HostPorts   []uint32
}

// Task is one task of a service.
type Task struct {
	ID, Service string

	// Node is where a running task runs. For a pending task it is the node
	// the global orchestrator chose, or "" to let the scheduler choose.
	Node string

	// Pending tasks need a placement now. The others are already placed:
	// they hold their node's resources, ports and per-node replica counts
	// and count in the ranking. A placed task without a Node holds nothing.
	Pending bool

	// Own, for a placed task, is what it holds by its own spec when that is
	// not its service's current one (a task of the spec before an update);
	// nil means its service's. swarmkit's nodeinfo.go addTask charges each
	// task's own resources and ports.
	Own *Footprint
}

// Placement puts a pending task on a node.
type Placement struct{ Task, Node string }

// Unplaced is a pending task no node can take now, with Docker's reason,
// the text docker service ps shows in its ERROR column.
type Unplaced struct{ Task, Reason string }

// Plan is the outcome of one Schedule call. Both lists follow the order of
// the tasks given to Schedule.
type Plan struct {
	Placements []Placement
	Pending    []Unplaced
}

// Schedule places every pending task it can and says why it cannot place
// the rest. Tasks placed in this call count toward the resources, replica
// limits, ports and ranking seen by every later task of the same call.
//
// Services are scheduled in the order of services, every service's
// preassigned (global) tasks before any task the scheduler has to place
// itself, because a global task can go nowhere else. Within a service,
// tasks are placed in the order given. The seed only breaks ties between
// nodes that rank equal; the same arguments always give the same Plan.
//
// Schedule does not modify its arguments.
func Schedule(nodes []Node, services []Service, tasks []Task, seed uint64) Plan {
	st := newState(nodes, services)
	return st.schedule(tasks, seed)
}

// Explain says why service cannot get one more task on node, given the
// tasks already running, in swarmkit's words for a single node (for example
// "insufficient resources on 1 node"), or "" when it can. Pending tasks in
// tasks are ignored. It is what a pending global task shows in docker
// service ps.
//
// Each call costs a pass over nodes, services and tasks; to ask about many
// nodes at once, hand Schedule one pending task per node with Task.Node set.
func Explain(nodes []Node, services []Service, tasks []Task, service, node string) string {
	at := -1
	for i := range nodes {
		if nodes[i].ID == node {
			at = i
			break
		}
	}
	if at < 0 {
		return notFound("node", node)
	}
	st := newState(nodes[at:at+1], services)
	si := st.service(service)
	if si < 0 {
		return notFound("service", service)
	}
	for i := range tasks {
		t := &tasks[i]
		if t.Pending || t.Node != node {
			continue
		}
		ts := st.service(t.Service)
		st.hold(0, ts, t.Own)
		if ts == si {
			st.count[0]++
		}
	}
	p := newPipeline(st)
	p.set(&st.services[si])
	if f := p.first(0); f >= 0 {
		return p.filters[f].explain(1)
	}
	return ""
}

// notFound words a reference to something that does not exist the way the
// Docker daemon does ("node w9 not found").
func notFound(what, id string) string { return what + " " + id + " not found" }
