package agent

import (
	"slices"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// host is a simulation that records the agent's timers and reports, and
// whose leader the test makes reachable or not.
type host struct {
	timers  []timer
	changes int
	cut     bool
	exits   []string
	passed  []string
}

type timer struct {
	after time.Duration
	e     Event
}

func (h *host) Changed()                       { h.changes++ }
func (h *host) After(d time.Duration, e Event) { h.timers = append(h.timers, timer{d, e}) }
func (h *host) Leader() Reports {
	if h.cut {
		return nil
	}
	return h
}
func (h *host) Exited(task, reason string, exitOK bool) { h.exits = append(h.exits, task+": "+reason) }
func (h *host) Passed(task string)                      { h.passed = append(h.passed, task) }

func task(id, image string) *state.Task { return &state.Task{ID: id, Image: image} }

func TestStartRunsAndStopStops(t *testing.T) {
	h := &host{}
	a := New(h)
	if got := a.Start(task("t1", "nginx"), state.HealthCheck{}); got != state.TaskRunning {
		t.Fatalf("a plain task starts %s", got)
	}
	if !a.Runs("t1") || len(h.timers) != 0 || h.changes != 1 {
		t.Fatalf("after the start: runs %v, timers %v, changes %d", a.Runs("t1"), h.timers, h.changes)
	}
	if !a.Stop("t1") || a.Stop("t1") || a.Runs("t1") {
		t.Error("Stop does not report once that the task ran")
	}
}

// A failing image exits ExitAfter after it starts, and the node tells
// the leader at once when it can.
func TestFailingImageExits(t *testing.T) {
	h := &host{}
	a := New(h)
	a.Start(task("t1", "fail/web:2"), state.HealthCheck{})
	want := []timer{{ExitAfter, Event{Kind: Exit, Task: "t1"}}}
	if !slices.Equal(h.timers, want) {
		t.Fatalf("timers %v, want %v", h.timers, want)
	}
	a.Fire(h.timers[0].e)
	if a.Runs("t1") || !slices.Equal(h.exits, []string{"t1: " + ReasonExit}) || a.Dirty {
		t.Errorf("after the exit: runs %v, reported %q, dirty %v", a.Runs("t1"), h.exits, a.Dirty)
	}
}

// Cut off from the leader, a node remembers how its container ended and
// says so in its next session.
func TestExitWhileCutOffIsRemembered(t *testing.T) {
	h := &host{cut: true}
	a := New(h)
	a.Start(task("t1", "done/job"), state.HealthCheck{})
	a.Fire(h.timers[0].e)
	reason, ok, found := a.Exit("t1")
	if !found || !ok || reason != ReasonExitOK || !a.Dirty || len(h.exits) != 0 {
		t.Errorf("remembered %q ok=%v found=%v, dirty %v, reported %q", reason, ok, found, a.Dirty, h.exits)
	}
	a.ForgetExits()
	if _, _, found := a.Exit("t1"); found {
		t.Error("the exit is remembered after the leader heard of it")
	}
}

// A health check's first probe passes, and the task runs only then; an
// unhealthy image fails for good after the start period and Retries
// counted probes, and its container is stopped.
func TestHealthChecks(t *testing.T) {
	h := &host{}
	a := New(h)
	check := state.HealthCheck{Cmd: "curl -f localhost", Interval: 5 * time.Second, StartPeriod: 10 * time.Second, Retries: 3}
	if got := a.Start(task("t1", "web"), check); got != state.TaskStarting || !a.Probing("t1") {
		t.Fatalf("a task with a health check starts %s", got)
	}
	a.Start(task("t2", "unhealthy/web"), check)
	// Probes every 5 s (the default start interval) during the 10 s start
	// period, whose failures do not count, then every Interval: the third
	// counted failure is at 20 s.
	want := []timer{{5 * time.Second, Event{Kind: Healthy, Task: "t1"}}, {20 * time.Second, Event{Kind: Unhealthy, Task: "t2"}}}
	if !slices.Equal(h.timers, want) {
		t.Fatalf("timers %v, want %v", h.timers, want)
	}
	a.Fire(h.timers[0].e)
	a.Fire(h.timers[1].e)
	if a.Probing("t1") || !a.Runs("t1") || !slices.Equal(h.passed, []string{"t1"}) {
		t.Errorf("t1 after its probe passed: probing %v, runs %v, reported %q", a.Probing("t1"), a.Runs("t1"), h.passed)
	}
	if a.Runs("t2") || !slices.Equal(h.exits, []string{"t2: " + ReasonUnhealthy}) {
		t.Errorf("t2 after its probes failed: runs %v, reported %q", a.Runs("t2"), h.exits)
	}
}

// A timer of a container that no longer runs does nothing.
func TestStaleTimersAreIgnored(t *testing.T) {
	h := &host{}
	a := New(h)
	a.Start(task("t1", "fail"), state.HealthCheck{Cmd: "true", Interval: time.Second})
	a.Stop("t1")
	for _, tm := range h.timers {
		a.Fire(tm.e)
	}
	if len(h.exits)+len(h.passed) != 0 || a.Dirty {
		t.Errorf("timers of a stopped task reported %q %q", h.exits, h.passed)
	}
}

func TestCrashForgetsEverything(t *testing.T) {
	h := &host{cut: true}
	a := New(h)
	a.Start(task("t1", "fail"), state.HealthCheck{Cmd: "true", Interval: time.Second})
	a.Start(task("t2", "web"), state.HealthCheck{})
	a.Fire(h.timers[0].e)
	a.Crash()
	if a.Running.Len() != 0 || a.Starting.Len() != 0 || len(a.Exits) != 0 {
		t.Errorf("after a crash: runs %d, %d probing, %d exits", a.Running.Len(), a.Starting.Len(), len(a.Exits))
	}
}

// Strays lists, in name order, only the containers that are not the
// node's own: what resync stops after a service is removed.
func TestStraysAreTheTasksNotOwned(t *testing.T) {
	a := New(&host{})
	for _, id := range []string{"t10", "t2", "t9", "t1"} {
		a.Start(task(id, "nginx"), state.HealthCheck{})
	}
	a.Running.Add("t3~1") // a container set apart after a restore
	got := a.Strays([]*state.Task{task("t9", "nginx"), task("t4", "nginx")})
	if want := []string{"t1", "t2", "t10", "t3~1"}; !slices.Equal(got, want) {
		t.Errorf("strays %q, want %q", got, want)
	}
	var all []*state.Task
	for _, id := range []string{"t10", "t2", "t9", "t1", "t3~1"} {
		all = append(all, task(id, "nginx"))
	}
	if got := a.Strays(all); got != nil {
		t.Errorf("strays %q of a node that runs only its own", got)
	}
}
