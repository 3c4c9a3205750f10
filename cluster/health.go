package cluster

import (
	"strings"
	"time"
)

// Health checks run on the nodes, as Docker's engine runs them: a task
// whose service has a health check starts as "starting" and becomes
// "running" only when a probe passes, the first one Interval after the
// container started. Until then it does not count as running, and a
// rolling update waits for it.
//
// An image whose name starts with UnhealthyImagePrefix never passes: after
// Retries failed probes past the start period the engine stops the
// container, and the task fails with Docker's "unhealthy container" error,
// for its restart policy and a rolling update's failure action to handle.
// Without a health check there is no health to fail, and such an image
// runs like any other.

// UnhealthyImagePrefix starts the names of images whose health check never
// passes (`docker service create --health-cmd … unhealthy/web:2`).
const UnhealthyImagePrefix = "unhealthy"

// reasonUnhealthy is how Docker reports a task its health check killed.
const reasonUnhealthy = "task: non-zero exit (137): dockerexec: unhealthy container"

// unhealthyAfter is when a container that fails every probe is declared
// unhealthy: probes run every Interval, failures within the start period
// do not count, and Retries failures in a row after it do.
func unhealthyAfter(h HealthCheck) time.Duration {
	inStart := int(h.StartPeriod / h.Interval)
	return time.Duration(inStart+h.Retries) * h.Interval
}

// startHealth begins a started container's health checks.
func (n *node) startHealth(t *Task, h HealthCheck) {
	c := n.c
	n.starting[t.ID] = true
	e := timed{at: c.now + h.Interval, kind: evHealthy, node: c.byName[n.name], epoch: n.epoch, task: t.ID}
	if strings.HasPrefix(t.Image, UnhealthyImagePrefix) {
		e.at, e.kind = c.now+unhealthyAfter(h), evUnhealthy
	}
	c.q.push(e)
}

// healthy is a container's first passing probe. Its node tells the leader
// at once if it can reach it, or when its next session starts.
func (n *node) healthy(task string) {
	c := n.c
	if !n.running[task] || !n.starting[task] {
		return
	}
	delete(n.starting, task)
	if m := c.leaderManager(); m != nil && m.lead != nil && c.linked(m.node, n) {
		m.lead.d.Passed(task)
		return
	}
	n.dirty = true
}

// unhealthy is a container's last failing probe: the engine stops it.
func (n *node) unhealthy(task string) {
	if !n.starting[task] {
		return
	}
	delete(n.starting, task)
	n.stopped(task, exit{reasonUnhealthy, false})
}
