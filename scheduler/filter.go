package scheduler

import (
	"github.com/swarmsim/swarmsim/internal/fault"
	"strconv"
	"strings"
)

// The filters, in the order of swarmkit's default pipeline
// (manager/scheduler/pipeline.go, defaultFilters): ReadyFilter,
// ResourceFilter, PluginFilter, ConstraintFilter, PlatformFilter,
// HostPortFilter, MaxReplicasFilter. The order matters beyond speed: a
// node that fails several filters is counted under the first one only, so
// it decides which clauses a pending task's reason has, and the clause sort
// keeps this order among equal counts.
//
// PluginFilter and PlatformFilter have no counterpart here: the simulation
// models neither volume, network or log plugins nor image platforms, so
// they would pass every node. Their places are marked so that adding them
// later keeps the order.
const (
	filterReady = iota
	filterResources
	// PluginFilter would go here.
	filterConstraints
	// PlatformFilter would go here.
	filterHostPort
	filterMaxReplicas
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

// readyFilter is swarmkit's ReadyFilter, which checks two things in one
// filter: the node is READY (it has not missed its heartbeats) and its
// availability is ACTIVE (not paused, not drained). So Docker words a down
// node and a drained one alike, and a node that is both counts once.
type readyFilter struct{ st *state }

func (f *readyFilter) set(*Service) bool { return true }

func (f *readyFilter) check(n int32) bool {
	node := &f.st.nodes[n]
	return node.Ready && node.Availability == Active
}

func (f *readyFilter) explain(nodes int) string {
	if nodes == 1 {
		return "1 node not available for new tasks"
	}
	return strconv.Itoa(nodes) + " nodes not available for new tasks"
}

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
	return len(f.match) > 0 && !fault.Is(fault.ConstraintIgnored)
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

type hostPortFilter struct {
	st    *state
	ports []uint32
}

func (f *hostPortFilter) set(s *Service) bool {
	f.ports = s.HostPorts
	return len(f.ports) > 0 && !fault.Is(fault.PortConflictIgnored)
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

type maxReplicasFilter struct {
	st  *state
	max int
}

func (f *maxReplicasFilter) set(s *Service) bool {
	f.max = s.MaxReplicas
	if fault.Is(fault.MaxReplicasOffByOne) && f.max > 0 {
		f.max++
	}
	return f.max > 0
}

func (f *maxReplicasFilter) check(n int32) bool { return int(f.st.count[n]) < f.max }

// swarmkit's clause carries no count, in singular and plural alike.
func (f *maxReplicasFilter) explain(int) string { return "max replicas per node limit exceed" }

// pipeline runs the filters in order for one service at a time, like
// swarmkit's Pipeline.
type pipeline struct {
	ready   readyFilter
	res     resourceFilter
	cons    constraintFilter
	port    hostPortFilter
	max     maxReplicasFilter
	filters [numFilters]filter // the above, in filter order
	on      [numFilters]bool   // which apply to the current service
}

func newPipeline(st *state) *pipeline {
	p := &pipeline{
		ready: readyFilter{st},
		res:   resourceFilter{st: st},
		cons:  constraintFilter{st: st},
		port:  hostPortFilter{st: st},
		max:   maxReplicasFilter{st: st},
	}
	p.filters = [numFilters]filter{&p.ready, &p.res, &p.cons, &p.port, &p.max}
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
// (resources, ports, replica limit), on a node that passed all of them
// earlier. They only ever turn from pass to fail: placements take capacity
// and ports and add replicas, never the reverse.
func (p *pipeline) recheck(n int32) bool {
	return (!p.on[filterResources] || p.res.check(n)) &&
		(!p.on[filterHostPort] || p.port.check(n)) &&
		(!p.on[filterMaxReplicas] || p.max.check(n))
}

// clauses joins the filters' explanations the way swarmkit's
// Pipeline.Explain does: the filter that rejected most nodes first,
// separated by "; ", and among equal counts, filter order. swarmkit gets
// that tie order from sort.Sort over sort.Reverse: the interface promises
// no stability, but on a list this short (8 filters with its volume
// filter) Go's sort runs an insertion sort, which only moves an entry past
// a strictly smaller one. An insertion sort here keeps the same promise
// on purpose.
func (p *pipeline) clauses(counts *[numFilters]int) string {
	var order [numFilters]int // filter indexes with a count, most nodes first
	k := 0
	for i := range p.filters {
		if counts[i] == 0 {
			continue
		}
		j := k
		for ; j > 0 && counts[order[j-1]] < counts[i]; j-- {
			order[j] = order[j-1]
		}
		order[j] = i
		k++
	}
	var b strings.Builder
	for _, i := range order[:k] {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.filters[i].explain(counts[i]))
	}
	return b.String()
}
