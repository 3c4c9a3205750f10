// Package orchestratortest is the part of a leader the orchestrators'
// tests need: the orchestrators and the restart supervisor over a
// statetest store, flushed in the leader's order. swarmkit's orchestrator
// tests start the orchestrator over a memory store and watch its events;
// these start a Leader over a Store and read what each flush did.
//
//	s := statetest.New()
//	s.Node("w1")
//	l := orchestratortest.New(s)     // a new leader: looks at the whole store
//	s.Service(state.ServiceSpec{Name: "web", Replicas: 2})
//	l.Want(t, "create web.1", "create web.2")
package orchestratortest

import (
	"slices"
	"testing"

	"github.com/swarmsim/swarmsim/cluster/orchestrator"
	"github.com/swarmsim/swarmsim/cluster/orchestrator/restart"
	"github.com/swarmsim/swarmsim/cluster/state/statetest"
)

// Leader runs the orchestrators and the restart supervisor.
type Leader struct {
	*statetest.Store
	Orchestrator *orchestrator.Orchestrator
	Restarts     *restart.Supervisor
}

// New starts a leader over s, which looks at the whole store once, as a
// newly elected one does.
func New(s *statetest.Store) *Leader {
	r := restart.New(s.Store, s.Hashes)
	l := &Leader{Store: s, Orchestrator: orchestrator.New(s.Store, s.Hashes, r), Restarts: r}
	s.Watch(l.Orchestrator)
	s.Watch(l.Restarts)
	for _, name := range s.ServiceNames() {
		l.Orchestrator.ServiceChanged(name)
	}
	for _, name := range s.NodeNames() {
		l.Orchestrator.NodeChanged(name)
	}
	for _, t := range s.TaskList() {
		l.Restarts.TaskChanged(t)
	}
	return l
}

// Flush runs one flush and commits it, and says what it did.
func (l *Leader) Flush() []string { return l.Step(l.Orchestrator.Flush, l.Restarts.Flush) }

// Want runs one flush and checks what it did, as statetest.Describe
// writes it.
func (l *Leader) Want(t testing.TB, want ...string) {
	t.Helper()
	if got := l.Flush(); !slices.Equal(got, want) {
		t.Errorf("the flush did %q, want %q", got, want)
	}
}

// Names lists a service's tasks meant to run, as Docker names them.
func Names(s *statetest.Store, service string) []string {
	var out []string
	for _, t := range s.Active(service) {
		out = append(out, t.Name())
	}
	return out
}
