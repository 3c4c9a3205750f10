package cluster

import (
	"strings"
	"time"
)

// Health checks run on the nodes, as Docker's engine runs them: a task
// whose service has a health check starts as "starting" and becomes
// "running" only when a probe passes, the first one StartInterval after
// the container started when it has a start period, Interval otherwise. Until then it does not count as running, and a
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

// probeAfter is the wait before the next probe, elapsed after the
// container started, as moby's daemon/health.go monitor picks it: every
// start interval while the start period lasts (and no probe has passed),
// every interval after it.
func probeAfter(h HealthCheck, elapsed time.Duration) time.Duration {
	if elapsed >= h.StartPeriod {
		if h.Interval <= 0 { // a spec not yet given its defaults
			return DefaultHealthInterval
		}
		return h.Interval
	}
	if h.StartInterval > 0 {
		return h.StartInterval
	}
	return DefaultHealthStartInterval
}

// unhealthyAfter is when a container that fails every probe is declared
// unhealthy: failures within the start period do not count, and Retries
// failures in a row after it do.
func unhealthyAfter(h HealthCheck) time.Duration {
	var at time.Duration
	for failed := 0; failed < h.Retries; {
		at += probeAfter(h, at)
		if at >= h.StartPeriod {
			failed++
		}
	}
	return at
}

// startHealth begins a started container's health checks.
func (c *Cluster) startHealth(n *node, t *Task, h HealthCheck) {
	n.starting[t.ID] = true
	e := timed{at: c.now + probeAfter(h, 0), kind: evHealthy, node: c.byName[n.name], epoch: n.epoch, task: t.ID}
	if strings.HasPrefix(t.Image, UnhealthyImagePrefix) {
		e.at, e.kind = c.now+unhealthyAfter(h), evUnhealthy
	}
	c.q.push(e)
}

// healthy is a container's first passing probe. Its node tells the leader
// at once if it can reach it, or when its next session starts.
func (c *Cluster) healthy(n *node, task string) {
	if !n.running[task] || !n.starting[task] {
		return
	}
	delete(n.starting, task)
	if m := c.leaderManager(); m != nil && m.lead != nil && c.linked(m.node, n) {
		m.lead.passed.add(task)
		m.lead.wake()
		return
	}
	n.dirty = true
}

// unhealthy is a container's last failing probe: the engine stops it.
func (c *Cluster) unhealthy(n *node, task string) {
	if !n.starting[task] {
		return
	}
	delete(n.starting, task)
	c.stopped(n, task, exit{reasonUnhealthy, false})
}

// healthOf is the health check a task was made with: its service's spec,
// or the previous spec when a rollback made the task's spec the previous
// one meanwhile.
func (l *leader) healthOf(t *Task) HealthCheck {
	spec := l.s.Services[t.Service]
	if spec == nil {
		return HealthCheck{}
	}
	if prev := l.s.Previous[t.Service]; prev != nil && l.hashOf(spec) != t.Hash && prev.taskHash() == t.Hash {
		return prev.Health
	}
	return spec.Health
}
