package chaos

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/fault"
	"github.com/swarmsim/swarmsim/internal/pool"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// Spec is a campaign of random failure schedules, each run under the
// invariant checker while clients call the swarm. Run i's seed is derived
// from Seed and i alone, so a shard, a replay or a merge of shards sees the
// same runs as the whole campaign.
type Spec struct {
	Runs    int
	Seed    uint64
	Layout  az.Layout
	For     time.Duration // simulated time each schedule runs
	Clients int           // clients calling scale and inspect during each run
	Shard   Shard         // the slice of the campaign to run; the zero Shard is all of it
	// Classic draws only the first wave's kinds of action, as schedules
	// did before stacks, autolock and backups joined them: the runs of
	// the corpus replay as they were found.
	Classic bool
	// Fault is the bug injected into every run (package fault), None for
	// none: the campaign shows whether its checkers catch it.
	Fault fault.Fault

	// How the runs are spread: over Cores goroutines of this process, or,
	// with Launch set, over Cores worker processes it starts.
	Cores  int
	Launch func() (Process, error) `json:"-"`
	// Progress, when set, hears how many runs have finished, in run order.
	Progress func(done int) `json:"-"`
}

// DefaultClients is how many clients call the swarm in each chaos run.
const DefaultClients = 3

// MaxClients bounds --clients: every client's calls go into one history
// that porcupine checks, and its search grows fast with concurrency.
const MaxClients = 16

// Shard is the Index-th of Of disjoint slices of a campaign, counted from 1;
// the slices cover every run once, in order.
type Shard struct {
	Index, Of int
}

// Whole reports whether the shard is the whole campaign.
func (s Shard) Whole() bool { return s.Of <= 1 }

// Range is the runs of a campaign of n runs the shard holds: lo to hi-1.
func (s Shard) Range(n int) (lo, hi int) {
	if s.Whole() {
		return 0, n
	}
	return (s.Index - 1) * n / s.Of, s.Index * n / s.Of
}

func (s Shard) String() string {
	if s.Whole() {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Of)
}

// Kind is a kind of injected action.
type Kind int

// The kinds of action a schedule injects.
const (
	KindKill Kind = iota
	KindRestart
	KindZone
	KindPartition
	KindHeal
	KindScale
	KindUpdate
	KindDrain
	KindPromote
	KindDemote
	KindJoin
	KindRm
	KindForceNewCluster
	KindStackDeploy
	KindStackRm
	KindSecret
	KindRollback
	KindConstraint
	KindAutolock
	KindUnlock
	KindRotateKey
	KindBackup
	KindRestore
	NumKinds
)

var kindNames = [NumKinds]string{"kill", "restart", "zone", "partition", "heal", "scale", "update", "drain", "promote", "demote", "join", "rm", "force_new_cluster",
	"stack_deploy", "stack_rm", "secret", "rollback", "constraint", "autolock", "unlock", "rotate_key", "backup", "restore"}

func (k Kind) String() string { return kindNames[k] }

// Run is what one schedule did.
type Run struct {
	Index    int    // the run's place in the campaign
	Seed     uint64 // replays the run with Replay
	Injected [NumKinds]int
	// Violation is the first broken invariant, nil when every one held.
	Violation *Finding
	// Err says why the run could not go on: the simulation itself failed.
	// It is not a verdict on Raft or Swarm.
	Err        string
	LostQuorum bool // there was a moment without a leader
	Leaderless time.Duration
	Pending    int // tasks pending at the end
	// Operations counts the calls of the client history porcupine checked.
	Operations int
	// LostWrites are the acknowledged writes force-new-clusters discarded.
	LostWrites []LostWrite
	// Visualization is porcupine's page about a history it could not
	// linearize.
	Visualization []byte

	// Only Replay keeps these.
	Actions []string        `json:"-"` // each injected action with its time
	Events  []cluster.Event `json:"-"` // the timeline
	Calls   []cluster.Call  `json:"-"` // the client history
}

// Finding is a broken invariant.
type Finding struct {
	Invariant string
	Detail    string // the checker's sentence, with the time and step
}

// LostWrite is an acknowledged write that a force-new-cluster discarded.
type LostWrite struct {
	Client   int
	Write    string        // the command, like "docker service scale web=4"
	Entry    uint64        // the log index it was acknowledged at
	AckedAt  time.Duration // when the client heard it was done
	Survivor string        // the manager that forced a new cluster
	At       time.Duration // when
	Kept     uint64        // the last entry the survivor's state held
}

func (w LostWrite) String() string {
	return fmt.Sprintf("%s (client %d, acknowledged at %s as entry %d), lost when %s forced a new cluster at %s keeping entries up to %d",
		w.Write, w.Client, cluster.FormatTime(w.AckedAt), w.Entry, w.Survivor, cluster.FormatTime(w.At), w.Kept)
}

// Process is a worker process running Serve: writes go to its stdin,
// reads come from its stdout, Close ends its input and waits for it.
type Process interface {
	Write(p []byte) (int, error)
	Read(p []byte) (int, error)
	Close() error
}

// RunSeed derives run i's seed from the batch's seed.
func RunSeed(seed uint64, i int) uint64 {
	return rand.New(rand.NewPCG(seed, uint64(i))).Uint64()
}

// Campaign runs the runs of spec's shard and hands each to each, in run order.
// An error means the campaign could not run (a worker process failed); runs
// that fail are in their Run.
func Campaign(spec Spec, each func(Run)) error {
	lo, hi := spec.Shard.Range(spec.Runs)
	// Workers in this process see the fault; worker processes set it from
	// the campaign they are handed.
	fault.Set(spec.Fault)
	defer fault.Set(fault.None)
	order := pool.NewInOrder(lo, func(_ int, r Run) {
		each(r)
		if spec.Progress != nil {
			spec.Progress(r.Index - lo + 1)
		}
	})
	if spec.Launch == nil {
		pool.ForEach(hi-lo, spec.Cores, func(i int) {
			order.Deliver(lo+i, chaosRun(spec, lo+i, RunSeed(spec.Seed, lo+i), false))
		})
		return nil
	}
	return chaosInProcesses(spec, lo, hi, order.Deliver)
}

// Replay runs the schedule with this run seed again, keeping its actions,
// timeline and client history.
func Replay(spec Spec, seed uint64) Run {
	fault.Set(spec.Fault)
	defer fault.Set(fault.None)
	return chaosRun(spec, 0, seed, true)
}

// Warm-up before the schedule starts: the swarm forms, web is created, its
// tasks start.
const (
	formTime   = time.Second
	settleTime = 2 * time.Second
)

func chaosRun(spec Spec, index int, seed uint64, keep bool) (res Run) {
	res = Run{Index: index, Seed: seed}
	defer func() {
		// A panic is a bug in the simulation: report it with the run's seed
		// instead of losing the rest of the campaign.
		if p := recover(); p != nil {
			res.Err = fmt.Sprintf("the simulation panicked: %v", p)
			if keep {
				res.Err += "\n" + string(debug.Stack())
			}
		}
	}()
	c, err := cluster.New(cluster.Config{Seed: seed, Layout: spec.Layout, Check: true})
	if err != nil {
		res.Err = err.Error()
		return res
	}
	s := schedule{c: c, r: rand.New(rand.NewPCG(seed, 0x63686f73)), rc: rand.New(rand.NewPCG(seed, 0x636c6e74)), res: &res, keep: keep, classic: spec.Classic}
	if err := s.run(spec); err != nil {
		var v *cluster.Violation
		if errors.As(err, &v) {
			res.Violation = &Finding{Invariant: v.Invariant, Detail: v.Error()}
		} else {
			res.Err = err.Error()
		}
	}
	h := c.History()
	for _, w := range h.LostWrites {
		res.LostWrites = append(res.LostWrites, LostWrite{Client: w.Client, Write: w.Request.String(), Entry: w.Entry, AckedAt: w.Returned,
			Survivor: w.By.Survivor, At: w.By.At, Kept: w.By.Entry})
	}
	if res.Violation == nil && res.Err == "" {
		res.Operations = h.Operations()
		var v *cluster.Violation
		switch err := c.CheckHistory(); {
		case errors.As(err, &v):
			res.Violation = &Finding{Invariant: v.Invariant, Detail: v.Error()}
			var page bytes.Buffer
			if err := c.VisualizeHistory(&page); err != nil {
				res.Err = err.Error()
			}
			res.Visualization = page.Bytes()
		case err != nil:
			res.Err = err.Error()
		}
		res.Pending = c.PendingTasks()
	}
	if keep {
		res.Events, res.Calls = c.Events(), h.Calls
	}
	return res
}

// schedule is one run's random actions and clients.
type schedule struct {
	c        *cluster.Cluster
	r        *rand.Rand // the actions
	rc       *rand.Rand // the clients
	res      *Run
	keep     bool
	promoted string      // the node last promoted or joined as a manager
	classic  bool        // draw the first wave's kinds only
	backups  int         // backups taken, which names the next
	backedUp [][2]string // each backup's name and manager
}

func (s *schedule) run(spec Spec) error {
	c, r, res := s.c, s.r, s.res
	if err := c.RunFor(formTime); err != nil {
		return err
	}
	if err := c.Apply(cluster.CreateService(scenario.Replicated("web", 2+r.IntN(6)).Spec())); err != nil {
		return err
	}
	if err := c.RunFor(settleTime); err != nil {
		return err
	}
	for client := 1; client <= spec.Clients; client++ {
		s.call(client)
	}
	end := c.Now() + spec.For
	var noLeaderSince time.Duration = -1
	for c.Now() < end {
		in := s.next()
		res.Injected[in.kind]++
		if s.keep {
			res.Actions = append(res.Actions, fmt.Sprintf("%s %s", cluster.FormatTime(c.Now()), in.what))
		}
		// A refusal (no leader, a deadline) is part of the chaos; a broken
		// invariant ends the run.
		var v *cluster.Violation
		if err := in.do(); errors.As(err, &v) {
			return err
		}
		step := min(time.Duration(2+r.IntN(20))*time.Second, end-c.Now())
		for t := time.Duration(0); t < step; t += time.Second {
			if err := c.RunFor(min(time.Second, step-t)); err != nil {
				return err
			}
			if lead, _ := c.Leader(); lead == "" {
				res.LostQuorum = true
				if noLeaderSince < 0 {
					noLeaderSince = c.Now()
				}
			} else if noLeaderSince >= 0 {
				res.Leaderless += c.Now() - noLeaderSince
				noLeaderSince = -1
			}
		}
	}
	if noLeaderSince >= 0 {
		res.Leaderless += c.Now() - noLeaderSince
	}
	return nil
}

// call starts a client's next call after a pause, and the one after that
// when it is answered: each client has one call in flight at a time, to a
// manager it picks at random, as a script looping over `docker` commands
// against a list of managers would.
func (s *schedule) call(client int) {
	s.c.After(thinkMin+time.Duration(s.rc.Int64N(int64(thinkSpread))), func() {
		managers := s.machines(func(m cluster.Machine) bool { return m.Manager })
		if len(managers) == 0 {
			return
		}
		req := cluster.Request{Client: client, Manager: managers[s.rc.IntN(len(managers))], Op: cluster.OpInspect, Service: "web"}
		if s.rc.IntN(writeOdds) == 0 {
			req.Op, req.Replicas = cluster.OpScale, s.rc.IntN(8)
		}
		s.c.Send(req, func(cluster.Call) { s.call(client) })
	})
}

// A client pauses between thinkMin and thinkMin+thinkSpread between calls,
// and one call in writeOdds is a write.
var (
	thinkMin    = 3 * time.Second
	thinkSpread = 7 * time.Second
	writeOdds   = 4
)

// machines names the nodes that pass keep, in the simulation's order.
func (s *schedule) machines(keep func(cluster.Machine) bool) []string {
	var out []string
	for _, m := range s.c.Machines() {
		if keep(m) {
			out = append(out, m.Name)
		}
	}
	return out
}

func (s *schedule) pick(names []string) string { return names[s.r.IntN(len(names))] }

func everyMachine(cluster.Machine) bool { return true }

// injection is one action of a schedule: what it is, and doing it.
type injection struct {
	kind Kind
	what string
	do   func() error
}

// act is an injection of a Docker command or a failure.
func (s *schedule) act(kind Kind, a cluster.Action) injection {
	return injection{kind, a.String(), func() error { return s.c.Apply(a) }}
}

// nothing is an injection that found nothing to act on; it still counts.
func nothing(kind Kind, why string) injection {
	return injection{kind, why, func() error { return nil }}
}

// next draws the next action. Without a leader an operator may force a new
// cluster on a survivor; at other times that would split the swarm, so it
// is drawn only then.
func (s *schedule) next() injection {
	c, r := s.c, s.r
	zones := c.Zones()
	all := s.machines(everyMachine)
	managers := s.machines(func(m cluster.Machine) bool { return m.Manager })
	if lead, _ := c.Leader(); lead == "" && r.IntN(3) == 0 {
		target := s.promoted
		if target == "" || r.IntN(2) == 0 {
			alive := s.machines(func(m cluster.Machine) bool { return m.Manager && m.Alive })
			if len(alive) == 0 {
				return nothing(KindForceNewCluster, "no manager survives to force a new cluster")
			}
			target = s.pick(alive)
		}
		return s.act(KindForceNewCluster, cluster.ForceNewCluster(target))
	}
	draws := 20
	if !s.classic {
		draws = 34 // the first wave's 20, and the second wave's 14
	}
	n := r.IntN(draws)
	if n >= 20 {
		return s.feature(n - 20)
	}
	switch {
	case n < 3:
		return s.act(KindKill, cluster.Kill(s.pick(all)))
	case n < 6:
		if r.IntN(3) == 0 {
			return s.act(KindRestart, cluster.RestartZone(s.pick(zones)))
		}
		return s.act(KindRestart, cluster.Restart(s.pick(all)))
	case n < 7:
		return s.act(KindZone, cluster.KillZone(s.pick(zones)))
	case n < 9:
		if len(zones) < 2 {
			return nothing(KindPartition, "one zone: nothing to partition")
		}
		// A random non-empty proper subset of the zones on one side.
		var side, rest []string
		for len(side) == 0 || len(rest) == 0 {
			side, rest = nil, nil
			for _, z := range zones {
				if r.IntN(2) == 0 {
					side = append(side, z)
				} else {
					rest = append(rest, z)
				}
			}
		}
		return s.act(KindPartition, cluster.Partition(az.Partition{Sides: [2][]string{side, rest}}))
	case n < 11:
		return s.act(KindHeal, cluster.Heal())
	case n < 12:
		if len(managers) == 0 {
			return nothing(KindScale, "no manager to scale through")
		}
		// The operator's scale is one more client call, in the history.
		req := cluster.Request{Client: 0, Manager: s.pick(managers), Op: cluster.OpScale, Service: "web", Replicas: r.IntN(8)}
		return injection{KindScale, req.String() + " on " + req.Manager, func() error { c.Send(req, nil); return nil }}
	case n < 13:
		image := fmt.Sprintf("nginx:1.%d", r.IntN(100))
		if r.IntN(3) == 0 {
			image = fmt.Sprintf("%s/web:%d", cluster.FailingImagePrefix, r.IntN(100))
		}
		a := cluster.UpdateService("web", func(spec *cluster.ServiceSpec) { spec.Image = image })
		return injection{KindUpdate, a.String() + " --image " + image, func() error { return c.Apply(a) }}
	case n < 14:
		availability := cluster.Drain
		if r.IntN(3) == 0 {
			availability = cluster.Active
		}
		a := cluster.UpdateNode(s.pick(all), cluster.NodeChange{Availability: availability})
		return injection{KindDrain, a.String() + " --availability " + availability, func() error { return c.Apply(a) }}
	case n < 16:
		workers := s.machines(func(m cluster.Machine) bool { return !m.Manager })
		if len(workers) == 0 {
			workers = all
		}
		s.promoted = s.pick(workers)
		return s.act(KindPromote, cluster.Promote(s.promoted))
	case n < 18:
		target, _ := c.Leader()
		if target == "" || r.IntN(3) > 0 {
			target = s.pick(all)
		}
		return s.act(KindDemote, cluster.Demote(target))
	case n < 19:
		role := cluster.RoleWorker
		if r.IntN(3) == 0 {
			role, s.promoted = cluster.RoleManager, s.nextName("m")
		}
		return s.act(KindJoin, cluster.Join(role, s.pick(zones), ""))
	default:
		name, force := s.pick(all), r.IntN(2) == 0
		a := cluster.RemoveNode(name, force)
		if force {
			return injection{KindRm, a.String() + " --force", func() error { return c.Apply(a) }}
		}
		return s.act(KindRm, a)
	}
}

// nextName is the name Join gives the next node with this prefix: the
// first free one.
func (s *schedule) nextName(prefix string) string {
	taken := map[string]bool{}
	for _, m := range s.c.Machines() {
		taken[m.Name] = true
	}
	for i := 1; ; i++ {
		if name := fmt.Sprintf("%s%d", prefix, i); !taken[name] {
			return name
		}
	}
}
