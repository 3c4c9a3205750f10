package report

import (
	"fmt"
	"io"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/drillrun"
	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/internal/sink"
)

// stepIndent lines up a step's results under its command.
const stepIndent = "           "

// Transcript writes drill runs as they happen.
type Transcript struct {
	W  io.Writer
	St Styles
}

// Drill starts a drill's part of the transcript.
func (t Transcript) Drill(file string) {
	fmt.Fprintf(t.W, "%s\n", t.St.Heading.Render("▶ "+sink.Text(file)))
}

// Step writes a step as it begins: the simulated time and the line.
func (t Transcript) Step(at time.Duration, source string) {
	fmt.Fprintf(t.W, "%s  %s\n", t.St.TimeAt.Render(fmt.Sprintf("%9s", cluster.FormatTime(at))), sink.Text(source))
}

// Events writes timeline entries.
func (t Transcript) Events(evs []cluster.Event) {
	for _, e := range evs {
		fmt.Fprintf(t.W, "%s    %s %s\n", t.St.TimeAt.Render(fmt.Sprintf("%9s", cluster.FormatTime(e.At))), t.St.Kind.Render(fmt.Sprintf("%-16s", e.Kind)), sink.Text(e.Detail))
	}
}

// Result writes what a step did: its events, what its command printed,
// then ✓ or ✗.
func (t Transcript) Result(file string, res drillrun.Result) {
	if len(res.Output) > 0 || res.View != nil {
		t.output(res)
	}
	t.Events(res.Events)
	if res.Shown != nil {
		for _, line := range DockerOutput(res.Shown) {
			if line == "" {
				fmt.Fprintln(t.W)
				continue
			}
			fmt.Fprintf(t.W, "%s%s\n", stepIndent, t.St.Dim.Render(sink.Text(line)))
		}
	}
	switch res.Kind {
	case drillrun.Held:
		fmt.Fprintf(t.W, "%s%s\n", stepIndent, t.St.Good.Render("✓ "+sink.Text(res.Detail)))
	case drillrun.Failed:
		f := drillrun.Failure{File: file, Line: res.Step.Pos.Line, Msg: res.Detail}
		fmt.Fprintf(t.W, "%s%s\n", stepIndent, t.St.Bad.Render("✗ "+sink.Text(f.String())))
	}
}

// Summary ends a run of drills: how many drills, steps and expectations,
// and whether all held.
func (t Transcript) Summary(drills, steps, expectations, failed int) {
	summary := fmt.Sprintf("%s, %s, %s: ", prose.Counted(drills, "drill"), prose.Counted(steps, "step"), prose.Counted(expectations, "expectation"))
	if failed == 0 {
		fmt.Fprintln(t.W, t.St.Good.Render(summary+"all held"))
	} else {
		fmt.Fprintln(t.W, t.St.Bad.Render(fmt.Sprintf("%s%d failed", summary, failed)))
	}
}

// DrillJSON is one drill's result in `swarmsim run --output json`.
type DrillJSON struct {
	File         string   `json:"file"`
	Steps        int      `json:"steps"`
	Expectations int      `json:"expectations"`
	Failures     []string `json:"failures"`
	Passed       bool     `json:"passed"`
}

// RunJSON is the whole of `swarmsim run --output json`.
type RunJSON struct {
	Drills []DrillJSON `json:"drills"`
	Passed bool        `json:"passed"`
}
