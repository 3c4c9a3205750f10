package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/swarmsim/swarmsim/internal/chaos"
	"github.com/swarmsim/swarmsim/internal/fault"
	"github.com/swarmsim/swarmsim/internal/limits"
	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/internal/report"
	"github.com/swarmsim/swarmsim/internal/scenario"
	"github.com/swarmsim/swarmsim/internal/sink"
	"github.com/swarmsim/swarmsim/raft"
)

const chaosUsage = `swarmsim chaos runs random schedules of failures and Docker commands (kills,
restarts, zone failures, partitions, heals, scaling, updates with every
failure action, rollbacks, drains, promote, demote, join, node rm,
force-new-cluster, stack deploy and rm, secrets, node labels and constraints,
autolock, unlock, key rotation, backup and restore) under the invariant
checker, while clients call the swarm; each run's client history is checked
for linearizability. The summary is the same whatever the number of cores.

Usage:
  swarmsim chaos [flags]                          run --runs schedules, summarized
      swarmsim chaos --runs 1000 --seed 7 --az 2-2-1
  swarmsim chaos --shard I/N [flags]              run the I-th of N slices of the campaign
      swarmsim chaos --runs 1000000 --shard 3/100 --output json > 3.json
  swarmsim chaos merge FILE.json...               merge the shards' summaries into the campaign's
      swarmsim chaos merge *.json
  swarmsim chaos --replay RUNSEED [same flags]    replay one run with its timeline
      swarmsim chaos --replay 1234567 --az 2-2-1
  swarmsim chaos --fault NAME [flags]             inject a bug, to see the checkers catch it
      swarmsim chaos --list-faults
      swarmsim chaos --runs 2000 --fault apply-twice

Flags:
`

const mergeUsage = `swarmsim chaos merge reads the summaries of every shard of one campaign
(written by swarmsim chaos --shard I/N --output json) and prints the summary
of the whole campaign: exactly what the campaign run in one go prints, apart
from the wall time.

Usage:
  swarmsim chaos merge FILE.json... [--output json]
      swarmsim chaos merge 1.json 2.json 3.json

Flags:
`

// workerCommand is the hidden command a chaos campaign starts its worker
// processes with.
const workerCommand = "chaos-worker"

// A chaos process collects garbage less often than Go's default: each run's
// garbage dies young and its live heap is a few megabytes, so letting ten
// times that pile up costs memory the campaign can spare and saves work.
// The limit brings collection back should the heap ever grow.
const (
	gcPercent = 1000
	gcLimit   = 1 << 30
)

func collectLessOften() {
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(gcLimit)
}

// chaosArgs are the chaos flags, read.
type chaosArgs struct {
	spec       chaos.Spec
	replay     *uint64
	output     format
	historyDir string // where porcupine's visualisations go; "" for a new temporary directory
	listFaults bool
}

func parseChaos(args []string) (*chaosArgs, error) {
	fs := newFlags("swarmsim chaos", chaosUsage)
	runs := fs.text("runs", "100", "how many random schedules the campaign runs: `N`")
	seed := fs.text("seed", strconv.Itoa(scenario.DefaultSeed), "`SEED` the run seeds derive from")
	shard := fs.text("shard", "", "run only slice `I/N` of the campaign: the I-th of N disjoint slices, like 2/4")
	replay := fs.text("replay", "", "replay the run with this `RUNSEED`, printing its timeline")
	swarm := swarmFlags(fs)
	duration := fs.text("for", seconds(scenario.DefaultFor), "simulated `TIME` each schedule runs")
	clients := fs.text("clients", strconv.Itoa(chaos.DefaultClients), "`N` clients calling docker service scale and inspect during each run")
	jobs := fs.text("jobs", "0", "run `N` runs at once, each in its own process (default: one per core)")
	output := fs.text("output", "text", "`FORMAT` of the summary: text or json")
	// The summary is plain text already; the flag is taken so that a script
	// can pass --no-color to every command alike.
	fs.Bool("no-color", false, "plain text without colour (chaos prints none, so it changes nothing)")
	historyDir := fs.text("history-dir", "", fmt.Sprintf("`DIR` for porcupine's pictures of histories it could not linearize, at most %d a campaign (default: a new temporary directory, named on stderr)", limits.HistoryFiles))
	schedule := fs.text("schedule", "full", "`KINDS` of action schedules draw: full, or classic for the first wave's kinds only (kills to force-new-cluster)")
	faultName := fs.text("fault", "", "inject the bug `NAME` into every run, to see the checkers catch it (--list-faults names them)")
	listFaults := fs.Bool("list-faults", false, "list the faults --fault can inject, one a line, and exit")
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	if *listFaults {
		return &chaosArgs{listFaults: true}, nil
	}
	if err := fs.noArgs("chaos takes only flags, or merge FILE.json…"); err != nil {
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
	if fs.Changed("shard") {
		if a.spec.Shard, err = parseShard(*shard, a.spec.Runs); err != nil {
			return nil, err
		}
	}
	if fs.Changed("replay") {
		for _, f := range []string{"runs", "seed", "shard", "output", "jobs"} {
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
	// Each run is a simulation of its own: the same budget as one.
	if err := limits.CheckRun(a.spec.Layout.Managers(), a.spec.Layout.Managers()+a.spec.Layout.Workers(), a.spec.For); err != nil {
		return nil, err
	}
	if a.spec.Clients, err = count("--clients", *clients, 0, chaos.MaxClients, "--clients 3"); err != nil {
		return nil, err
	}
	if a.spec.Cores, err = count("--jobs", *jobs, 0, 1024, "--jobs 2"); err != nil {
		return nil, err
	}
	if a.spec.Cores == 0 {
		a.spec.Cores = runtime.NumCPU()
	}
	if a.output, err = chaosOutput(*output); err != nil {
		return nil, err
	}
	a.historyDir = *historyDir
	switch *schedule {
	case "full":
	case "classic":
		a.spec.Classic = true
	default:
		return nil, fmt.Errorf("--schedule %s: write --schedule full (every kind of action) or --schedule classic (the first wave's kinds only)", strconv.Quote(*schedule))
	}
	if fs.Changed("fault") {
		if a.spec.Fault, err = fault.Parse(*faultName); err != nil {
			return nil, fmt.Errorf("--fault: %w", err)
		}
	}
	return a, nil
}

// parseShard reads --shard I/N: the I-th of N slices, I from 1 to N, and no
// more slices than runs, since a slice without runs is a mistake.
func parseShard(v string, runs int) (chaos.Shard, error) {
	shown := v
	if strings.ContainsFunc(v, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) {
		shown = strconv.Quote(v) // so that the error stays one readable line
	}
	i, n, ok := strings.Cut(v, "/")
	index, err1 := strconv.Atoi(i)
	of, err2 := strconv.Atoi(n)
	switch {
	case !ok || err1 != nil || err2 != nil || strings.ContainsAny(v, "+ ") || i == "" || n == "":
		return chaos.Shard{}, fmt.Errorf("--shard %s: write the slice as I/N, like --shard 2/4 for the second of 4 slices", shown)
	case of < 1:
		return chaos.Shard{}, fmt.Errorf("--shard %s: the campaign needs at least 1 slice, like --shard 1/4", shown)
	case index < 1 || index > of:
		return chaos.Shard{}, fmt.Errorf("--shard %s: slices count from 1 to %d, like --shard 1/%d", shown, of, of)
	case of > runs:
		return chaos.Shard{}, fmt.Errorf("--shard %s: %d slices of %s would leave some empty; use at most %d slices, or more --runs", shown, of, prose.Plural(runs, "1 run", strconv.Itoa(runs)+" runs"), runs)
	}
	return chaos.Shard{Index: index, Of: of}, nil
}

// replayFlags are the flags that shape every run of a campaign, spelled
// the one way a replay command spells them, whatever order or form they
// were given in: shards of one campaign, run with their flags in any
// order, name the same replay commands, and so merge exactly.
func replayFlags(spec chaos.Spec) string {
	flags := " --az " + spec.Layout.String()
	if w := spec.Layout.Workers(); w > 0 {
		flags += " --workers " + strconv.Itoa(w)
	}
	if spec.For != scenario.DefaultFor {
		flags += " --for " + spec.For.String()
	}
	if spec.Clients != chaos.DefaultClients {
		flags += " --clients " + strconv.Itoa(spec.Clients)
	}
	if spec.Classic {
		flags += " --schedule classic"
	}
	if spec.Fault != fault.None {
		flags += " --fault " + spec.Fault.String()
	}
	return flags
}

func runChaos(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "merge" {
		return runChaosMerge(args[1:], stdout, stderr)
	}
	a, err := parseChaos(args)
	if code, done := parsed(err, stdout, stderr); done {
		return code
	}
	if a.listFaults {
		for _, f := range fault.Catalogue() {
			fmt.Fprintln(stdout, f)
		}
		return exitOK
	}
	collectLessOften()
	if a.replay != nil {
		run := chaos.Replay(a.spec, *a.replay)
		h := histories{dir: a.historyDir}
		if err := h.write(&run); err != nil {
			return simulationFailed(stderr, err)
		}
		report.ChaosReplay(stdout, run)
		h.tell(stderr)
		switch {
		case run.Violation != nil:
			return exitFailed
		case run.Err != "":
			return exitBadInput
		}
		return exitOK
	}
	sum := chaos.NewSummary(a.spec, replayFlags(a.spec))
	var writeErr error
	violations := 0
	h := histories{dir: a.historyDir}
	each := func(r chaos.Run) {
		if err := h.write(&r); err != nil && writeErr == nil {
			writeErr = err
		}
		sum.Add(r)
		if r.Violation != nil {
			violations++
		}
	}
	if a.spec.Cores > 1 {
		a.spec.Launch = chaos.LaunchSelf(workerCommand)
	}
	start := time.Now()
	bar := newProgressBar(stderr, "chaos")
	if bar != nil {
		lo, hi := a.spec.Shard.Range(a.spec.Runs)
		bar.extra = func() string { return prose.Counted(violations, "violation") }
		a.spec.Progress = func(done int) { bar.update(int64(done), int64(hi-lo)) }
	}
	err = chaos.Campaign(a.spec, each)
	bar.done() // before the summary, on the terminal the bar was on
	if err != nil {
		return simulationFailed(stderr, fmt.Errorf("the chaos campaign could not run: %w", err))
	}
	sum.WallMS = time.Since(start).Milliseconds()
	if err := render(a.output, func() error { return report.ChaosJSON(stdout, sum) }, nil, func() { report.Chaos(stdout, sum) }); err != nil {
		return simulationFailed(stderr, err)
	}
	h.tell(stderr)
	switch {
	case writeErr != nil:
		return simulationFailed(stderr, writeErr)
	case len(sum.Violations) > 0:
		return exitFailed
	case len(sum.Errors) > 0:
		fmt.Fprintf(stderr, "swarmsim: %s could not be finished; replay one to see why\n", prose.Counted(len(sum.Errors), "run"))
		return exitBadInput
	}
	return exitOK
}

// histories writes porcupine's visualisations of the histories it could
// not linearize: a broken build once wrote one per run, hundreds, into the
// working directory. At most limits.HistoryFiles a campaign are written,
// the first in run order, into the directory the user named or a new
// temporary one, never the working directory; the summary names each
// file written, and tell says where they are.
type histories struct {
	dir              string // "" until a temporary directory is made
	written, skipped int
}

// write writes r's visualisation, or drops it from r when the campaign
// has written its share, so that the summary names only files that exist.
func (h *histories) write(r *chaos.Run) error {
	if len(r.Visualization) == 0 {
		return nil
	}
	if h.written >= limits.HistoryFiles {
		r.Visualization = nil
		h.skipped++
		return nil
	}
	var err error
	if h.dir == "" {
		h.dir, err = os.MkdirTemp("", "swarmsim-history-")
	} else {
		err = os.MkdirAll(h.dir, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(h.dir, chaos.HistoryFile(r.Seed)), r.Visualization, 0o644)
	}
	if err != nil {
		r.Visualization = nil
		return fmt.Errorf("writing the visualisation of run %d's history: %w; name a directory you can write with --history-dir", r.Seed, err)
	}
	h.written++
	return nil
}

// tell says on stderr where the visualisations are: the directory may be
// a temporary one, which stdout cannot name and stay the same bytes.
func (h *histories) tell(stderr io.Writer) {
	if h.written == 0 {
		return
	}
	more := ""
	if h.skipped > 0 {
		more = fmt.Sprintf(" (%d more not written: at most %d a campaign)", h.skipped, limits.HistoryFiles)
	}
	fmt.Fprintf(stderr, "swarmsim: porcupine's %s in %s%s\n", prose.Plural(h.written, "visualisation is", strconv.Itoa(h.written)+" visualisations are"), sink.Text(h.dir), more)
}

// runChaosWorker is a worker process: runs in, results out.
func runChaosWorker(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		return fail(stderr, fmt.Errorf("%s is started by swarmsim chaos and takes no arguments", workerCommand))
	}
	collectLessOften()
	// This process runs its runs one after the other, on one goroutine,
	// beside one such process per core: Raft's entropy lock has nothing to
	// guard, and a second thread of its own (porcupine checks a history's
	// partitions on goroutines of their own, the collector works beside the
	// runs) would only wake up to take a core another worker is using.
	raft.SetExclusive(true)
	runtime.GOMAXPROCS(1)
	if err := chaos.Serve(stdin, stdout); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

func runChaosMerge(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("swarmsim chaos merge", mergeUsage)
	output := fs.text("output", "text", "`FORMAT` of the merged summary: text or json")
	if code, done := parsed(fs.parse(args), stdout, stderr); done {
		return code
	}
	asJSON, err := chaosOutput(*output)
	if err != nil {
		return fail(stderr, err)
	}
	names := fs.Args()
	parts := make([]chaos.Summary, len(names))
	for i, name := range names {
		if parts[i], err = readSummary(name); err != nil {
			return fail(stderr, err)
		}
	}
	merged, err := chaos.Merge(names, parts)
	if err != nil {
		return fail(stderr, err)
	}
	if err := render(asJSON, func() error { return report.ChaosJSON(stdout, &merged) }, nil, func() { report.Chaos(stdout, &merged) }); err != nil {
		return simulationFailed(stderr, err)
	}
	switch {
	case len(merged.Violations) > 0:
		return exitFailed
	case len(merged.Errors) > 0:
		return exitBadInput
	}
	return exitOK
}

// readSummary reads one shard's summary.
func readSummary(name string) (chaos.Summary, error) {
	var s chaos.Summary
	b, err := limits.ReadFile(name, limits.SummaryFile, "a chaos summary")
	if err != nil {
		return s, fmt.Errorf("reading a shard summary: %w", err)
	}
	err = json.Unmarshal(b, &s)
	if err == nil && s.Injected == nil {
		err = errNotSummary
	}
	if err != nil {
		return s, fmt.Errorf("%s is not a chaos summary (%w); write one with swarmsim chaos --shard I/N --output json > %s", name, err, name)
	}
	return s, nil
}

var errNotSummary = errors.New("it counts no injected actions")

// chaosOutput reads chaos's --output: a summary has no HTML page.
func chaosOutput(v string) (format, error) {
	f, err := parseOutput(v)
	if err == nil && f == htmlOutput {
		return "", errors.New("chaos summarizes as text or json, not html: write --output text or --output json")
	}
	return f, err
}
