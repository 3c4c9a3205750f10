// Package scheduler decides where a swarm's pending tasks run, the way
// Docker Swarm's scheduler (swarmkit's manager/scheduler) does, and says in
// Docker's words why the ones it cannot place stay pending.
//
// It is a pure function. Nodes, services and tasks go in; placements and
// reasons come out. Nothing here reads a clock, draws from a random stream,
// starts a goroutine or keeps state between calls. The cluster package
// calls it on the Raft leader and commits the plan through Raft, so a
// placement only happens once a quorum agrees, and a swarm without a
// leader schedules nothing.
//
// # Usage
//
//	web := scheduler.Service{Name: "web", Mode: scheduler.Replicated}
//	c, err := scheduler.ParseConstraint("node.role==worker")
//	if err != nil {
//		return err // one sentence saying how to write it
//	}
//	web.Constraints = append(web.Constraints, c)
//	zone, _ := scheduler.ParseSpread("spread=node.labels.zone")
//	web.Preferences = append(web.Preferences, zone)
//
//	plan := scheduler.Schedule(nodes, []scheduler.Service{web}, tasks, seed)
//	for _, p := range plan.Placements {
//		// propose: task p.Task runs on p.Node
//	}
//	for _, u := range plan.Pending {
//		// task u.Task stays pending; docker service ps shows u.Reason
//	}
//
// tasks holds the running tasks (Pending false, Node set) next to the
// pending ones: running tasks hold their node's resources and host ports,
// count toward replica limits and steer the ranking. A running task holds
// what its own spec says: its service's reservation and host ports, or
// Task.Own when it runs an older spec (the old task beside its
// replacement in a start-first update), as swarmkit's nodeinfo.go addTask
// charges each task's own spec. Host ports are keyed by protocol and port
// (HostPort), so 7070/tcp and 7070/udp share a node. Each node may carry
// RecentFailures, the caller's count of each service's recent task
// failures on it, which puts a node a service keeps failing on last (see
// Failing nodes).
//
// # Filters
//
// A node can take a task only if it passes every filter, in the order of
// swarmkit's default pipeline (manager/scheduler/pipeline.go). Each filter
// is a small value with swarmkit's three verbs: set the service, check a
// node, explain a failure on N nodes; each owns its words, Docker's words,
// given here for one and for several nodes:
//
//	ready          up, and availability active  1 node not available for new tasks
//	resources      reservation fits             insufficient resources on 2 nodes
//	constraints    all of them hold             scheduling constraints not satisfied on 2 nodes
//	host port      host-mode port is free       host-mode port already in use on 2 nodes
//	max replicas   per node, if set             max replicas per node limit exceed
//
// swarmkit's ReadyFilter checks readiness and availability together, so
// Docker words a down node and a paused or drained one alike, and a node
// that is both counts once. swarmkit runs a plugin filter between
// resources and constraints and a platform filter between constraints and
// host port; the simulation models neither plugins nor image platforms,
// so they would pass every node and are left out. The max-replicas clause
// has no count, as in swarmkit. A task of a service holds its spec's
// host ports, so for a service that publishes one the host-port filter
// rejects a node with one of its tasks before the replica limit is asked.
//
// Resources: the reservation must fit beside the reservations of the tasks
// the node already holds, CPU and memory each within Node.Capacity. A
// capacity of zero is zero; a service that reserves nothing is never held
// back by this filter.
//
// Constraints: node.id, node.hostname, node.role, node.platform.os,
// node.platform.arch, node.labels.KEY and engine.labels.KEY, with == or !=.
// Values compare without regard to case, label names with regard to it. A
// node without the label never equals a value and always differs from it.
//
// # The reason a task stays pending
//
// When no node can take a task, every node is counted under the first
// filter it fails, and the clauses are joined as swarmkit's pipeline joins
// them: most rejected nodes first, equal counts in filter order, separated
// by "; ", inside "no suitable node (...)":
//
//	no suitable node (scheduling constraints not satisfied on 3 nodes; insufficient resources on 2 nodes)
//
// With no nodes at all there is nothing to count, and the reason is
// swarmkit's bare "no suitable node". The counts are taken at the moment
// the service runs out of room, so they describe the cluster after this
// call's placements; every remaining task of that service shares the
// reason.
//
// A global task comes with its node already chosen by the global
// orchestrator (Task.Node). The scheduler checks that node only: it places
// the task there or leaves it pending with that node's bare clause, as
// swarmkit does for preassigned tasks ("insufficient resources on 1
// node"). Explain gives the same answer for any service and node.
//
// # Ranking
//
// Among the nodes that pass, a task goes:
//
//  1. by placement preferences first. spread=node.labels.zone divides the
//     service's tasks evenly over the label's values, counting the tasks it
//     already runs: the next task goes to the zone with the fewest, ties
//     broken in label order, so 6 tasks over zones a, b, c land 2/2/2 and 7
//     land 3/2/2. Nodes without the label form one more group, after the
//     named ones. Several preferences nest in the order given (zones, then
//     racks within each zone). Only groups with at least one node that
//     passes the filters take part, so a dead zone's share goes to the
//     others, and a group that fills up mid-call drops out the same way;
//  2. then away from nodes where the service keeps failing: a node with
//     MaxFailures (5) or more recent failures of the service goes after
//     every node with fewer, still usable once they cannot take more,
//     and among such nodes the one with fewer failures goes first (see
//     Failing nodes below);
//  3. then to the node with the fewest tasks of this service;
//  4. then to the node with the fewest tasks in all;
//  5. then by a seeded tie-break: a hash of (seed, service name, node ID).
//
// A hash rather than a random stream: it needs no state, it does not
// depend on the order nodes or tasks are listed in, and equal nodes take
// a service's tasks round-robin in an order the seed shuffles.
//
// # Failing nodes
//
// swarmkit's scheduler remembers, per node, when tasks of each service
// failed there (nodeInfo.taskFailed) and ranks a node last for a service
// whose tasks failed there maxFailures (5) times within monitorFailures
// (5 minutes): a crash-looping image then moves on to other nodes instead
// of failing on one forever. This package keeps no history and reads no
// clock, so the caller counts and hands in the counts:
//
//	Node.RecentFailures[service name] = failures of that service's tasks
//	    on this node within the last FailureWindow
//
// Count as swarmkit counts (manager/scheduler/scheduler.go, updateTask):
//
//   - a failure is a task of the service, on this node, that moved to
//     failed or rejected; a task that completed, or that the orchestrator
//     shut down (scale-down, drain, update, a lost node), is no failure;
//   - only tasks the scheduler placed: swarmkit records nothing for a
//     preassigned (global) task, whose node it did not choose; here a
//     global task goes to its node whatever the count says;
//   - only tasks of the service's current spec: swarmkit keys the history
//     by service and spec version, so an update starts the count afresh;
//   - within FailureWindow of now, a failure exactly that old included.
//     CountRecentFailures(times, now) counts a list of failure times so.
//
// A nil map, or a count under MaxFailures, changes nothing. The penalty
// ranks nodes within a spread group, not across groups: a zone whose only
// node keeps failing still gets its share, as in swarmkit, where
// placement preferences split the nodes before nodeLess orders them.
//
// # Order and determinism
//
// Services are scheduled in the order of the services slice, every
// service's global tasks before any other task, because a global task can
// go nowhere else. Within a service, tasks are placed in input order.
// Placements and Pending list tasks in input order. The same arguments
// always give the same Plan.
//
// # Cost
//
// swarmkit scans every node for every task. Here the filters that cannot
// change during a call (ready, constraints) run once per node per service;
// the candidates go into heaps, one per spread group (and per failure
// count, in a group where some node has reached MaxFailures), ordered by
// the ranking, and only the node about to be chosen is checked again against
// the filters placements can change (resources, ports, replica limit). Those only ever turn from pass to fail within a call, so a
// node that fails leaves its heap for good. A call costs about one pass
// over the nodes per service plus a logarithm per task: on a 2-core
// machine, 100,000 tasks on 1,000 nodes take 12 to 25 ms, where swarmkit's
// benchmark takes 12 s (scheduler_bench_test.go has swarmkit's shapes).
//
// # Departures from swarmkit
//
// Deliberate, and small. swarmkit counts a node each time it runs the
// filters on it, which can be twice or not at all; here each node counts
// exactly once. (Ties between clauses keep filter order in both: swarmkit
// sorts its eight filters with sort.Sort, which for so few elements is an
// insertion sort and moves nothing past an equal count.) ParseConstraint rejects keys no node has (swarmkit
// leaves tasks with them pending forever) and node.ip, which the simulation
// does not model. There are no plugin and platform filters: the
// simulation has no plugins, and images have no platform here;
// node.platform.os and .arch are constraints. Host ports have no
// protocol: a port number is taken or free.
package scheduler
