package cluster

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/raft"
)

// Clients are users and scripts running the Docker CLI against the swarm
// while it runs: unlike Apply, which waits for a command to finish, Send
// hands a request to a manager and goes on, and the answer comes back
// through a callback when the swarm gives it. Many calls can be in flight
// at once, which is what a history of concurrent operations needs.
//
// A request follows Docker's path. The client's CLI talks to one manager;
// a manager that does not lead forwards the request to the leader it knows
// of; the leader reads its store and proposes the change to Raft, then
// answers once it has applied the entry. A read reaches the leader the same
// way and is answered from the leader's store, as Docker answers it, but
// only after Raft's ReadIndex has confirmed with a quorum that this manager
// still leads and the store has caught up with what was committed when the
// read arrived: so the answer reflects every write acknowledged before the
// read was sent, and a leader deposed behind its back, which could answer
// with a stale value, never gets to answer at all.
//
// Every call ends in one of three ways. Refused before anything was
// proposed (no leader, a manager that is down, a stale spec): CallFailed,
// and nothing happened. Answered: CallOK. Proposed and then not answered
// within the timeout (the leader lost its quorum or died): CallUnknown,
// since the entry may still commit, as a Docker user seeing "context
// deadline exceeded" cannot know either.

// Op is what a client asks.
type Op uint8

const (
	// OpScale is `docker service scale NAME=N`: a write.
	OpScale Op = iota + 1
	// OpInspect is `docker service inspect NAME`, reading the replicas.
	OpInspect
)

// Request is one client call.
type Request struct {
	Client   int    // who calls; a client makes one call at a time
	Manager  string // the manager the client's Docker CLI talks to
	Op       Op
	Service  string
	Replicas int           // OpScale: the new count
	Timeout  time.Duration // how long the client waits; 0 means RequestTimeout
}

func (r Request) String() string {
	if r.Op == OpScale {
		return fmt.Sprintf("docker service scale %s=%d", r.Service, r.Replicas)
	}
	return "docker service inspect " + r.Service
}

// Outcome is how a call ended.
type Outcome uint8

const (
	CallPending Outcome = iota // not answered yet
	CallOK                     // the write committed, or the read was answered
	CallFailed                 // refused before it could take effect
	CallUnknown                // timed out after it was proposed: it may take effect or not
)

func (o Outcome) String() string {
	switch o {
	case CallOK:
		return "ok"
	case CallFailed:
		return "failed"
	case CallUnknown:
		return "unknown"
	}
	return "pending"
}

// Call is a request and what came of it: one operation of the history.
type Call struct {
	Request
	ID       int // calls are numbered from 1 in the order they were sent
	Invoked  time.Duration
	Returned time.Duration // when the answer came, or when the client gave up
	Outcome  Outcome
	Err      error  // why a call failed or is unknown
	Value    int    // OpInspect: the replicas read
	Entry    uint64 // an acknowledged write: the log index it was applied at
	// Epoch counts the force-new-clusters before the call was sent: each
	// starts a new cluster whose history is checked on its own.
	Epoch int
}

func (c Call) String() string {
	s := fmt.Sprintf("%s client %d → %s: %s", FormatTime(c.Invoked), c.Client, c.Manager, c.Request)
	switch {
	case c.Outcome == CallOK && c.Op == OpInspect:
		return fmt.Sprintf("%s → %d replicas at %s", s, c.Value, FormatTime(c.Returned))
	case c.Outcome == CallOK:
		return fmt.Sprintf("%s → ok at %s (entry %d)", s, FormatTime(c.Returned), c.Entry)
	case c.Outcome == CallPending:
		return s + " → pending"
	}
	return fmt.Sprintf("%s → %s at %s: %v", s, c.Outcome, FormatTime(c.Returned), c.Err)
}

// Errors a client meets before its request reaches a leader.
var (
	ErrManagerDown = errors.New("Cannot connect to the Docker daemon: the manager is down")
	ErrNotManager  = errors.New("Error response from daemon: This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.")
	errNoService   = "Error: No such service: %s"
)

// inflight is a call handed to Raft: a write waiting for its entry, or a
// read waiting for the leader to confirm it still leads.
type inflight struct {
	call     int      // index into history.calls
	proposer *manager // the leader that took it answers it
	epoch    uint32   // the proposer's node epoch: a restarted node forgot the call
	term     uint64   // the proposer's term: a leader that lost it gave up the call
	index    uint64   // a confirmed read: the entry the proposer must apply first
	done     func(Call)
}

// After runs fn once d of simulated time has passed, inside the event loop.
// fn may Send, but must not Apply: Apply runs the loop itself.
func (c *Cluster) After(d time.Duration, fn func()) {
	c.q.push(timed{at: c.now + d, kind: evTimer, fn: fn})
}

// Send hands a client's request to a manager and returns at once; done is
// called with the finished call when the swarm answers or the client gives
// up, possibly before Send returns. done runs inside the event loop, maybe
// while a manager is applying an entry: it may Send or schedule work with
// After, and must change nothing else.
func (c *Cluster) Send(r Request, done func(Call)) {
	h := c.history()
	if r.Timeout <= 0 {
		r.Timeout = RequestTimeout
	}
	h.calls = append(h.calls, Call{Request: r, ID: len(h.calls) + 1, Invoked: c.now, Epoch: len(h.epochs)})
	i := len(h.calls) - 1
	lead, err := c.route(r.Manager)
	if err != nil {
		c.hist.finish(c.now, i, CallFailed, err, done)
		return
	}
	s := lead.store()
	spec := s.Services[r.Service]
	if spec == nil {
		c.hist.finish(c.now, i, CallFailed, fmt.Errorf(errNoService, r.Service), done)
		return
	}
	if r.Op == OpInspect && h.faults.staleReads {
		h.calls[i].Value = spec.Replicas
		c.hist.finish(c.now, i, CallOK, nil, done)
		return
	}
	f := &inflight{call: i, proposer: lead, epoch: lead.node.epoch, term: lead.last.Term, done: done}
	if r.Op == OpInspect {
		// The leader confirms it still leads (Raft's ReadIndex) and answers
		// from its store once it has applied everything committed before.
		h.nextRead++
		id := h.nextRead
		if err := lead.member.ReadIndex(binary.AppendUvarint(nil, id)); err != nil {
			c.hist.finish(c.now, i, CallFailed, ErrNoLeader, done)
			return
		}
		h.reads[id] = f
		c.After(r.Timeout, func() {
			if h.reads[id] == f {
				delete(h.reads, id)
				c.hist.finish(c.now, i, CallUnknown, ErrDeadline, done)
			}
		})
		lead.process()
		return
	}
	if spec.Mode != ModeReplicated {
		c.hist.finish(c.now, i, CallFailed, fmt.Errorf("%s: scale can only be used with replicated or replicated-job mode", r.Service), done)
		return
	}
	next := spec.Clone()
	next.Replicas = r.Replicas
	c.nextCmd++
	cmd := &state.Command{ID: c.nextCmd, Actions: []state.Action{&state.UpdateService{Spec: next, At: c.now.Milliseconds(), Revision: s.Revisions[r.Service]}}}
	if err := lead.member.Propose(cmd.Encode()); err != nil {
		c.hist.finish(c.now, i, CallFailed, ErrNoLeader, done)
		return
	}
	h.pending[cmd.ID] = f
	c.After(r.Timeout, func() {
		if h.pending[cmd.ID] == f {
			delete(h.pending, cmd.ID)
			c.hist.finish(c.now, i, CallUnknown, ErrDeadline, done)
		}
	})
	lead.process()
	if r.Op == OpScale && h.faults.ackOnAppend && h.pending[cmd.ID] == f {
		delete(h.pending, cmd.ID)
		h.calls[i].Entry = lead.member.LastIndex()
		h.acked[h.calls[i].Entry] = cmd.ID
		h.ackedIDs[cmd.ID] = i
		c.hist.finish(c.now, i, CallOK, nil, done)
	}
}

// route finds the leader a request sent to manager reaches: the manager
// itself, or the leader it knows of and can reach.
func (c *Cluster) route(manager string) (*manager, error) {
	n, ok := c.node(manager)
	switch {
	case !ok:
		return nil, fmt.Errorf("there is no node named %q; the nodes are %s", manager, c.nodeRange())
	case !n.alive:
		return nil, ErrManagerDown
	case n.mgr == nil:
		return nil, ErrNotManager
	}
	lead := n.mgr
	if id := lead.last.Lead; id != lead.raftID {
		i, ok := c.byRaft.at(id)
		if id == 0 || !ok || !c.linked(n, c.nodes[i]) || c.nodes[i].mgr == nil {
			return nil, ErrNoLeader
		}
		lead = c.nodes[i].mgr
	}
	if lead.last.State != raft.Leader {
		return nil, ErrNoLeader
	}
	return lead, nil
}

// finish ends call i.
func (h *history) finish(now time.Duration, i int, o Outcome, err error, done func(Call)) {
	call := &h.calls[i]
	call.Outcome, call.Err, call.Returned = o, err, now
	if done != nil {
		done(*call)
	}
}

// clientApplied answers the call whose entry m just applied, if m proposed
// it, and holds acknowledged writes to their log index.
func (m *manager) clientApplied(e raft.Entry, cmd *state.Command, refused error) {
	c := m.c
	h := c.hist
	if h == nil {
		return
	}
	// Raft hands out every entry but a new leader's empty one, so an index
	// skipped since m's last entry held an empty entry on m: an
	// acknowledged write there was overwritten.
	prev, seen := h.applied[m]
	if !seen {
		prev = e.Index - 1
	}
	h.applied[m] = e.Index
	for i := prev + 1; i <= e.Index && len(h.acked) > 0; i++ {
		if id, ok := h.acked[i]; ok && (i < e.Index || cmd == nil || cmd.ID != id) {
			call := h.ackedCall(id)
			c.violate(InvAckedWritesKept, "%s applied another entry at index %d, where the write acknowledged to client %d at %s (%s) was",
				m.node.name, i, call.Client, FormatTime(call.Returned), call.Request)
			return
		}
	}
	if len(h.waiting) > 0 {
		m.answerReads()
	}
	if cmd == nil {
		return
	}
	f := h.pending[cmd.ID]
	// A leader that lost its leadership has already told its client so
	// (swarmkit cancels the wait): the entry may commit after all, but the
	// client learns nothing more and gives up at its deadline.
	if f == nil || f.proposer != m || f.epoch != m.node.epoch || m.lead == nil || m.last.Term != f.term {
		return
	}
	delete(h.pending, cmd.ID)
	call := &h.calls[f.call]
	switch {
	case refused != nil:
		c.hist.finish(c.now, f.call, CallFailed, refused, f.done)
	case call.Op == OpScale:
		call.Entry = e.Index
		h.acked[e.Index] = cmd.ID
		h.ackedIDs[cmd.ID] = f.call
		c.hist.finish(c.now, f.call, CallOK, nil, f.done)
	}
}

// ReadConfirmed answers a read once m has applied what was committed when
// it was asked: m is the member's App.
func (m *manager) ReadConfirmed(ctx []byte, index uint64) {
	c := m.c
	h := c.hist
	id, n := binary.Uvarint(ctx)
	if h == nil || n <= 0 {
		return
	}
	f := h.reads[id]
	if f == nil || f.proposer != m || f.epoch != m.node.epoch {
		return
	}
	delete(h.reads, id)
	f.index = index
	h.waiting = append(h.waiting, f)
	m.answerReads()
}

// answerReads answers the confirmed reads m has applied far enough for.
func (m *manager) answerReads() {
	c := m.c
	h := c.hist
	applied := m.member.Status().Applied
	keep := h.waiting[:0]
	for _, f := range h.waiting {
		switch {
		case f.proposer != m:
			keep = append(keep, f)
		case f.epoch != m.node.epoch || h.calls[f.call].Outcome != CallPending:
			// forgotten by a restart, or the client gave up
		case applied >= f.index:
			call := &h.calls[f.call]
			if spec := m.store().Services[call.Service]; spec == nil {
				c.hist.finish(c.now, f.call, CallFailed, fmt.Errorf(errNoService, call.Service), f.done)
			} else {
				call.Value = spec.Replicas
				c.hist.finish(c.now, f.call, CallOK, nil, f.done)
			}
		default:
			keep = append(keep, f)
		}
	}
	h.waiting = keep
}

// Leader names the manager that leads now and its term; "" and 0 when no
// manager leads. Unlike Snapshot it costs nothing.
func (c *Cluster) Leader() (string, uint64) { return c.leader, c.leaderTerm }

// Machine is one node as the simulation runs it.
type Machine struct {
	Name, Zone string
	Alive      bool
	Manager    bool // it runs manager software
	// Locked: the machine runs but its manager waits for the unlock key
	// (autolock); Snapshot's NodeView counts it alive.
	Locked bool
}

// Machines lists every node the simulation runs, in the order they were
// added: managers and workers of the layout, then nodes that joined.
func (c *Cluster) Machines() []Machine {
	out := make([]Machine, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = Machine{Name: n.name, Zone: c.zones[n.zone], Alive: n.alive, Manager: n.mgr != nil, Locked: n.locked}
	}
	return out
}
