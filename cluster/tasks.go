package cluster

import (
	"strings"
	"time"
)

// What runs on the nodes is kept apart from the desired state: a node
// starts a task when the leader's dispatcher hands it over, loses its
// containers when it crashes, and keeps running them while it is cut off.

// Images that rehearse failures. A container of an image whose name starts
// with FailingImagePrefix exits with status 1 a few seconds after it starts
// (`docker service create --name app fail`, or `fail/app:2`): a crash loop,
// restart policies, failed updates. One whose name starts with
// CompletingImagePrefix exits with status 0 after the same time: a job that
// finished, which restart condition on-failure does not restart.
const (
	FailingImagePrefix    = "fail"
	CompletingImagePrefix = "done"
)

// exitAfter is how long such a container runs before it exits.
const exitAfter = 2 * time.Second

// Docker's words for a container that exited.
const (
	reasonExit   = "task: non-zero exit (1)"
	reasonExitOK = "finished" // swarmkit's agent: the task is complete
)

// exit is how a container ended, until its node reports it.
type exit struct {
	reason string
	ok     bool
}

// start runs a task on its node, and returns the state its node reports:
// running, or starting while its health check has yet to pass.
func (c *Cluster) start(n *node, t *Task, h HealthCheck) string {
	n.running[t.ID] = true
	c.gate.touch()
	fails, completes := strings.HasPrefix(t.Image, FailingImagePrefix), strings.HasPrefix(t.Image, CompletingImagePrefix)
	if fails || completes {
		c.q.push(timed{at: c.now + exitAfter, kind: evTaskExit, node: c.byName[n.name], epoch: n.epoch, task: t.ID, exitOK: completes})
	}
	if h.Cmd == "" {
		return TaskRunning
	}
	c.startHealth(n, t, h)
	return TaskStarting
}

// exited ends a container on its node, which reports it to the leader's
// dispatcher at once if it can reach it, or when its next session starts.
func (c *Cluster) exited(n *node, task string, ok bool) {
	e := exit{reasonExit, false}
	if ok {
		e = exit{reasonExitOK, true}
	}
	c.stopped(n, task, e)
}

// stopped ends a container on its node for the reason e gives.
func (c *Cluster) stopped(n *node, task string, e exit) {
	if !n.running[task] {
		return
	}
	delete(n.running, task)
	delete(n.starting, task)
	c.gate.touch()
	if m := c.leaderManager(); m != nil && m.lead != nil && c.linked(m.node, n) {
		m.lead.exited(c.byName[n.name], task, e.reason, e.ok)
		return
	}
	n.exited[task] = e
	n.dirty = true
}
