package drillrun

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/limits"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// DefaultWaitUntil bounds `wait until` without `within`.
const DefaultWaitUntil = time.Minute

// ErrNoCluster is returned by Step for a step before any cluster line.
var ErrNoCluster = errors.New("start with a cluster line, like: cluster managers=3 az=1-1-1 workers=3")

// Kind says what became of a step.
type Kind int

const (
	Ran    Kind = iota // a command ran
	Held               // an expectation held
	Failed             // an expectation did not hold, or a command failed
)

// Result is what one step did.
type Result struct {
	Step   drill.Step
	At     time.Duration // simulated time when the step began
	Kind   Kind
	Detail string          // Held: what was seen; Failed: what was expected and what was seen, or the command's error
	Events []cluster.Event // the timeline entries the step caused, less those already given to Paced
	Shown  *Shown          // what the Docker command printed, when it prints something: the unlock key
	// Output is what Docker's CLI prints for the command (Creating service
	// shop_web, Ignoring unsupported options: build), and View a table it
	// prints (docker stack ls); nil when it prints none.
	Output []string
	View   *View
}

// Failure is a failed step, with its place.
type Failure struct {
	File string
	Line int
	Msg  string
}

func (f Failure) String() string { return fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Msg) }

// Runner runs one drill's steps in order. The zero Runner runs flat out,
// without the invariant checker, resolving files against the working
// directory.
type Runner struct {
	File  string              // the drill's name in failures
	Dir   string              // where files named in the drill (cluster from=…) are found
	Check bool                // run the invariant checker on every step
	Pace  time.Duration       // wall time per simulated second; 0 runs flat out
	Sleep func(time.Duration) // how to wait Pace; time.Sleep when nil
	// Env is the environment docker stack deploy reads a stack file's
	// ${VAR} in; nil is an empty one.
	Env scenario.Env

	// Began, when set, is called as a step begins, with the simulated time
	// and the step's line, so that a transcript can show the step before
	// what it causes. Paced, with Pace, is called after every simulated
	// second that caused events, with those events.
	Began func(at time.Duration, source string)
	Paced func([]cluster.Event)
	// Watch, when set, is called after every simulated event while a step
	// runs time forward (wait, and the cluster line's first second), so a
	// caller can follow what changes between steps. It must only read.
	Watch func()

	c            *cluster.Cluster
	given        int // events already handed out
	expectations int
	failures     []Failure
	shown        *Shown // what the step's command printed, for its Result

	output []string // what the step's command printed so far
	view   *View    // the table it printed
}

// Step runs one step. An error means the drill cannot go on: an invariant
// broke (a *cluster.Violation), or the step came before any cluster line
// (ErrNoCluster). Everything else, a refused command included, is a Result.
func (r *Runner) Step(s drill.Step) (Result, error) {
	if _, ok := s.Cmd.(drill.Cluster); !ok && r.c == nil {
		return Result{}, ErrNoCluster
	}
	res := Result{Step: s, At: r.Now()}
	if r.Began != nil {
		r.Began(res.At, s.Source)
	}
	r.output, r.view = nil, nil
	c, err := r.exec(s.Cmd)
	res.Events = r.newEvents()
	res.Shown, r.shown = r.shown, nil
	res.Output, res.View = r.output, r.view
	var v *cluster.Violation
	switch {
	case errors.As(err, &v), errors.Is(err, limits.ErrOverBudget):
		return res, err
	case err != nil:
		res.Kind, res.Detail = Failed, fmt.Sprintf("the command failed: %v", err)
	case c == nil:
		res.Kind = Ran
	case c.ok:
		res.Kind, res.Detail = Held, c.seen
	default:
		res.Kind, res.Detail = Failed, c.seen
	}
	if res.Kind == Failed {
		r.failures = append(r.failures, Failure{File: r.File, Line: s.Pos.Line, Msg: res.Detail})
	}
	return res, nil
}

// Now is the simulated time; 0 before the cluster line.
func (r *Runner) Now() time.Duration {
	if r.c == nil {
		return 0
	}
	return r.c.Now()
}

// Snapshot is the swarm as it is now; false before the cluster line.
func (r *Runner) Snapshot() (cluster.Snapshot, bool) {
	if r.c == nil {
		return cluster.Snapshot{}, false
	}
	return r.c.Snapshot(), true
}

// UnlockKey is the swarm's newest unlock key when autolock is on, what a
// locked manager needs; "" otherwise.
func (r *Runner) UnlockKey() string {
	if r.c == nil {
		return ""
	}
	if keys := r.c.UnlockKeys(); r.c.Snapshot().Autolock && len(keys) > 0 {
		return keys[len(keys)-1]
	}
	return ""
}

// Expectations counts the expectations checked so far.
func (r *Runner) Expectations() int { return r.expectations }

// Failures are the failed steps so far, in order.
func (r *Runner) Failures() []Failure { return append([]Failure(nil), r.failures...) }

// newEvents are the timeline entries not handed out yet.
func (r *Runner) newEvents() []cluster.Event {
	if r.c == nil {
		return nil
	}
	evs := r.c.Events()[r.given:]
	r.given += len(evs)
	return evs
}

// run advances simulated time, at the pace when one is set, within the
// budget of a run for the swarm it has now (limits.CheckRun).
func (r *Runner) run(d time.Duration) error {
	snap := r.c.Snapshot()
	managers := 0
	for _, n := range snap.Nodes {
		if n.Role == cluster.RoleManager {
			managers++
		}
	}
	if err := limits.CheckRun(managers, len(snap.Nodes), r.Now()+d); err != nil {
		return err
	}
	if r.Pace == 0 {
		return r.advance(d)
	}
	sleep := r.Sleep
	if sleep == nil {
		sleep = time.Sleep
	}
	for left := d; left > 0; left -= time.Second {
		if err := r.advance(min(time.Second, left)); err != nil {
			return err
		}
		if evs := r.newEvents(); len(evs) > 0 && r.Paced != nil {
			r.Paced(evs)
		}
		sleep(r.Pace)
	}
	return nil
}

// withinBudget refuses a step that would ask for more tasks than
// limits.Tasks, all services counted: set gives, for a swarm of nodes, the
// desired tasks of the services the step creates or changes.
func (r *Runner) withinBudget(set func(nodes int) map[string]int) error {
	snap := r.c.Snapshot()
	desired := map[string]int{}
	for _, sv := range snap.Services {
		desired[sv.Name] = sv.Desired
	}
	maps.Copy(desired, set(len(snap.Nodes)))
	total := 0
	for _, n := range desired {
		total += n
	}
	return limits.CheckTasks(total)
}

// build creates the swarm of a cluster line; m1 runs `docker swarm init`.
func (r *Runner) build(x drill.Cluster) error {
	cfg := cluster.Config{Seed: scenario.DefaultSeed, Check: r.Check, Autolock: x.Autolock}
	if x.Seed != nil {
		cfg.Seed = *x.Seed
	}
	if x.From != "" {
		s, err := scenario.ImportNodes(r.relative(x.From), scenario.DefaultZoneLabel)
		if err != nil {
			return fmt.Errorf("from=%s: %w", x.From, err)
		}
		cfg.Layout, cfg.Nodes = s.Layout, s.Nodes
	} else {
		var zones *az.Layout
		if x.AZ != "" {
			l, err := az.Parse(x.AZ)
			if err != nil {
				return fmt.Errorf("az=%s: %w", x.AZ, err)
			}
			zones = &l
		}
		l, err := scenario.NewLayout(x.Managers, zones, x.Workers)
		if err != nil {
			return err
		}
		cfg.Layout = l
	}
	var services []scenario.Service
	if x.Services != "" {
		var err error
		if services, err = scenario.ImportServices(r.relative(x.Services)); err != nil {
			return fmt.Errorf("services=%s: %w", x.Services, err)
		}
	}
	c, err := cluster.New(cfg)
	if err != nil {
		return err
	}
	r.c, r.given = c, 0
	if err := r.run(time.Second); err != nil {
		return err
	}
	if len(services) > 0 {
		return c.Apply(cluster.CreateServices(scenario.Specs(services)...))
	}
	return nil
}

// relative resolves a file named in a drill against the drill's directory.
func (r *Runner) relative(path string) string {
	if path == "" || filepath.IsAbs(path) || r.Dir == "" {
		return path
	}
	return filepath.Join(r.Dir, path)
}
