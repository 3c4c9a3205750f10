package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/drillrun"
	"github.com/swarmsim/swarmsim/internal/limits"
	"github.com/swarmsim/swarmsim/internal/report"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

const runUsage = `swarmsim run runs drill scripts: checked-in failure rehearsals that build a
swarm, run Docker's commands, inject failures and assert what must hold. Every
file is parsed before any runs; the language is in drill/doc.go. Docker's
read commands (docker node ls, service ls/ps/inspect/logs, docker info, swarm
join-token) print into the transcript, so a recorded shell session replays.
--detach (-d) is accepted on docker service create, update, scale and
rollback and changes nothing: a drill applies a command at once and simulated
time moves only with wait.

Usage:
  swarmsim run [flags] FILE.drill...
      swarmsim run examples/*.drill
      swarmsim run --pace 100ms examples/two-zone-trap.drill

Exit status: 0 when every expectation held, 2 when one failed (each failure
names its line) or an invariant broke, 1 for a syntax error (file:line:column).

Flags:
`

// maxPace bounds --pace.
const maxPace = 10 * time.Second

// drillOptions are what run and shell share.
type drillOptions struct {
	pace    time.Duration
	noColor bool
	check   bool
	env     scenario.Env // what a stack file's ${VAR} reads
}

func drillFlags(fs *flagSet, check bool) (pace *time.Duration, noColor, withCheck *bool) {
	pace = fs.Duration("pace", 0, "wall `TIME` per simulated second, to narrate a run, like 100ms")
	noColor = fs.Bool("no-color", false, "plain text without colour (also when NO_COLOR is set)")
	if check {
		withCheck = fs.Bool("check", false, "check Raft's and Swarm's invariants on every step; a violation stops the run")
	}
	return pace, noColor, withCheck
}

func checkPace(pace time.Duration) error {
	if pace < 0 || pace > maxPace {
		return fmt.Errorf("--pace %s: choose a wall time per simulated second between 0 and %s, like --pace 100ms", pace, maxPace)
	}
	return nil
}

// drillRun is the run flags and the parsed scripts.
type drillRun struct {
	drillOptions
	output  format
	scripts []*drill.Script
}

// parseRun reads the flags and parses every file before running any, so a
// typo fails fast, with its place.
func parseRun(args []string) (*drillRun, error) {
	fs := newFlags("swarmsim run", runUsage)
	output := fs.text("output", "text", "`FORMAT` of the report: text, json or html (one self-contained page, each step with its result)")
	pace, noColor, check := drillFlags(fs, true)
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	a := &drillRun{drillOptions: drillOptions{pace: *pace, noColor: *noColor, check: *check}}
	var err error
	if a.output, err = parseOutput(*output); err != nil {
		return nil, err
	}
	if fs.NArg() == 0 {
		return nil, errors.New("name at least one drill file, like: swarmsim run examples/zone-loss-5.drill")
	}
	if err := checkPace(a.pace); err != nil {
		return nil, err
	}
	if a.pace != 0 && a.output == htmlOutput {
		// A paced run hands its events to the terminal as they happen;
		// the page is written at the end and would miss them.
		return nil, errors.New("--pace narrates a run on the terminal; leave it out with --output html")
	}
	for _, file := range fs.Args() {
		src, err := limits.ReadFile(file, limits.DrillFile, "a drill")
		if err != nil {
			return nil, fmt.Errorf("cannot read drill %s: %w", file, err)
		}
		script, err := drill.Parse(file, src)
		if err != nil {
			return nil, err
		}
		a.scripts = append(a.scripts, script)
	}
	return a, nil
}

func runDrills(args []string, stdout, stderr io.Writer, env func(string) string) int {
	a, err := parseRun(args)
	if caret(stderr, err) {
		return exitBadInput
	}
	if code, done := parsed(err, stdout, stderr); done {
		return code
	}
	a.env = lookupEnv(env)
	text := stdout
	if a.output != textOutput {
		text = io.Discard
	}
	t := report.Transcript{W: text, St: styles(text, a.noColor, env)}
	var reports []report.DrillJSON
	var runs []report.DrillRun
	failed, steps, checks := 0, 0, 0
	for _, script := range a.scripts {
		r := a.runner(script.File, filepath.Dir(script.File), t)
		t.Drill(script.File)
		ran := report.DrillRun{Script: script}
		for _, s := range script.Steps {
			res, err := r.Step(s)
			t.Result(script.File, res)
			if err != nil {
				fail(stderr, fmt.Errorf("%s:%d: %w", script.File, s.Pos.Line, err))
				if errors.Is(err, limits.ErrOverBudget) {
					return exitBadInput
				}
				return exitFailed
			}
			ran.Results = append(ran.Results, res)
		}
		if snap, ok := r.Snapshot(); ok {
			ran.Final = &snap
		}
		ran.Expectations, ran.Failures = r.Expectations(), r.Failures()
		runs = append(runs, ran)
		rep := report.DrillJSON{File: script.File, Steps: len(script.Steps), Expectations: r.Expectations(), Failures: []string{}}
		for _, f := range r.Failures() {
			rep.Failures = append(rep.Failures, f.String())
		}
		rep.Passed = len(rep.Failures) == 0
		reports = append(reports, rep)
		failed += len(rep.Failures)
		steps += rep.Steps
		checks += rep.Expectations
		fmt.Fprintln(text)
	}
	if err := render(a.output, func() error { return report.WriteJSON(stdout, report.RunJSON{Drills: reports, Passed: failed == 0}) },
		func() error { return report.DrillHTML(stdout, runs) },
		func() { t.Summary(len(a.scripts), steps, checks, failed) }); err != nil {
		return fail(stderr, err)
	}
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}

// runner makes a drill runner whose paced events go to the transcript.
func (o drillOptions) runner(file, dir string, t report.Transcript) *drillrun.Runner {
	return &drillrun.Runner{File: file, Dir: dir, Check: o.check, Pace: o.pace, Sleep: time.Sleep, Env: o.env,
		Began: t.Step, Paced: t.Events}
}
