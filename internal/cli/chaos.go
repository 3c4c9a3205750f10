package cli

import (
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

	"github.com/swarmsim/swarmsim/internal/report"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

const chaosUsage = `swarmsim chaos runs random failure schedules (kills, restarts, zone failures,
partitions, heals, scaling) under the invariant checker, on every core, and
prints a summary that is the same whatever the number of cores.

Usage:
  swarmsim chaos [flags]                          run --runs schedules, summarized
      swarmsim chaos --runs 1000 --seed 7 --az 2-2-1
  swarmsim chaos --replay RUNSEED [same flags]    replay one run with its timeline
      swarmsim chaos --replay 1234567 --az 2-2-1

Flags:
`

// chaosArgs are the chaos flags, read.
type chaosArgs struct {
	spec   scenario.ChaosSpec
	replay *uint64
}

func parseChaos(args []string) (*chaosArgs, error) {
	fs := newFlags("swarmsim chaos", chaosUsage)
	runs := fs.text("runs", "100", "how many random schedules to run: `N`")
	seed := fs.text("seed", strconv.Itoa(scenario.DefaultSeed), "`SEED` the run seeds derive from")
	replay := fs.text("replay", "", "replay the run with this `RUNSEED`, printing its timeline")
	swarm := swarmFlags(fs)
	duration := fs.text("for", seconds(scenario.DefaultFor), "simulated `TIME` each schedule runs")
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	if err := fs.noArgs("chaos takes only flags"); err != nil {
		return nil, err
	}
	a := &chaosArgs{}
	var err error
	if a.spec.Runs, err = count("--runs", *runs, 1, scenario.MaxCount, "--runs 1000"); err != nil {
		return nil, err
	}
	if a.spec.Seed, err = parseSeed("--seed", *seed); err != nil {
		return nil, err
	}
	if fs.Changed("replay") {
		for _, f := range []string{"runs", "seed"} {
			if fs.Changed(f) {
				return nil, fmt.Errorf("--replay %s runs the one schedule with that run seed; leave out --%s", *replay, f)
			}
		}
		r, err := parseSeed("--replay", *replay)
		if err != nil {
			return nil, err
		}
		a.replay = &r
	}
	sw, err := swarm.parse(fs)
	if err != nil {
		return nil, err
	}
	if a.spec.Layout, err = sw.layout(); err != nil {
		return nil, err
	}
	if a.spec.For, err = parseFor(*duration); err != nil {
		return nil, err
	}
	return a, nil
}

func runChaos(args []string, stdout, stderr io.Writer) int {
	a, err := parseChaos(args)
	if code, done := parsed(err, stdout, stderr); done {
		return code
	}
	a.spec.Cores = runtime.NumCPU()
	if a.replay != nil {
		run := scenario.Replay(a.spec, *a.replay)
		report.ChaosReplay(stdout, run)
		if run.Violation != nil {
			return exitFailed
		}
		return exitOK
	}
	runs := scenario.Chaos(a.spec)
	report.Chaos(stdout, a.spec, runs, replayFlags(args))
	for _, r := range runs {
		if r.Violation != nil {
			return exitFailed
		}
	}
	return exitOK
}

// replayFlags keeps the flags that shape a run, dropping those that choose
// runs, for the command that replays one.
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
