// Package agent is a node's side of the swarm, as the worker part of
// swarmkit's agent/ is: what the node runs, its containers' health
// checks, and what it tells the leader's dispatcher about them. What
// actually runs is kept apart from the desired state: a node starts a
// task when the dispatcher hands it over, loses its containers when it
// crashes, and keeps running them while it is cut off.
//
// # Using it
//
//	a := agent.New(host)           // host: the simulation, as the node reaches it
//	state := a.Start(task, health) // the dispatcher hands a task over
//	a.Fire(event)                  // a timer the agent set with host.After is due
//	a.Stop(task.ID)                // the dispatcher stops a task
//	a.Crash()                      // the machine lost power: nothing runs
//
// Images rehearse failures. A container of an image whose name starts
// with FailingImagePrefix exits with status 1 ExitAfter after it starts
// (`docker service create --name app fail`, or `fail/app:2`): a crash loop,
// restart policies, failed updates. One whose name starts with
// CompletingImagePrefix exits with status 0 after the same time: a job that
// finished, which restart condition on-failure does not restart.
//
// Health checks run as Docker's engine runs them: a task whose service has
// a health check starts as "starting" and becomes "running" only when a
// probe passes, the first one StartInterval after the container started
// when it has a start period, Interval otherwise. An
// image whose name starts with UnhealthyImagePrefix never passes: after
// Retries failed probes past the start period the engine stops the
// container, and the task fails with Docker's "unhealthy container" error.
// Without a health check there is no health to fail, and such an image
// runs like any other.
//
// A node tells the leader's dispatcher at once what became of a container
// if it can reach it (Host.Leader); otherwise it remembers, sets Dirty,
// and the dispatcher hears it all when the node's next session starts.
package agent

import (
	"slices"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// Image name prefixes that rehearse failures.
const (
	FailingImagePrefix    = "fail"
	CompletingImagePrefix = "done"
	UnhealthyImagePrefix  = "unhealthy"
)

// ExitAfter is how long a failing or completing container runs before it
// exits.
const ExitAfter = 2 * time.Second

// Docker's words for a container that exited.
const (
	ReasonExit      = "task: non-zero exit (1)"
	ReasonExitOK    = "finished" // swarmkit's agent: the task is complete
	ReasonUnhealthy = "task: non-zero exit (137): dockerexec: unhealthy container"
)

// Host is the simulation as a node's agent reaches it.
type Host interface {
	// Changed says what the node runs changed.
	Changed()
	// After has the simulation call Fire(e) d from now, unless the node
	// crashed or restarted meanwhile.
	After(d time.Duration, e Event)
	// Leader is the leader's dispatcher if the node can reach it now, or
	// nil.
	Leader() Reports
}

// Reports is what a node tells the leader's dispatcher.
type Reports interface {
	Exited(task, reason string, exitOK bool)
	Passed(task string)
}

// Event is a timer an agent set: a container exits, or its health check
// passes or fails for good.
type Event struct {
	Kind   EventKind
	Task   string
	ExitOK bool // Exit: the container exits with status 0
}

// EventKind is what an Event does.
type EventKind uint8

// What an Event does.
const (
	Exit EventKind = iota + 1
	Healthy
	Unhealthy
)

// Exited is how a container ended, until the node reports it.
type Exited struct {
	Reason string
	OK     bool
}

// Agent is one node's agent.
type Agent struct {
	host Host

	Running  Tasks             // the tasks actually running here
	Starting Tasks             // running tasks whose health check has not passed yet
	Exits    map[string]Exited // tasks whose container exited, until the leader hears of it
	Dirty    bool              // something happened here the leader has not heard of
}

// New returns the agent of a node that runs nothing.
func New(host Host) Agent {
	return Agent{host: host, Exits: map[string]Exited{}}
}

// Start runs a task, and returns the state the node reports: running, or
// starting while its health check has yet to pass.
func (a *Agent) Start(t *state.Task, h state.HealthCheck) string {
	a.Running.Add(t.ID)
	a.host.Changed()
	fails, completes := strings.HasPrefix(t.Image, FailingImagePrefix), strings.HasPrefix(t.Image, CompletingImagePrefix)
	if fails || completes {
		a.host.After(ExitAfter, Event{Kind: Exit, Task: t.ID, ExitOK: completes})
	}
	if h.Cmd == "" {
		return state.TaskRunning
	}
	a.Starting.Add(t.ID)
	if strings.HasPrefix(t.Image, UnhealthyImagePrefix) {
		a.host.After(UnhealthyAfter(h), Event{Kind: Unhealthy, Task: t.ID})
	} else {
		a.host.After(probeAfter(h, 0), Event{Kind: Healthy, Task: t.ID})
	}
	return state.TaskStarting
}

// probeAfter is the wait before the next probe, elapsed after the
// container started, as moby's daemon/health.go monitor picks it: every
// start interval while the start period lasts (and no probe has passed),
// every interval after it.
func probeAfter(h state.HealthCheck, elapsed time.Duration) time.Duration {
	if elapsed >= h.StartPeriod {
		if h.Interval <= 0 { // a spec not yet given its defaults
			return state.DefaultHealthInterval
		}
		return h.Interval
	}
	if h.StartInterval > 0 {
		return h.StartInterval
	}
	return state.DefaultHealthStartInterval
}

// UnhealthyAfter is when a container that fails every probe is declared
// unhealthy: failures within the start period do not count, and Retries
// failures in a row after it do.
func UnhealthyAfter(h state.HealthCheck) time.Duration {
	var at time.Duration
	for failed := 0; failed < h.Retries; {
		at += probeAfter(h, at)
		if at >= h.StartPeriod {
			failed++
		}
	}
	return at
}

// Fire is a timer the agent set falling due.
func (a *Agent) Fire(e Event) {
	switch e.Kind {
	case Exit:
		x := Exited{ReasonExit, false}
		if e.ExitOK {
			x = Exited{ReasonExitOK, true}
		}
		a.stopped(e.Task, x)
	case Healthy:
		if !a.Running.Has(e.Task) || !a.Starting.Remove(e.Task) {
			return
		}
		if d := a.host.Leader(); d != nil {
			d.Passed(e.Task)
			return
		}
		a.Dirty = true
	case Unhealthy:
		if !a.Starting.Remove(e.Task) {
			return
		}
		a.stopped(e.Task, Exited{ReasonUnhealthy, false})
	}
}

// stopped ends a container for the reason x gives.
func (a *Agent) stopped(task string, x Exited) {
	if !a.Running.Remove(task) {
		return
	}
	a.Starting.Remove(task)
	a.host.Changed()
	if d := a.host.Leader(); d != nil {
		d.Exited(task, x.Reason, x.OK)
		return
	}
	a.Exits[task] = x
	a.Dirty = true
}

// Crash is the machine losing power: nothing runs, nothing is remembered.
func (a *Agent) Crash() {
	a.Running.Clear()
	a.Starting.Clear()
	a.host.Changed()
	clear(a.Exits)
}

// The dispatcher's side of the session (dispatcher.Agent).

// Stop stops a task, and reports whether it ran.
func (a *Agent) Stop(task string) bool {
	if !a.Running.Remove(task) {
		return false
	}
	a.Starting.Remove(task)
	a.host.Changed()
	return true
}

// Runs reports whether a task runs here.
func (a *Agent) Runs(task string) bool { return a.Running.Has(task) }

// Probing reports whether a running task's health check has yet to pass.
func (a *Agent) Probing(task string) bool { return a.Starting.Has(task) }

// Exit is how a task's container ended while the leader could not hear
// it; ok is false when the node knows of no such exit.
func (a *Agent) Exit(task string) (reason string, exitOK, ok bool) {
	x, ok := a.Exits[task]
	return x.Reason, x.OK, ok
}

// ForgetExits drops the exits the leader has now heard of.
func (a *Agent) ForgetExits() { clear(a.Exits) }

// Strays lists the tasks the node runs that are not among assigned, the
// tasks the store assigns it, in CompareNames order.
func (a *Agent) Strays(assigned []*state.Task) []string {
	own := make([]uint32, 0, len(assigned))
	var ownOther map[string]bool
	for _, t := range assigned {
		if n, ok := number(t.ID); ok {
			own = append(own, n)
		} else {
			if ownOther == nil {
				ownOther = map[string]bool{}
			}
			ownOther[t.ID] = true
		}
	}
	slices.Sort(own)
	var out []string
	for _, n := range a.Running.Numbers() {
		if _, found := slices.BinarySearch(own, n); !found {
			out = append(out, state.TaskID(uint64(n)))
		}
	}
	for id := range a.Running.Others() {
		if !ownOther[id] {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, state.CompareNames)
	return out
}
