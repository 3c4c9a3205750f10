package cluster

// Heartbeats of a steady swarm cost nothing. A node whose session with
// the leader is current, that the store counts ready and that has nothing
// new to say sends a heartbeat every HeartbeatPeriod that changes nothing
// but when it was last heard; 4,700 workers send 3.4 million of them a
// simulated hour. Such a node settles (dispatcher.Settle): its heartbeat
// event is not queued again, and the dispatcher counts one heard every
// period until the node wakes. Before anything that could make a
// heartbeat count (a node or manager dies, restarts, locks or unlocks, a
// link is cut or healed, another manager leads, the store stops counting
// the node ready) the simulation wakes the settled nodes: the dispatcher
// counts their heartbeats up to now, and each node's next heartbeat is
// queued when it falls due, on the phase it always had. What any run
// shows is unchanged; TestSettledHeartbeatsChangeNothing compares.

// settleHeartbeats is off only in the test that compares runs with and
// without settled heartbeats.
var settleHeartbeats = true

// settle has node i, whose heartbeat is due now, stop queueing heartbeats
// if the leader it reports to takes them as heard from now on.
func (n *node) settle(i int) bool {
	if !settleHeartbeats {
		return false
	}
	m := n.followed()
	if m == nil || n.Dirty || n.left || !m.lead.d.Settle(i) {
		return false
	}
	n.settledOn = m.lead.d
	n.c.settled = append(n.c.settled, i)
	return true
}

// wake has a settled node deliver its heartbeats again, from the next
// one due.
func (n *node) wake(i int) {
	d := n.settledOn
	if d == nil {
		return
	}
	n.settledOn = nil
	next := d.Wake(i)
	n.c.q.push(timed{at: next, kind: evHeartbeat, node: i, epoch: n.epoch})
}

// wakeAll wakes every settled node: something changed that a heartbeat
// may have to tell.
func (r *roster) wakeAll() {
	for _, i := range r.settled {
		r.nodes[i].wake(i)
	}
	r.settled = r.settled[:0]
}
