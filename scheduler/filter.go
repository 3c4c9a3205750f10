package scheduler

import (
	"strconv"
	"strings"
)

// The filters, in the order a node meets them (SPEC §2). A node that fails
// is counted under the first filter it fails and no other, so the counts of
// one explanation add up to the nodes that were tried.
const (
	filterReady = iota
	filterAvailability
	filterResources
	filterConstraints
	filterMaxReplicas
	filterHostPort
	numFilters
)

// filter is one placement rule with swarmkit's three verbs. Each filter
// owns its words: explain is the only place they are written.
type filter interface {
	// set prepares the filter for one service and reports whether it
	// applies to it at all; a filter that does not apply passes every node.
	set(s *Service) bool
	// check reports whether node n can take one more task of the service.
	check(n int32) bool
	// explain words a failure on the given number of nodes, as Docker does.
	explain(nodes int) string
}

// onNodes is the shape most of swarmkit's clauses share: "<what> on 1 node",
// "<what> on 3 nodes".
func onNodes(what string, nodes int) string {
	if nodes == 1 {
		return what + " on 1 node"
	}
	return what + " on " + strconv.Itoa(nodes) + " nodes"
}

// notAvailable is swarmkit's ReadyFilter clause. swarmkit checks readiness
// and availability in one filter, so Docker words a down node and a paused
// or drained one alike; both of ours use it, and clauses merges them.
func notAvailable(nodes int) string {
	if nodes == 1 {
		return "1 node not available for new tasks"
	}
	return strconv.Itoa(nodes) + " nodes not available for new tasks"
}

type readyFilter struct{ st *state }

func (f *readyFilter) set(*Service) bool        { return true }
func (f *readyFilter) check(n int32) bool       { return f.st.nodes[n].Ready }
func (f *readyFilter) explain(nodes int) string { return notAvailable(nodes) }

type availabilityFilter struct{ st *state }

func (f *availabilityFilter) set(*Service) bool        { return true }
func (f *availabilityFilter) check(n int32) bool       { return f.st.nodes[n].Availability == Active }
func (f *availabilityFilter) explain(nodes int) string { return notAvailable(nodes) }

type resourceFilter struct {
	st   *state
	want Resources
}

func (f *resourceFilter) set(s *Service) bool {
	f.want = s.Reservation
	return !f.want.IsZero()
}

func (f *resourceFilter) check(n int32) bool {
	return f.want.fits(f.st.used[n], f.st.nodes[n].Capacity)
}

func (f *resourceFilter) explain(nodes int) string { return onNodes("insufficient resources", nodes) }

type constraintFilter struct {
	st    *state
	match []matcher // compiled once per service, not once per node
}

func (f *constraintFilter) set(s *Service) bool {
	f.match = f.match[:0]
	for _, c := range s.Constraints {
		f.match = append(f.match, compile(c))
	}
	return len(f.match) > 0
}

func (f *constraintFilter) check(n int32) bool {
	node := &f.st.nodes[n]
	for i := range f.match {
		if !f.match[i].match(node) {
			return false
		}
	}
	return true
}

func (f *constraintFilter) explain(nodes int) string {
	return onNodes("scheduling constraints not satisfied", nodes)
}

type maxReplicasFilter struct {
	st  *state
	max int
}

func (f *maxReplicasFilter) set(s *Service) bool {
	f.max = s.MaxReplicas
	return f.max > 0
}

func (f *maxReplicasFilter) check(n int32) bool { return int(f.st.count[n]) < f.max }

// swarmkit's clause carries no count, in singular and plural alike.
func (f *maxReplicasFilter) explain(int) string { return "max replicas per node limit exceed" }

type hostPortFilter struct {
	st    *state
	ports []uint32
}

func (f *hostPortFilter) set(s *Service) bool {
	f.ports = s.HostPorts
	return len(f.ports) > 0
}

func (f *hostPortFilter) check(n int32) bool {
	if f.st.ports == nil {
		return true
	}
	for _, p := range f.ports {
		if _, used := f.st.ports[portKey(n, p)]; used {
			return false
		}
	}
	return true
}

func (f *hostPortFilter) explain(nodes int) string {
	return onNodes("host-mode port already in use", nodes)
}

// pipeline runs the filters in order for one service at a time, like
// swarmkit's Pipeline.
type pipeline struct {
	ready   readyFilter
	avail   availabilityFilter
	res     resourceFilter
	cons    constraintFilter
	max     maxReplicasFilter
	port    hostPortFilter
	filters [numFilters]filter // the above, in filter order
	on      [numFilters]bool   // which apply to the current service
}

func newPipeline(st *state) *pipeline {
	p := &pipeline{
		ready: readyFilter{st},
		avail: availabilityFilter{st},
		res:   resourceFilter{st: st},
		cons:  constraintFilter{st: st},
		max:   maxReplicasFilter{st: st},
		port:  hostPortFilter{st: st},
	}
	p.filters = [numFilters]filter{&p.ready, &p.avail, &p.res, &p.cons, &p.max, &p.port}
	return p
}

func (p *pipeline) set(s *Service) {
	for i, f := range p.filters {
		p.on[i] = f.set(s)
	}
}

// first returns the first filter node n fails, or -1 when it passes all.
func (p *pipeline) first(n int32) int {
	for i, f := range p.filters {
		if p.on[i] && !f.check(n) {
			return i
		}
	}
	return -1
}

// recheck runs only the filters whose answer can change during a call
// (resources, replica limit, ports), on a node that passed all of them
// earlier. They only ever turn from pass to fail: placements take capacity
// and ports and add replicas, never the reverse.
func (p *pipeline) recheck(n int32) bool {
	return (!p.on[filterResources] || p.res.check(n)) &&
		(!p.on[filterMaxReplicas] || p.max.check(n)) &&
		(!p.on[filterHostPort] || p.port.check(n))
}

// clauses joins the filters' explanations the way swarmkit's
// Pipeline.Explain does: the filter that rejected most nodes first,
// separated by "; ". Ties keep filter order, so the text is deterministic
// (swarmkit's sort is not stable). Filters that word their failure alike
// (ready and availability) share one clause with their counts summed.
func (p *pipeline) clauses(counts *[numFilters]int) string {
	type clause struct {
		nodes int
		f     filter
		key   string
	}
	var cs [numFilters]clause
	k := 0
next:
	for i, f := range p.filters {
		if counts[i] == 0 {
			continue
		}
		key := f.explain(1)
		for j := range k {
			if cs[j].key == key {
				cs[j].nodes += counts[i]
				continue next
			}
		}
		cs[k] = clause{counts[i], f, key}
		k++
	}
	// Insertion sort: stable, and there are at most numFilters clauses.
	for i := 1; i < k; i++ {
		for j := i; j > 0 && cs[j].nodes > cs[j-1].nodes; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
	var b strings.Builder
	for i := range k {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(cs[i].f.explain(cs[i].nodes))
	}
	return b.String()
}
