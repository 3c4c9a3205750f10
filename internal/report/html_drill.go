package report

import (
	"fmt"
	"io"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/drillrun"
	"github.com/swarmsim/swarmsim/internal/prose"
)

// DrillRun is one drill as it ran, for the HTML report.
type DrillRun struct {
	Script       *drill.Script
	Results      []drillrun.Result // one per step, in order
	Final        *cluster.Snapshot // the swarm after the last step; nil when no swarm was built
	Expectations int
	Failures     []drillrun.Failure
}

// DrillHTML writes drill runs as one HTML page: for each drill what it
// teaches (its opening comment), every step with the simulated time it
// began, what it caused and its result, and the swarm as the drill left it.
func DrillHTML(w io.Writer, runs []DrillRun) error {
	steps, checks, failed := 0, 0, 0
	for _, r := range runs {
		steps += len(r.Results)
		checks += r.Expectations
		failed += len(r.Failures)
	}
	summary := fmt.Sprintf("%s, %s, %s: ", prose.Counted(len(runs), "drill"), prose.Counted(steps, "step"), prose.Counted(checks, "expectation"))
	verdict, class := "all held", "good"
	if failed > 0 {
		verdict, class = fmt.Sprintf("%d failed", failed), "bad"
	}
	title := "swarmsim run · " + summary + verdict
	return writePage(w, title, func(p *page) {
		p.f("<header>\n<h1>swarmsim run</h1>\n</header>\n")
		state := "holds"
		if failed > 0 {
			state = "failed"
		}
		p.f("<section id=\"verdict\" class=\"verdict %s\">\n<h2>%s<span class=\"%s\" id=\"verdict-label\">%s</span></h2>\n", state, esc(summary), class, esc(verdict))
		for _, r := range runs {
			for _, f := range r.Failures {
				p.f("<p class=\"bad\">✗ %s</p>\n", esc(f.String()))
			}
		}
		p.f("</section>\n")
		for i, r := range runs {
			drillHTML(p, i+1, r)
		}
	})
}

func drillHTML(p *page, n int, r DrillRun) {
	mark, class := "all held", "good"
	if len(r.Failures) > 0 {
		mark, class = fmt.Sprintf("%d failed", len(r.Failures)), "bad"
	}
	p.f("<section class=\"drill\" id=\"drill-%d\" data-file=\"%s\">\n<h2>▶ %s · <span class=\"%s\">%s</span></h2>\n", n, esc(r.Script.File), esc(r.Script.File), class, mark)
	if teaches := r.Script.Opening(); teaches != "" {
		p.f("<p class=\"teaches\">%s</p>\n", esc(teaches))
	}
	p.f("<ol class=\"steps\">\n")
	for _, res := range r.Results {
		kind := map[drillrun.Kind]string{drillrun.Ran: "ran", drillrun.Held: "held", drillrun.Failed: "failed"}[res.Kind]
		p.f("<li class=\"step %s\" data-line=\"%d\"><span class=\"at\">%s</span> <code>%s</code>\n", kind, res.Step.Pos.Line, cluster.FormatTime(res.At), esc(res.Step.Source))
		if len(res.Events) > 0 {
			eventsHTML(p, res.Events, nil)
		}
		switch res.Kind {
		case drillrun.Held:
			p.f("<div class=\"result good\">✓ %s</div>\n", esc(res.Detail))
		case drillrun.Failed:
			f := drillrun.Failure{File: r.Script.File, Line: res.Step.Pos.Line, Msg: res.Detail}
			p.f("<div class=\"result bad\">✗ %s</div>\n", esc(f.String()))
		}
		p.f("</li>\n")
	}
	p.f("</ol>\n")
	if s := r.Final; s != nil {
		p.f("<figure class=\"final\"><figcaption>The swarm at the end · at %s, %s</figcaption>\n", cluster.FormatTime(s.At), esc(leaderPhrase(*s)))
		zonesHTML(p, *s)
		p.f("</figure>\n")
	}
	p.f("</section>\n")
}
