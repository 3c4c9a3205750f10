// Package constraintenforcer rejects the tasks whose node no longer
// satisfies their service's constraints (a label removed, a node
// demoted), as swarmkit's manager/orchestrator/constraintenforcer does;
// the restart supervisor then replaces them where the constraints hold.
//
// # Using it
//
//	e := constraintenforcer.New()
//	e.Check(batch, task, spec, nodeRecord) // for each task on a node that changed
package constraintenforcer

import (
	"github.com/swarmsim/swarmsim/cluster/placement"
	"github.com/swarmsim/swarmsim/cluster/state"
)

// Enforcer holds no state: what a node satisfies is read off its record
// when the node changes.
type Enforcer struct{}

// New returns an enforcer.
func New() *Enforcer { return &Enforcer{} }

// Check rejects t if its node, rec, no longer satisfies spec's
// constraints, and reports whether it did. A task that has not started on
// its node, or has already ended, is left alone.
func (e *Enforcer) Check(b *state.Batch, t *state.Task, spec *state.ServiceSpec, rec *state.NodeRecord) bool {
	if t.State == state.TaskPending || t.Terminal() || placement.Matches(spec, rec) {
		return false
	}
	return b.Report(&state.TaskStatus{Task: t.ID, State: state.TaskRejected, Reason: state.ReasonRejected})
}
