package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/swarmsim/swarmsim/drill"
)

const runUsage = `Usage:
  swarmsim run [flags] FILE.drill...    run drill scripts; exit 0 when every expectation holds

Flags:
`

// drillReport is one drill's result in `swarmsim run --output json`.
type drillReport struct {
	File         string   `json:"file"`
	Steps        int      `json:"steps"`
	Expectations int      `json:"expectations"`
	Failures     []string `json:"failures"`
	Passed       bool     `json:"passed"`
}

func runDrills(args []string, stdout, stderr io.Writer, env func(string) string) int {
	fs := newFlagSet("swarmsim run")
	output := fs.String("output", "text", "text or json")
	pace := fs.Duration("pace", 0, "wall time per simulated second, to narrate a run (e.g. 100ms)")
	noColor := fs.Bool("no-color", false, "plain text without colour (also when NO_COLOR is set)")
	check := fs.Bool("check", false, "check Raft's and Swarm's invariants on every step")
	if code, done := parseSubcommand(fs, args, runUsage, stderr); done {
		return code
	}
	if *output != "text" && *output != "json" {
		return fail(stderr, fmt.Errorf("--output %s: choose text or json", *output))
	}
	if fs.NArg() == 0 {
		return fail(stderr, errors.New("name at least one drill file, like: swarmsim run examples/zone-loss-5.drill"))
	}
	if *pace < 0 || *pace > 10*time.Second {
		return fail(stderr, fmt.Errorf("--pace %s: choose a wall time per simulated second between 0 and 10s, like --pace 100ms", *pace))
	}
	// Parse every file before running any: a typo fails fast, with its place.
	var scripts []*drill.Script
	for _, file := range fs.Args() {
		src, err := os.ReadFile(file)
		if err != nil {
			return fail(stderr, fmt.Errorf("cannot read drill %s: %w", file, err))
		}
		script, err := drill.Parse(file, src)
		if err != nil {
			var perr *drill.Error
			if errors.As(err, &perr) {
				fmt.Fprintln(stderr, perr.Caret())
				return exitBadInput
			}
			return fail(stderr, err)
		}
		scripts = append(scripts, script)
	}

	text := stdout
	if *output == "json" {
		text = io.Discard
	}
	st := newStyles(text, !*noColor && env("NO_COLOR") == "")
	var reports []drillReport
	failed, steps, checks := 0, 0, 0
	for _, script := range scripts {
		r := &drillRunner{out: text, st: st, file: script.File, dir: filepath.Dir(script.File), pace: *pace, sleep: time.Sleep, check: *check}
		fmt.Fprintf(text, "%s\n", st.heading.Render("▶ "+script.File))
		for _, s := range script.Steps {
			if err := r.step(s); err != nil {
				fmt.Fprintf(stderr, "swarmsim: %s:%d: %v\n", script.File, s.Pos.Line, err)
				return exitFailed
			}
		}
		rep := drillReport{File: script.File, Steps: len(script.Steps), Expectations: r.checks, Failures: append([]string{}, r.failures...), Passed: len(r.failures) == 0}
		reports = append(reports, rep)
		failed += len(r.failures)
		steps += rep.Steps
		checks += rep.Expectations
		fmt.Fprintln(text)
	}
	if *output == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(struct {
			Drills []drillReport `json:"drills"`
			Passed bool          `json:"passed"`
		}{reports, failed == 0})
	} else {
		summary := fmt.Sprintf("%d %s, %d steps, %d expectations: ", len(scripts), plural(len(scripts), "drill", "drills"), steps, checks)
		if failed == 0 {
			fmt.Fprintln(text, st.good.Render(summary+"all held"))
		} else {
			fmt.Fprintln(text, st.bad.Render(fmt.Sprintf("%s%d failed", summary, failed)))
		}
	}
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}
