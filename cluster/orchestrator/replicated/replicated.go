// Package replicated is the replicated orchestrator: it gives a replicated
// service its desired number of slots, as swarmkit's
// manager/orchestrator/replicated does. Missing slots get new tasks,
// numbered from the lowest free number; extra slots are removed so that
// the rest stay balanced over the nodes.
//
// # Using it
//
//	o := replicated.New(store, hashes)
//	o.Reconcile(batch, store.Services["web"]) // after web was created, scaled or updated
//
// Package orchestrator decides which services are reconciled in a flush
// (the ones an applied entry touched), and in what order.
package replicated

import (
	"slices"
	"sort"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// Orchestrator reconciles replicated services for one leader.
type Orchestrator struct {
	s      *state.Store
	hashes state.Hashes
}

// New returns a replicated orchestrator over s; hashes is the leader's
// cache of spec hashes.
func New(s *state.Store, hashes state.Hashes) *Orchestrator {
	return &Orchestrator{s: s, hashes: hashes}
}

// Reconcile gives a replicated service its desired number of slots.
func (o *Orchestrator) Reconcile(b *state.Batch, spec *state.ServiceSpec) {
	s := o.s
	hash := o.hashes.Of(spec)
	var active []*state.Task
	// Slots are small dense numbers: a hundred thousand of them are a
	// slice of flags, not a map.
	occupied := make(slotFlags, 0, spec.Replicas+1)
	held := 0
	for _, key := range s.SlotKeys(spec.Name) {
		if cur := b.Current(s, spec.Name, key); cur != nil {
			active = append(active, cur)
			occupied.set(key.Slot)
			if cur.State == state.TaskRunning {
				endOverlap(b, s.History(spec.Name, key), cur)
			}
			continue
		}
		// A slot whose task the restart policy will not replace keeps its
		// number: scaling does not work around max attempts.
		if h := s.History(spec.Name, key); len(h) > 0 && h[len(h)-1].Final && h[len(h)-1].Hash == hash {
			occupied.set(key.Slot)
			held++
		}
	}
	target := max(spec.Replicas-held, 0)
	switch {
	case len(active) < target:
		slot := 0
		for range target - len(active) {
			slot++
			for occupied.has(slot) {
				slot++
			}
			occupied.set(slot)
			b.CreateIn(s, spec, hash, slot, "", state.CreateTask{})
		}
	case len(active) > target:
		for _, t := range ScaleDownOrder(active)[target:] {
			// The slot goes with all its tasks: a start-first update's old
			// task runs beside the current one until it is replaced.
			for _, other := range s.History(spec.Name, t.SlotKey()) {
				if other.Active() {
					b.Stop(other, scaledDownState(other), state.ReasonScaledDown, false)
				}
			}
		}
	}
}

// endOverlap stops the tasks of a slot older than cur, which runs: a
// start-first overlap ends once the newest task runs, whatever update
// started it. The updater ends the overlaps of the update in progress; an
// update superseded by another, which paused before it reached the slot,
// would leave its old task running beside the new for good.
func endOverlap(b *state.Batch, history []*state.Task, cur *state.Task) {
	for _, old := range history {
		if old != cur && old.Active() && old.Created <= cur.Created {
			b.Stop(old, "", state.ReasonUpdated, false)
		}
	}
}

// scaledDownState is what a task scaled down is observed as at once:
// shut down if it never started, nothing to confirm; otherwise its node
// will say.
func scaledDownState(t *state.Task) string {
	if t.State == state.TaskPending {
		return state.TaskShutdown
	}
	return ""
}

// ScaleDownOrder sorts a service's tasks so that the ones to keep come
// first, as swarmkit's replicated orchestrator does when it scales down:
// each task is numbered as the nth copy of the service on its node, and the
// tasks with the highest numbers (on the nodes with the most copies) go
// first; among equals, tasks that are not running go before running ones.
func ScaleDownOrder(tasks []*state.Task) []*state.Task {
	sorted := slices.Clone(tasks)
	sort.SliceStable(sorted, func(i, j int) bool {
		return sorted[i].State == state.TaskRunning && sorted[j].State != state.TaskRunning
	})
	nth := make(map[*state.Task]int, len(sorted))
	perNode := map[string]int{}
	for _, t := range sorted {
		perNode[t.Node]++
		nth[t] = perNode[t.Node]
	}
	sort.SliceStable(sorted, func(i, j int) bool { return nth[sorted[i]] < nth[sorted[j]] })
	return sorted
}

// slotFlags marks slots by number.
type slotFlags []bool

func (f *slotFlags) set(slot int) {
	if slot >= len(*f) {
		*f = append(*f, make([]bool, slot+1-len(*f))...)
	}
	(*f)[slot] = true
}

func (f slotFlags) has(slot int) bool { return slot < len(f) && f[slot] }
