package report

import (
	"io"
	"strings"

	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// PlanHTML writes a plan as one HTML page: the layouts side by side, best
// first, each with its zones drawn, the zone losses it survives, what
// breaks it, its commit latency, its warnings and, when asked for, its
// odds; then the first
// layout's zone losses as real Raft decided them.
func PlanHTML(w io.Writer, rep *scenario.PlanReport) error {
	title := "swarmsim plan · " + managersOver(rep.Managers, rep.Zones)
	return writePage(w, title, func(p *page) {
		p.f("<header>\n<h1>%s</h1>\n</header>\n", esc(title))
		state, label, class := "holds", "Raft agreed with every prediction", "good"
		if !rep.Agrees() {
			state, label, class = "failed", "Raft disagreed with a prediction", "bad"
		}
		p.f("<section id=\"verdict\" class=\"verdict %s\">\n", state)
		for _, l := range rep.Layouts {
			if l.Recommended {
				p.f("<h2>Recommended: <span class=\"good\" id=\"recommended\">%s</span></h2>\n<p>It %s.</p>\n", esc(l.Layout.String()), esc(l.Why))
			}
		}
		p.f("<p class=\"%s\" id=\"verdict-label\">%s.</p>\n</section>\n", class, label)

		p.f("<section id=\"layouts\">\n<h2>Layouts, best first</h2>\n<div class=\"cards\">\n")
		for _, l := range rep.Layouts {
			layoutCard(p, l)
		}
		p.f("</div>\n</section>\n")

		p.f("<section id=\"verified\">\n<h2>Verified on real Raft: %s, each zone lost in turn</h2>\n", esc(rep.VerifiedLayout))
		p.f("<table>\n<tr><th>zone lost</th><th>predicted</th><th>Raft after %s</th><th></th></tr>\n", scenario.VerifyBound)
		for _, v := range rep.Verified {
			raft := "quorum lost"
			if v.Raft {
				raft = "holds, <b class=\"leader-name\">" + esc(v.Leader) + "</b> leads"
			}
			ok := "<td class=\"good\">✓ as predicted</td>"
			if v.Raft != v.Predicted {
				ok = "<td class=\"bad\">✗ the prediction was wrong</td>"
			}
			p.f("<tr data-zone=\"%s\"><td>%s</td><td>%s</td><td>%s</td>%s</tr>\n", esc(v.Zone), esc(v.Zone), holdsOrLost(v.Predicted), raft, ok)
		}
		p.f("</table>\n</section>\n")
	})
}

// layoutCard is one layout: its zones drawn with a dot per manager, each
// zone outlined green when the swarm survives its loss and red when not,
// then the numbers.
func layoutCard(p *page, l scenario.PlannedLayout) {
	class, mark := "card", ""
	if l.Recommended {
		class, mark = "card recommended", "★ "
	}
	p.f("<article class=\"%s\" data-layout=\"%s\">\n<h3>%s%s</h3>\n", class, esc(l.Layout.String()), mark, esc(l.Layout.String()))
	loses := map[string]bool{}
	for _, z := range l.Loses {
		loses[z] = true
	}
	const box, gap, dot = 64, 8, 12
	width := len(l.Layout.Zones)*(box+gap) + gap
	p.f("<svg class=\"layout\" viewBox=\"0 0 %d 86\" width=\"%d\" height=\"86\" role=\"img\" aria-label=\"managers per zone\">\n", width, width)
	for i, z := range l.Layout.Zones {
		x := gap + i*(box+gap)
		stroke, fate := "var(--good)", "survives its loss"
		if loses[z.Name] {
			stroke, fate = "var(--bad)", "its loss loses quorum"
		}
		p.f("<g data-zone=\"%s\"><title>zone %s: %s, %s</title>", esc(z.Name), esc(z.Name), prose.Counted(z.Managers, "manager"), fate)
		p.f("<rect x=\"%d\" y=\"18\" width=\"%d\" height=\"62\" rx=\"6\" style=\"fill:none;stroke:%s;stroke-width:2\"/>", x, box, stroke)
		p.f("<text x=\"%d\" y=\"13\" text-anchor=\"middle\" style=\"fill:var(--zone)\">%s</text>", x+box/2, esc(z.Name))
		if z.Managers > 16 {
			p.f("<text x=\"%d\" y=\"54\" text-anchor=\"middle\">%d</text>", x+box/2, z.Managers)
		} else {
			for j := range z.Managers {
				p.f("<circle cx=\"%d\" cy=\"%d\" r=\"4\" style=\"fill:var(--fg)\"/>", x+14+(j%4)*dot, 30+(j/4)*dot)
			}
		}
		p.f("</g>\n")
	}
	p.f("</svg>\n<dl>\n")
	p.f("<dt>quorum</dt><dd>%d of %d, tolerates %d</dd>\n", l.Quorum, l.Layout.Managers(), l.Tolerance)
	if len(l.Loses) == 0 {
		p.f("<dt>one zone lost</dt><dd class=\"good\">survives any</dd>\n")
	} else {
		p.f("<dt>one zone lost</dt><dd><span class=\"bad\">loses quorum with %s</span>", esc(strings.Join(l.Loses, " or ")))
		if len(l.Survives) > 0 {
			p.f("; survives %s", esc(strings.Join(l.Survives, ", ")))
		}
		p.f("</dd>\n")
	}
	p.f("<dt>breaks after</dt><dd>%s or %s</dd>\n", prose.Counted(l.MinBreak, "manager"), prose.Counted(l.MinZoneBreak, "zone"))
	if len(l.Commit) > 0 {
		// Measured on real Raft: where swarm init ran, and where the leader
		// may end up after a failure.
		first, slowest := l.First(), l.Slowest()
		p.f("<dt>commit</dt><dd class=\"commit\">%s / %s ms (p50 / p99), leader in %s</dd>\n", tenths(first.P50), tenths(first.P99), esc(first.Zone))
		if slowest.Zone != first.Zone {
			p.f("<dt>slowest leader zone</dt><dd>%s ms p50, leader in %s</dd>\n", tenths(slowest.P50), esc(slowest.Zone))
		}
	}
	if o := l.Odds; o != nil {
		agree := "<span class=\"good\">agree</span>"
		if !o.Agree {
			agree = "<span class=\"bad\">DISAGREE</span>"
		}
		p.f("<dt>P(lost)</dt><dd>%s exact per period</dd>\n", pct(o.Exact))
		p.f("<dt>simulated</dt><dd>%s ± %s over %d periods (%d patterns on Raft): %s</dd>\n", pct(o.MonteCarlo), pct(o.StdError), o.Samples, o.Simulations, agree)
	}
	p.f("</dl>\n")
	if len(l.Warnings) > 0 {
		p.f("<ul class=\"warnings\">\n")
		for _, warn := range l.Warnings {
			p.f("<li class=\"warn\">%s</li>\n", esc(warn))
		}
		p.f("</ul>\n")
	}
	p.f("</article>\n")
}
