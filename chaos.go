package main

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
)

// chaos runs random failure schedules under the invariant checker: kills,
// restarts, zone failures, partitions, heals and service changes. Run i's
// seed is derived from --seed and i alone, and results are gathered by
// index, so the summary is the same whatever the number of cores.

const chaosUsage = `Usage:
  swarmsim chaos --runs N --seed S [--managers N --az 2-2-1 --workers N --for 60s]
  swarmsim chaos --replay RUNSEED [same flags]     replay one run with its timeline

Flags:
`

type chaosOptions struct {
	runs     int
	seed     uint64
	replay   uint64
	layout   az.Layout
	duration time.Duration
	cores    int
}

type chaosRun struct {
	seed       uint64
	actions    []string
	violation  error
	lostQuorum bool
	leaderless time.Duration
	pending    int
}

func runChaos(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("swarmsim chaos")
	runs := fs.String("runs", "100", "how many random schedules to run")
	seed := fs.String("seed", "1", "seed for the schedules")
	replay := fs.String("replay", "", "replay the run with this run seed, printing its timeline")
	managers := fs.String("managers", "5", "manager nodes")
	layout := fs.String("az", "", "managers per zone (default: spread evenly over 3 zones)")
	workers := fs.String("workers", "3", "worker nodes")
	duration := fs.String("for", "60s", "simulated time each schedule runs")
	if code, done := parseSubcommand(fs, args, chaosUsage, stderr); done {
		return code
	}
	o := chaosOptions{cores: runtime.NumCPU()}
	var err error
	if o.runs, err = count("--runs", *runs, 1, "--runs 1000"); err != nil {
		return fail(stderr, err)
	}
	if o.seed, err = parseSeed("--seed", *seed); err != nil {
		return fail(stderr, err)
	}
	if *replay != "" {
		if o.replay, err = parseSeed("--replay", *replay); err != nil {
			return fail(stderr, err)
		}
	}
	m, err := count("--managers", *managers, 1, "--managers 5")
	if err != nil {
		return fail(stderr, err)
	}
	w, err := count("--workers", *workers, 0, "--workers 3")
	if err != nil {
		return fail(stderr, err)
	}
	if o.layout, err = resolveLayout(*layout, m); err != nil {
		return fail(stderr, err)
	}
	o.layout = o.layout.WithWorkers(w)
	if o.duration, err = parseFor(*duration); err != nil {
		return fail(stderr, err)
	}
	if *replay != "" {
		r := chaosOne(o, o.replay, stdout)
		if r.violation != nil {
			return exitFailed
		}
		return exitOK
	}
	results := chaosAll(o)
	printChaos(stdout, o, results, args)
	for _, r := range results {
		if r.violation != nil {
			return exitFailed
		}
	}
	return exitOK
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "swarmsim: %v\n", err)
	return exitBadInput
}

// runSeed derives run i's seed from the chaos seed.
func runSeed(seed uint64, i int) uint64 {
	return rand.New(rand.NewPCG(seed, uint64(i))).Uint64()
}

func chaosAll(o chaosOptions) []chaosRun {
	results := make([]chaosRun, o.runs)
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(o.cores, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = chaosOne(o, runSeed(o.seed, i), nil)
			}
		}()
	}
	for i := range o.runs {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// chaosOne runs one schedule; with a timeline writer it prints the run.
func chaosOne(o chaosOptions, seed uint64, timeline io.Writer) chaosRun {
	res := chaosRun{seed: seed}
	r := rand.New(rand.NewPCG(seed, 0x63686f73)) // "chos"
	c, err := cluster.New(cluster.Config{Seed: seed, Layout: o.layout, Check: true})
	if err != nil {
		res.violation = err
		return res
	}
	defer func() {
		if timeline == nil {
			return
		}
		for _, e := range c.Events() {
			fmt.Fprintln(timeline, e)
		}
		if res.violation != nil {
			fmt.Fprintf(timeline, "VIOLATION: %v\n", res.violation)
		}
	}()
	if err := c.RunFor(time.Second); err != nil {
		res.violation = err
		return res
	}
	spec := cluster.NewServiceSpec("web")
	spec.Replicas, spec.Preferences = 2+r.IntN(6), []string{"node.labels.zone"}
	if err := c.Apply(cluster.CreateService(spec)); err != nil {
		res.violation = err
		return res
	}
	if _, err := c.Settle(30 * time.Second); err != nil {
		res.violation = err
		return res
	}
	var names []string
	for _, n := range c.Snapshot().Nodes {
		names = append(names, n.Name)
	}
	zones := c.Zones()
	end := c.Now() + o.duration
	var noLeaderSince time.Duration = -1
	for c.Now() < end {
		a := randomAction(r, names, zones)
		res.actions = append(res.actions, a.String())
		err := c.Apply(a)
		var v *cluster.Violation
		if errors.As(err, &v) {
			res.violation = err
			return res
		}
		step := min(time.Duration(2+r.IntN(20))*time.Second, end-c.Now())
		for t := time.Duration(0); t < step; t += time.Second {
			if err := c.RunFor(min(time.Second, step-t)); err != nil {
				res.violation = err
				return res
			}
			if c.Snapshot().Leader == "" {
				res.lostQuorum = true
				if noLeaderSince < 0 {
					noLeaderSince = c.Now()
				}
			} else if noLeaderSince >= 0 {
				res.leaderless += c.Now() - noLeaderSince
				noLeaderSince = -1
			}
		}
	}
	if noLeaderSince >= 0 {
		res.leaderless += c.Now() - noLeaderSince
	}
	for _, sv := range c.Snapshot().Services {
		res.pending += sv.Pending
	}
	return res
}

func randomAction(r *rand.Rand, names, zones []string) cluster.Action {
	switch r.IntN(9) {
	case 0, 1:
		return cluster.Kill(names[r.IntN(len(names))])
	case 2, 3:
		return cluster.Restart(names[r.IntN(len(names))])
	case 4:
		return cluster.KillZone(zones[r.IntN(len(zones))])
	case 5:
		return cluster.RestartZone(zones[r.IntN(len(zones))])
	case 6:
		if len(zones) > 1 {
			i := r.IntN(len(zones))
			var rest []string
			for j, z := range zones {
				if j != i {
					rest = append(rest, z)
				}
			}
			return cluster.Partition(az.Partition{Sides: [2][]string{{zones[i]}, rest}})
		}
		return cluster.Heal()
	case 7:
		return cluster.Heal()
	default:
		return cluster.ScaleService("web", r.IntN(8))
	}
}

func printChaos(w io.Writer, o chaosOptions, results []chaosRun, args []string) {
	var lost, pending, violations int
	var leaderless time.Duration
	for _, r := range results {
		if r.lostQuorum {
			lost++
		}
		if r.pending > 0 {
			pending++
		}
		leaderless += r.leaderless
		if r.violation != nil {
			violations++
		}
	}
	fmt.Fprintf(w, "chaos · %d runs · %d managers over %d zones (%s) · %d workers · %s each · seed %d\n",
		o.runs, o.layout.Managers(), len(o.layout.Zones), o.layout, o.layout.Workers(), o.duration, o.seed)
	fmt.Fprintf(w, "  runs that lost quorum at some point: %d\n", lost)
	fmt.Fprintf(w, "  time without a leader: %s in all, %s per run on average\n", cluster.FormatTime(leaderless), cluster.FormatTime(leaderless/time.Duration(len(results))))
	fmt.Fprintf(w, "  runs ending with tasks pending: %d\n", pending)
	fmt.Fprintf(w, "  invariant violations: %d\n", violations)
	flags := replayFlags(args)
	for _, r := range results {
		if r.violation != nil {
			fmt.Fprintf(w, "  ✗ %v\n    replay: swarmsim chaos --replay %d%s\n", r.violation, r.seed, flags)
		}
	}
}

// replayFlags keeps the flags that shape a run, dropping those that choose
// runs.
func replayFlags(args []string) string {
	var keep []string
	skip := false
	for _, a := range args {
		if skip {
			skip = false
			continue
		}
		name, _, hasValue := strings.Cut(a, "=")
		switch name {
		case "--runs", "--seed", "--replay":
			skip = !hasValue
			continue
		}
		keep = append(keep, a)
	}
	if len(keep) == 0 {
		return ""
	}
	return " " + strings.Join(keep, " ")
}
