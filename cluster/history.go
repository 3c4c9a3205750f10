package cluster

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/swarmsim/swarmsim/internal/fault"
)

// The client history is what clients saw (client.go): each call's request,
// when it was sent, and when and how it was answered. Two invariants hold
// it to what Raft promises clients:
//
//   - An acknowledged write is never lost: the entry it was applied at is
//     the entry every manager applies at that index. Checked as entries
//     are applied, whenever clients have called. The one exception is
//     `docker swarm init --force-new-cluster`, which keeps only the
//     survivor's state: the acknowledged writes beyond it are lost by
//     design, and LostWrites lists them.
//   - The history is linearizable: every call can be placed at one instant
//     between when it was sent and when it was answered (or at any time
//     after, for a call whose outcome is unknown) so that every read
//     returns the latest write before it. CheckHistory asks porcupine, as
//     etcd's robustness tests do, with a register per service. A forced new
//     cluster starts a new history from the survivor's state.

// Invariant names.
const (
	InvAckedWritesKept = "acknowledged writes are never lost"
	InvLinearizable    = "client history is linearizable"
)

type history struct {
	calls    []Call
	pending  map[uint64]*inflight // command ID → the call waiting for it
	acked    map[uint64]uint64    // log index → command ID of the acknowledged write applied there
	ackedIDs map[uint64]int       // command ID → index into calls
	applied  map[*manager]uint64  // each manager's last applied entry as the history saw it
	reads    map[uint64]*inflight // read ID → a read waiting for its leader's confirmation
	waiting  []*inflight          // confirmed reads waiting for their leader to apply enough
	nextRead uint64
	epochs   []Epoch
	lost     []LostWrite
	faults   faults
}

// faults are bugs the tests put in on purpose, to show the invariants
// catch them.
type faults struct {
	staleReads  bool // a leader answers reads from its store at once, even deposed
	ackOnAppend bool // a leader acknowledges a write once it is in its own log
}

func (c *Cluster) history() *history {
	if c.hist == nil {
		c.hist = &history{faults: faults{staleReads: fault.Is(fault.StaleReads), ackOnAppend: fault.Is(fault.AckBeforeCommit)}, pending: map[uint64]*inflight{}, acked: map[uint64]uint64{}, ackedIDs: map[uint64]int{}, applied: map[*manager]uint64{}, reads: map[uint64]*inflight{}}
	}
	return c.hist
}

func (h *history) ackedCall(id uint64) Call { return h.calls[h.ackedIDs[id]] }

// clientRestored notes that m's state was replaced by a snapshot taken at
// index: the entries up to it will not be applied one by one.
func (m *manager) clientRestored(index uint64) {
	c := m.c
	if c.hist != nil {
		c.hist.applied[m] = index
	}
}

// Epoch is a force-new-cluster: the history after it starts again from
// the survivor's state.
type Epoch struct {
	At       time.Duration
	Survivor string
	Entry    uint64         // the survivor's last applied entry: what the new cluster keeps
	Replicas map[string]int // each replicated service's replicas in that state
}

// LostWrite is an acknowledged write a force-new-cluster discarded.
type LostWrite struct {
	Call
	By Epoch
}

func (w LostWrite) String() string {
	return fmt.Sprintf("%s (client %d, acknowledged at %s as entry %d), lost when %s forced a new cluster at %s keeping entries up to %d",
		w.Request, w.Client, FormatTime(w.Returned), w.Entry, w.By.Survivor, FormatTime(w.By.At), w.By.Entry)
}

// forcedNewCluster notes that survivor forced a new cluster: acknowledged
// writes beyond its state are lost, and a new history begins.
func (h *history) forcedNewCluster(c *Cluster, survivor string) {
	n, ok := c.node(survivor)
	if h == nil || !ok || n.mgr == nil {
		return
	}
	s := n.mgr.store()
	ep := Epoch{At: c.now, Survivor: survivor, Entry: s.Index, Replicas: map[string]int{}}
	for name, spec := range s.Services {
		if spec.Mode == ModeReplicated {
			ep.Replicas[name] = spec.Replicas
		}
	}
	for _, idx := range slices.Sorted(maps.Keys(h.acked)) {
		if idx > s.Index {
			id := h.acked[idx]
			h.lost = append(h.lost, LostWrite{Call: h.ackedCall(id), By: ep})
			delete(h.acked, idx)
		}
	}
	h.epochs = append(h.epochs, ep)
}

// History is a copy of the client history so far.
type History struct {
	Calls  []Call
	Epochs []Epoch
	// LostWrites are the acknowledged writes force-new-clusters discarded,
	// in the order of their entries.
	LostWrites []LostWrite
}

// History returns the client history so far.
func (c *Cluster) History() History {
	if c.hist == nil {
		return History{}
	}
	return History{Calls: slices.Clone(c.hist.calls), Epochs: slices.Clone(c.hist.epochs), LostWrites: slices.Clone(c.hist.lost)}
}

// Operations counts the calls that say something about the state: the
// acknowledged ones and writes of unknown outcome.
func (h History) Operations() int {
	n := 0
	for _, call := range h.Calls {
		if call.Outcome == CallOK || (call.Outcome == CallUnknown && call.Op == OpScale) {
			n++
		}
	}
	return n
}

// CheckHistory checks the client history for linearizability. It returns
// nil, or a *Violation of InvLinearizable naming the service and the
// cluster epoch whose history porcupine could not linearize.
func (c *Cluster) CheckHistory() error {
	h := c.History()
	for _, p := range h.partitions() {
		if !porcupine.CheckOperations(p.model, p.ops) {
			return &Violation{Invariant: InvLinearizable, At: c.now, Step: c.steps, Seed: c.cfg.Seed,
				Detail: fmt.Sprintf("porcupine cannot order the %d reads and writes of %s's replicas%s as one copy would", len(p.ops), p.service, p.since)}
		}
	}
	return nil
}

// VisualizeHistory writes porcupine's visualisation (a web page) of the
// first history CheckHistory finds not linearizable; nothing when all are.
func (c *Cluster) VisualizeHistory(w io.Writer) error {
	h := c.History()
	for _, p := range h.partitions() {
		res, info := porcupine.CheckOperationsVerbose(p.model, p.ops, 0)
		if res != porcupine.Ok {
			if err := porcupine.Visualize(p.model, info, w); err != nil {
				return fmt.Errorf("visualizing the history of %s: %w", p.service, err)
			}
			return nil
		}
	}
	return nil
}

// partition is one register's history in one cluster epoch.
type partition struct {
	service string
	since   string // "" for the first epoch, else which force-new-cluster began it
	model   porcupine.Model
	ops     []porcupine.Operation
}

// unknownValue is the state of a register nothing has been learnt of: the
// first epoch begins with the service already created, and its first read
// tells what it held.
const unknownValue = -1

// never is when a call of unknown outcome returned: it may take effect at
// any time after it was sent.
const never = math.MaxInt64

type regInput struct {
	write bool
	value int
}

func (h History) partitions() []partition {
	var out []partition
	for epoch := 0; epoch <= len(h.Epochs); epoch++ {
		byService := map[string][]porcupine.Operation{}
		for _, call := range h.Calls {
			if call.Epoch != epoch {
				continue
			}
			op := porcupine.Operation{ClientId: call.Client, Call: int64(call.Invoked), Return: int64(call.Returned)}
			switch {
			case call.Outcome == CallOK && call.Op == OpInspect:
				op.Input, op.Output = regInput{}, call.Value
			case call.Outcome == CallOK:
				op.Input = regInput{write: true, value: call.Replicas}
			case call.Outcome == CallUnknown && call.Op == OpScale:
				op.Input, op.Return = regInput{write: true, value: call.Replicas}, never
			default:
				continue // failed, or a read that never answered: it says nothing
			}
			if epoch < len(h.Epochs) && op.Return != never && op.Return > int64(h.Epochs[epoch].At) {
				op.Return = never // answered across a force-new-cluster: cannot happen, but would prove nothing
			}
			byService[call.Service] = append(byService[call.Service], op)
		}
		for _, service := range slices.Sorted(maps.Keys(byService)) {
			init, since := unknownValue, ""
			if epoch > 0 {
				ep := h.Epochs[epoch-1]
				if v, ok := ep.Replicas[service]; ok {
					init = v
				}
				since = fmt.Sprintf(" since %s forced a new cluster at %s", ep.Survivor, FormatTime(ep.At))
			}
			out = append(out, partition{service: service, since: since, model: registerModel(service, init), ops: byService[service]})
		}
	}
	return out
}

// registerModel is a service's replicas as one copy would hold them.
func registerModel(service string, init int) porcupine.Model {
	return porcupine.Model{
		Init: func() any { return init },
		Step: func(state, input, output any) (bool, any) {
			in := input.(regInput)
			if in.write {
				return true, in.value
			}
			read := output.(int)
			return state.(int) == unknownValue || state.(int) == read, read
		},
		DescribeOperation: func(input, output any) string {
			in := input.(regInput)
			if in.write {
				return fmt.Sprintf("scale %s=%d", service, in.value)
			}
			return fmt.Sprintf("inspect %s → %d", service, output.(int))
		},
		DescribeState: func(state any) string {
			if state.(int) == unknownValue {
				return service + "=?"
			}
			return fmt.Sprintf("%s=%d", service, state.(int))
		},
	}
}
