package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// HeadlineHTML writes the headline report as one HTML file: the verdict
// with its numbers, the zones before and after, a timeline with one lane
// per manager and the running tasks of every service, the timeline's
// entries, the services and, when read, every manager's Raft. The
// timeline needs o.History (scenario.Spec.Record); without it the page
// says it was not recorded.
func HeadlineHTML(w io.Writer, o *scenario.Outcome) error {
	l := o.Spec.Layout
	title := fmt.Sprintf("swarmsim · %s (%s) · %s · seed %d", managersOver(l.Managers(), len(l.Zones)), l, prose.Counted(l.Workers(), "worker"), o.Spec.Seed)
	return writePage(w, title, func(p *page) {
		p.f("<header>\n<h1>%s</h1>\n<p class=\"dim\" id=\"failure\">%s</p>\n</header>\n", esc(title), esc(failurePhrase(o)))
		verdictHTML(p, o)

		p.f("<section id=\"zones\">\n<h2>Zones before and after</h2>\n<div class=\"pictures\">\n")
		p.f("<figure id=\"before\"><figcaption>Before · at %s, %s</figcaption>\n", cluster.FormatTime(o.Before.At), esc(leaderPhrase(o.Before)))
		zonesHTML(p, o.Before)
		p.f("</figure>\n<figure id=\"after\"><figcaption>After · at %s, %s</figcaption>\n", cluster.FormatTime(o.After.At), esc(leaderPhrase(o.After)))
		zonesHTML(p, o.After)
		p.f("</figure>\n</div>\n</section>\n")

		p.f("<section id=\"timeline\">\n<h2>Timeline · simulated time since the failure at %s</h2>\n", cluster.FormatTime(o.InjectedAt))
		if h := o.History; h != nil && h.To > h.From {
			lanesSVG(p, h, o.Events)
			tasksSVG(p, h, o.After.Services)
		} else {
			p.f("<p class=\"dim\">No timeline was recorded for this run.</p>\n")
		}
		if len(o.Events) == 0 {
			p.f("<p class=\"dim\">Nothing happened.</p>\n")
		}
		eventsHTML(p, o.Events, &o.InjectedAt)
		p.f("</section>\n")

		p.f("<section id=\"services\">\n<h2>Services</h2>\n")
		servicesHTML(p, o.After)
		p.f("</section>\n")

		if o.Raft != nil {
			p.f("<section id=\"raft\">\n<h2>Raft · as etcd Raft reports each manager</h2>\n")
			raftHTML(p, o.Raft)
			p.f("</section>\n")
		}
	})
}

// failurePhrase says what was injected, when, and for how long the run went on.
func failurePhrase(o *scenario.Outcome) string {
	f := o.Spec.Failure
	var parts []string
	if f.Partition != nil {
		parts = append(parts, "partition "+f.Partition.String())
	}
	for _, z := range f.Zones {
		parts = append(parts, "zone "+z+" fails")
	}
	if len(f.Nodes) > 0 {
		parts = append(parts, "kill "+strings.Join(f.Nodes, ", "))
	}
	if f.Managers > 0 {
		parts = append(parts, fmt.Sprintf("kill %s, the leader first", prose.Counted(f.Managers, "manager")))
	}
	what := "No failure injected"
	if len(parts) > 0 {
		what = "Failure: " + strings.Join(parts, " · ")
	}
	return fmt.Sprintf("%s at %s, then %s of simulated time.", what, cluster.FormatTime(o.InjectedAt), cluster.FormatTime(o.After.At-o.InjectedAt))
}

// verdictHTML is the verdict: its label, the new leader, and the text
// report's verdict word for word, so both explain it the same way.
func verdictHTML(p *page, o *scenario.Outcome) {
	label := map[scenario.Verdict]string{scenario.Holds: "quorum holds", scenario.Degraded: "degraded", scenario.QuorumLost: "quorum lost"}[o.Verdict]
	class := map[scenario.Verdict]string{scenario.Holds: "good", scenario.Degraded: "warn", scenario.QuorumLost: "bad"}[o.Verdict]
	p.f("<section id=\"verdict\" class=\"verdict %s\">\n<h2>Verdict: <span class=\"%s\" id=\"verdict-label\">%s</span></h2>\n", esc(string(o.Verdict)), class, label)
	for _, e := range o.Events {
		if e.Kind == cluster.EventLeaderElected {
			p.f("<p>New leader: <b class=\"new-leader\">%s</b>, elected %s after the failure.</p>\n", esc(e.Node), cluster.FormatTime(e.At-o.InjectedAt))
			break
		}
	}
	p.f("<p>At the end, %s.</p>\n", esc(leaderPhrase(o.After)))
	var text bytes.Buffer
	verdictText(&text, o, Plain())
	// The heading already says the verdict; the text goes on with the numbers.
	words := strings.TrimPrefix(strings.TrimRight(text.String(), "\n"), "Verdict: "+label+": ")
	p.f("<pre class=\"verdict-text\" id=\"numbers\">%s</pre>\n</section>\n", esc(words))
}

// The timeline's geometry, in SVG user units. Coordinates are integers
// computed from simulated time, so the same run draws the same bytes.
const (
	svgWidth   = 960
	laneLeft   = 88 // room for the lane labels
	laneRight  = 16
	laneHeight = 22
	laneGap    = 8
	axisHeight = 28
	cutBand    = 6  // height of a lane's cut-off band
	rowHeight  = 40 // a service's chart
	rowGap     = 18
)

// timeAxis maps simulated time onto the plot's x.
type timeAxis struct {
	from, span time.Duration
}

func (a timeAxis) x(t time.Duration) int {
	t = min(max(t, a.from), a.from+a.span)
	return laneLeft + int((t-a.from)*(svgWidth-laneLeft-laneRight)/a.span)
}

// ticks are the axis's labelled times: a round step giving at most eight
// intervals.
func (a timeAxis) ticks() []time.Duration {
	steps := []time.Duration{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600}
	step := steps[len(steps)-1] * time.Second
	for _, s := range steps {
		if a.span/(s*time.Second) <= 8 {
			step = s * time.Second
			break
		}
	}
	var out []time.Duration
	for t := time.Duration(0); t <= a.span; t += step {
		out = append(out, t)
	}
	return out
}

// since writes a time after the failure: +10s, +2m, +1h30m.
func since(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return "+" + s
}

func (a timeAxis) grid(p *page, top, bottom int) {
	for _, t := range a.ticks() {
		x := a.x(a.from + t)
		p.f("<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", x, top, x, bottom)
		p.f("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, top-6, since(t))
	}
}

// segment is a stretch of one lane in one state.
type segment struct {
	from, to time.Duration
	mark     cluster.Mark
}

// lanes splits the marks into each manager's segments between from and
// to, in the order the managers first appear.
func lanes(h *scenario.History) (order []string, segs map[string][]segment) {
	segs = map[string][]segment{}
	for _, m := range h.Marks {
		if m.At > h.To {
			break
		}
		s := segs[m.Node]
		if s == nil {
			order = append(order, m.Node)
		}
		if n := len(s); n > 0 && m.At <= h.From {
			s = s[:0] // a newer state before the span replaces the older one
		}
		if n := len(s); n > 0 {
			s[n-1].to = m.At
		}
		segs[m.Node] = append(s, segment{from: max(m.At, h.From), to: h.To, mark: m})
	}
	return order, segs
}

func segmentState(m cluster.Mark) (class, label string) {
	switch {
	case !m.Alive:
		return "dead", "dead"
	case m.State == "leader":
		return "leader", fmt.Sprintf("leader · term %d", m.Term)
	}
	return m.State, fmt.Sprintf("%s · term %d", m.State, m.Term)
}

// lanesSVG draws one lane per manager: its Raft role and term over time,
// dead stretches hatched red and cut-off stretches hatched over, with a
// line at each failure, election and step-down.
func lanesSVG(p *page, h *scenario.History, evs []cluster.Event) {
	ax := timeAxis{from: h.From, span: h.To - h.From}
	order, segs := lanes(h)
	height := axisHeight + len(order)*(laneHeight+laneGap) + 4
	p.f("<p class=\"legend\"><span><i class=\"swatch follower\"></i>follower</span><span><i class=\"swatch candidate\"></i>(pre-)candidate</span><span><i class=\"swatch leader\"></i>leader</span><span><i class=\"swatch dead\"></i>dead</span><span><i class=\"swatch cut\"></i>cut off by a partition</span></p>\n")
	p.f("<svg class=\"lanes\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" data-x0=\"%d\" data-x1=\"%d\" data-span-ms=\"%d\" role=\"img\" aria-label=\"each manager's Raft state over time\">\n",
		svgWidth, height, svgWidth, height, laneLeft, svgWidth-laneRight, ms(ax.span))
	p.f("<defs><pattern id=\"dead\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"2.5\" height=\"6\" style=\"fill:var(--bad)\"/></pattern>")
	p.f("<pattern id=\"cut\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(-45)\"><rect width=\"3\" height=\"6\" style=\"fill:var(--fg)\"/></pattern></defs>\n")
	ax.grid(p, axisHeight, height-2)
	for i, node := range order {
		y := axisHeight + laneGap/2 + i*(laneHeight+laneGap)
		p.f("<text x=\"4\" y=\"%d\">%s</text>\n", y+15, esc(node))
		// Candidacies last milliseconds: they are drawn after the rest and
		// at least 2 units wide, so that each election still shows.
		for _, brief := range []bool{false, true} {
			for _, s := range segs[node] {
				class, label := segmentState(s.mark)
				if (class == "candidate" || class == "pre-candidate") != brief {
					continue
				}
				x0, x1 := ax.x(s.from), ax.x(s.to)
				w := x1 - x0
				if brief {
					w = max(w, 2)
				}
				p.f("<rect class=\"seg %s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" data-node=\"%s\" data-from=\"%d\" data-to=\"%d\" data-label=\"%s\"><title>%s: %s, %s to %s</title></rect>\n",
					class, x0, y, w, laneHeight, esc(node), ms(s.from-h.From), ms(s.to-h.From), esc(label), esc(node), esc(label), since(s.from-h.From), since(s.to-h.From))
				if text := label; w >= 7*len(text)+10 {
					on := ""
					if class == "leader" {
						on = " on-leader"
					}
					p.f("<text class=\"seg-label%s\" x=\"%d\" y=\"%d\">%s</text>\n", on, x0+5, y+15, esc(text))
				}
			}
		}
		// A cut-off stretch may span several states; draw it once, as a
		// hatched band along the lane's foot that leaves its words legible.
		var cuts []segment
		for _, s := range segs[node] {
			switch {
			case !s.mark.CutOff:
			case len(cuts) > 0 && cuts[len(cuts)-1].to == s.from:
				cuts[len(cuts)-1].to = s.to
			default:
				cuts = append(cuts, s)
			}
		}
		for _, s := range cuts {
			x0, x1 := ax.x(s.from), ax.x(s.to)
			p.f("<rect class=\"cut\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" data-node=\"%s\"><title>%s is cut off by a partition from %s to %s</title></rect>\n",
				x0, y+laneHeight-cutBand, x1-x0, cutBand, esc(node), esc(node), since(s.from-h.From), since(s.to-h.From))
		}
	}
	eventLines(p, ax, evs, axisHeight-2, height-2)
	p.f("<line class=\"cursor\" x1=\"0\" y1=\"%d\" x2=\"0\" y2=\"%d\" style=\"display:none\"/>\n</svg>\n", axisHeight-2, height-2)
	p.f("<p class=\"readout\" id=\"readout\"></p>\n")
}

// markedKinds are the events worth a line across the lanes.
var markedKinds = map[string]bool{
	cluster.EventKill: true, cluster.EventRestart: true, cluster.EventZoneDown: true, cluster.EventPartition: true,
	cluster.EventHeal: true, cluster.EventLeaderLost: true, cluster.EventLeaderElected: true, cluster.EventStepDown: true,
	cluster.EventForceNewCluster: true,
}

// eventLines draws a line at each marked event; events of one kind that
// fall on the same x share a line, whose tooltip lists them.
func eventLines(p *page, ax timeAxis, evs []cluster.Event, top, bottom int) {
	type key struct {
		x    int
		kind string
	}
	var keys []key
	details := map[key][]string{}
	for _, e := range evs {
		if !markedKinds[e.Kind] {
			continue
		}
		k := key{ax.x(e.At), e.Kind}
		if details[k] == nil {
			keys = append(keys, k)
		}
		details[k] = append(details[k], since(e.At-ax.from)+" "+e.Detail)
	}
	for _, k := range keys {
		d := details[k]
		if len(d) > 6 {
			d = append(d[:5], fmt.Sprintf("and %d more", len(d)-5))
		}
		p.f("<line class=\"ev %s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"><title>%s</title></line>\n", esc(k.kind), k.x, top, k.x, bottom, esc(strings.Join(d, "\n")))
	}
}

// tasksSVG charts every service's running tasks over time (a solid step
// line) against its desired count (dashed).
func tasksSVG(p *page, h *scenario.History, services []cluster.ServiceView) {
	if len(services) == 0 || len(h.Samples) == 0 {
		return
	}
	ax := timeAxis{from: h.From, span: h.To - h.From}
	height := axisHeight + len(services)*(rowHeight+rowGap)
	p.f("<h3>Running tasks per service <span class=\"dim\">(dashed: desired; sampled every %s)</span></h3>\n", h.Step)
	p.f("<svg class=\"service-chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"running tasks per service over time\">\n", svgWidth, height, svgWidth, height)
	ax.grid(p, axisHeight, height-rowGap/2)
	for i, sv := range services {
		top := axisHeight + rowGap/2 + i*(rowHeight+rowGap)
		most := 1
		for _, s := range h.Samples {
			most = max(most, s.Running[sv.Name], s.Desired[sv.Name])
		}
		y := func(v int) int { return top + rowHeight - v*rowHeight/most }
		last := h.Samples[len(h.Samples)-1]
		p.f("<text x=\"4\" y=\"%d\">%s</text><text x=\"4\" y=\"%d\" class=\"seg-label\">%d/%d</text>\n", top+14, esc(sv.Name), top+30, last.Running[sv.Name], last.Desired[sv.Name])
		p.f("<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"seg-label\">%d</text>\n", laneLeft-6, top+10, most)
		p.f("<path class=\"desired\" d=\"%s\"/>\n", stepPath(ax, h.Samples, func(s scenario.Sample) int { return y(s.Desired[sv.Name]) }))
		p.f("<path class=\"running\" d=\"%s\" data-service=\"%s\"><title>%s: running tasks</title></path>\n",
			stepPath(ax, h.Samples, func(s scenario.Sample) int { return y(s.Running[sv.Name]) }), esc(sv.Name), esc(sv.Name))
	}
	p.f("</svg>\n")
}

// stepPath is a step line through the samples: each value holds until
// the next sample.
func stepPath(ax timeAxis, samples []scenario.Sample, y func(scenario.Sample) int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "M%d %d", ax.x(samples[0].At), y(samples[0]))
	for _, s := range samples[1:] {
		fmt.Fprintf(&b, "H%dV%d", ax.x(s.At), y(s))
	}
	return b.String()
}

func servicesHTML(p *page, s cluster.Snapshot) {
	if len(s.Services) == 0 {
		p.f("<p class=\"dim\">No services.</p>\n")
		return
	}
	p.f("<table class=\"services\">\n<tr><th>service</th><th>mode</th><th class=\"num\">running</th><th>per zone</th><th>pending</th></tr>\n")
	for _, sv := range s.Services {
		class := "good"
		if sv.Running < sv.Desired || sv.Pending > 0 {
			class = "bad"
		}
		var zones []string
		for _, z := range s.Zones {
			zones = append(zones, fmt.Sprintf("%s=%d", z.Name, sv.PerZone[z.Name]))
		}
		pending := ""
		if sv.Pending > 0 {
			pending = fmt.Sprintf("%d: %s", sv.Pending, strings.Join(sv.Reasons, "; "))
		}
		p.f("<tr data-service=\"%s\"><td>%s</td><td>%s</td><td class=\"num %s\">%d/%d</td><td class=\"dim\">%s</td><td>%s</td></tr>\n",
			esc(sv.Name), esc(sv.Name), esc(sv.Mode), class, sv.Running, sv.Desired, esc(strings.Join(zones, " ")), esc(pending))
	}
	p.f("</table>\n")
}

// raftHTML is RaftTable as HTML tables.
func raftHTML(p *page, views []cluster.RaftView) {
	p.f("<table class=\"raft\">\n<tr><th>node</th><th>zone</th><th>state</th><th class=\"num\">term</th><th>vote</th><th>leader</th><th class=\"num\">commit</th><th class=\"num\">applied</th><th class=\"num\">last index</th></tr>\n")
	for _, v := range views {
		class := ""
		switch v.State {
		case "leader":
			class = " class=\"warn\""
		case "dead":
			class = " class=\"bad\""
		}
		p.f("<tr data-node=\"%s\"><td>%s</td><td>%s</td><td%s>%s</td><td class=\"num\">%d</td><td>%s</td><td>%s</td><td class=\"num\">%d</td><td class=\"num\">%s</td><td class=\"num\">%d</td></tr>\n",
			esc(v.Node), esc(v.Node), esc(v.Zone), class, esc(v.State), v.Term, esc(dash(v.Vote)), esc(dash(v.Lead)), v.Commit, applied(v), v.LastIndex)
	}
	p.f("</table>\n")
	for _, v := range views {
		if len(v.Followers) == 0 {
			continue
		}
		p.f("<h3>%s, leading term %d, sees its followers</h3>\n<table class=\"followers\">\n<tr><th>follower</th><th class=\"num\">match</th><th class=\"num\">next</th><th>replication</th><th>heard from</th></tr>\n", esc(v.Node), v.Term)
		for _, f := range v.Followers {
			active := "<td class=\"good\">recently</td>"
			if !f.RecentActive {
				active = "<td class=\"bad\">not within an election timeout</td>"
			}
			p.f("<tr><td>%s</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td>%s</td>%s</tr>\n", esc(f.Node), f.Match, f.Next, esc(f.State), active)
		}
		p.f("</table>\n")
	}
	p.f("<p class=\"dim\">Read from etcd Raft's own status. A dead manager's applied index is —: its state machine was in memory; its commit and last index are what its disk holds.</p>\n")
}
