package report

import (
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
)

// The HTML reports are one self-contained file each: the styles, the
// pictures (SVG) and a small script are inline and nothing is fetched, so
// the file opens offline and can be attached to a ticket. Everything in it
// is computed from the run with integer arithmetic, so the same run gives
// the same bytes. The page reads fully without its script, which only adds
// a hover read-out of the timeline; printed, it turns light.

// page collects a report's HTML before it is written in one piece, so a
// write error reports a missing file rather than half a page.
type page struct{ b strings.Builder }

// f writes formatted HTML: the caller escapes what it interpolates.
func (p *page) f(format string, a ...any) { fmt.Fprintf(&p.b, format, a...) }

// esc escapes text for HTML content and quoted attribute values.
func esc(s string) string { return html.EscapeString(s) }

// writePage writes a whole document: head, styles, the error trap, body
// and the script.
func writePage(w io.Writer, title string, body func(p *page)) error {
	p := &page{}
	p.f("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	p.f("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	p.f("<meta name=\"generator\" content=\"swarmsim\">\n")
	p.f("<title>%s</title>\n", esc(title))
	// Installed first, so that an error anywhere in the page's script
	// leaves a mark in the DOM that a test (or a curious reader) can see.
	p.f("<script>window.onerror=function(m){document.documentElement.setAttribute(\"data-script-error\",String(m));};</script>\n")
	p.f("<style>\n%s%s</style>\n</head>\n<body>\n", htmlColours(), pageCSS)
	body(p)
	p.f("<footer class=\"dim\">Made by swarmsim from a deterministic simulation: the same flags and seed make the same file.</footer>\n")
	p.f("<script>\n%s</script>\n</body>\n</html>\n", pageScript)
	_, err := io.WriteString(w, p.b.String())
	return err
}

const pageCSS = `*{box-sizing:border-box}
html{background:var(--bg)}
body{margin:0 auto;max-width:1120px;padding:20px 28px;background:var(--bg);color:var(--fg);font:14px/1.45 "DejaVu Sans Mono",Menlo,Consolas,ui-monospace,monospace}
h1{font-size:19px;margin:0 0 4px}
h2{font-size:16px;margin:26px 0 8px;padding-bottom:2px;border-bottom:1px solid var(--time)}
h3{font-size:14px;margin:0 0 4px}
code{color:var(--fg)}
.dim,footer{color:var(--dim)}
footer{margin-top:28px;font-size:12px}
.good{color:var(--good);font-weight:bold}
.bad{color:var(--bad);font-weight:bold}
.warn{color:var(--leader);font-weight:bold}
.kind{color:var(--kind)}
time,.at{color:var(--time)}
.verdict{border:2px solid var(--good);border-radius:8px;padding:8px 14px;margin:14px 0}
.verdict.quorum-lost,.verdict.failed{border-color:var(--bad)}
.verdict.degraded{border-color:var(--leader)}
.verdict h2{border:0;margin:0 0 4px;padding:0}
.verdict p{margin:2px 0}
.verdict pre{margin:6px 0 2px;font:inherit;white-space:pre-wrap}
.pictures{display:flex;flex-wrap:wrap;gap:12px 28px}
figure{margin:0}
figcaption{font-weight:bold;margin-bottom:6px}
.zones{display:flex;gap:8px;align-items:flex-start;flex-wrap:wrap}
.zone{border:1px solid var(--time);border-radius:8px;padding:6px 10px;min-width:200px}
.zone h3{color:var(--zone)}
.node{white-space:nowrap}
.node .name{font-weight:bold;display:inline-block;min-width:3.2em}
.node.worker .name{font-weight:normal}
.node .role{display:inline-block;min-width:5.5em;color:var(--dim)}
.state.leader{color:var(--leader);font-weight:bold}
.state.dead{color:var(--bad);text-decoration:line-through}
.state.down,.state.unreachable{color:var(--bad)}
.state.drain,.state.pause{color:var(--leader)}
.tasks{color:var(--task);padding-left:1.6em;font-size:12px;white-space:normal;max-width:26em}
svg{display:block;max-width:100%;height:auto}
svg text{fill:var(--fg);font:12px "DejaVu Sans Mono",Menlo,Consolas,monospace}
svg .tick{stroke:var(--time);stroke-width:1}
svg .grid{stroke:var(--time);stroke-width:1;opacity:.35}
svg .seg.follower{fill:var(--zone);opacity:.55}
svg .seg.pre-candidate,svg .seg.candidate{fill:var(--kind)}
svg .seg.leader{fill:var(--leader)}
svg .seg.dead{fill:url(#dead)}
svg .cut{fill:url(#cut)}
svg .seg-label{font-size:11px}
svg .seg-label.on-leader{fill:#000}
svg .ev{stroke:var(--kind);stroke-width:1.5;stroke-dasharray:3 3}
svg .ev.kill,svg .ev.zone-down,svg .ev.leader-lost{stroke:var(--bad)}
svg .ev.leader-elected{stroke:var(--leader)}
svg .ev.restart,svg .ev.heal{stroke:var(--good)}
svg .running{fill:none;stroke:var(--task);stroke-width:2}
svg .desired{fill:none;stroke:var(--good);stroke-width:1;stroke-dasharray:5 4}
svg .cursor{stroke:var(--fg);stroke-width:1}
.legend span{margin-right:14px;white-space:nowrap}
.swatch{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px;border-radius:2px}
.swatch.follower{background:var(--zone);opacity:.55}.swatch.candidate{background:var(--kind)}.swatch.leader{background:var(--leader)}
.swatch.dead{background:repeating-linear-gradient(45deg,var(--bad) 0 2px,transparent 2px 5px)}
.swatch.cut{background:repeating-linear-gradient(-45deg,var(--fg) 0 2px,transparent 2px 5px)}
.readout{min-height:1.5em;color:var(--dim);margin:4px 0 8px}
table{border-collapse:collapse;margin:4px 0}
th,td{text-align:left;padding:2px 12px 2px 0;vertical-align:top}
th{color:var(--dim);font-weight:normal;border-bottom:1px solid var(--time)}
td.num,th.num{text-align:right}
ol.events,ol.steps{list-style:none;padding:0;margin:0}
ol.events li{padding:1px 0}
ol.events time{display:inline-block;min-width:6.5em;text-align:right;margin-right:10px}
ol.events .kind{display:inline-block;min-width:11em}
ol.steps>li{padding:3px 0 3px 8px;border-left:3px solid var(--time);margin:3px 0}
ol.steps>li.held{border-left-color:var(--good)}
ol.steps>li.failed{border-left-color:var(--bad)}
ol.steps .result{padding-left:7.6em}
ol.steps .at{display:inline-block;min-width:7em}
ol.steps ol.events{padding-left:1.2em;font-size:12px}
.drill{margin-bottom:18px}
.teaches{color:var(--dim);margin:2px 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:14px}
.card{border:1px solid var(--time);border-radius:8px;padding:10px 14px;width:340px}
.card.recommended{border:2px solid var(--good)}
.card h3{font-size:16px}
.card dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:6px 0}
.card dt{color:var(--dim)}
.card dd{margin:0}
.card ul{margin:4px 0;padding-left:1.2em}
@media print{
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{max-width:none;padding:0;font-size:11px}
.readout,svg .cursor{display:none}
section,figure,.card,.zone{break-inside:avoid}
svg .seg-label.on-leader{fill:#fff}
}
`

// pageScript adds what only a screen can do: a cursor over the timeline
// that reads out every manager's state at that moment. It reads the lanes
// from their data attributes, so it needs nothing beyond the page, and it
// marks the document when it has run.
const pageScript = `(function () {
  "use strict";
  var lanes = document.querySelector("svg.lanes");
  var out = document.getElementById("readout");
  if (lanes && out) {
    var segs = Array.prototype.slice.call(lanes.querySelectorAll(".seg"));
    var x0 = Number(lanes.getAttribute("data-x0")), x1 = Number(lanes.getAttribute("data-x1"));
    var span = Number(lanes.getAttribute("data-span-ms"));
    var cursor = lanes.querySelector(".cursor");
    var show = function (ms) {
      var order = [], state = {};
      segs.forEach(function (s) {
        var node = s.getAttribute("data-node");
        if (!(node in state)) { order.push(node); state[node] = ""; }
        var from = Number(s.getAttribute("data-from")), to = Number(s.getAttribute("data-to"));
        if (from <= ms && (ms < to || (ms === span && to === span))) { state[node] = s.getAttribute("data-label"); }
      });
      out.textContent = "at +" + (ms / 1000).toFixed(3) + "s: " + order.map(function (n) { return n + " " + state[n]; }).join(" · ");
    };
    lanes.addEventListener("mousemove", function (e) {
      var r = lanes.getBoundingClientRect();
      var x = (e.clientX - r.left) * lanes.viewBox.baseVal.width / r.width;
      if (x < x0 || x > x1) { return; }
      cursor.setAttribute("x1", x);
      cursor.setAttribute("x2", x);
      cursor.style.display = "";
      show(Math.round((x - x0) / (x1 - x0) * span));
    });
    show(span);
  }
  document.documentElement.setAttribute("data-script", "ok");
})();
`

// zonesHTML draws a snapshot's zones as columns, each node with its role,
// state and running tasks: the terminal's picture, in HTML.
func zonesHTML(p *page, s cluster.Snapshot) {
	nodes := map[string]cluster.NodeView{}
	for _, n := range s.Nodes {
		nodes[n.Name] = n
	}
	p.f("<div class=\"zones\">\n")
	for _, z := range s.Zones {
		p.f("<div class=\"zone\" data-zone=\"%s\"><h3>zone %s</h3>\n", esc(z.Name), esc(z.Name))
		for i, name := range z.Nodes {
			if i == nodesPerZone {
				p.f("<div class=\"dim\">… %d more nodes</div>\n", len(z.Nodes)-nodesPerZone)
				break
			}
			n := nodes[name]
			class, label := nodeState(n)
			p.f("<div class=\"node %s\" data-node=\"%s\"><span class=\"name\">%s</span> <span class=\"role\">%s</span> <span class=\"state %s\">%s</span>",
				esc(n.Role), esc(n.Name), esc(n.Name), esc(n.Role), class, esc(label))
			if n.Tasks.Len() > 0 {
				p.f("<div class=\"tasks\">%s</div>", esc(strings.Join(n.Tasks.Names(), " ")))
			}
			p.f("</div>\n")
		}
		p.f("</div>\n")
	}
	p.f("</div>\n")
}

// nodeState is a node's state as the picture shows it: a class for its
// colour and the words, which carry the fact without colour.
func nodeState(n cluster.NodeView) (class, label string) {
	switch {
	case !n.Alive:
		return "dead", "✗ dead"
	case n.Leader:
		return "leader", "★ leader"
	case n.Status == cluster.NodeDown:
		return "down", "down"
	case n.Role == cluster.RoleManager && n.ManagerStatus == "Unreachable":
		return "unreachable", "unreachable"
	case n.Availability != "" && n.Availability != cluster.Active:
		return esc(n.Availability), n.Availability
	}
	return "ready", "ready"
}

// eventsHTML lists timeline entries. With since set, times read as
// +seconds after it, as the headline's timeline does; otherwise as
// simulated time, as a drill's transcript does.
func eventsHTML(p *page, evs []cluster.Event, since *time.Duration) {
	p.f("<ol class=\"events\">\n")
	for _, e := range evs {
		at := cluster.FormatTime(e.At)
		if since != nil {
			at = "+" + cluster.FormatTime(e.At-*since)
		}
		p.f("<li class=\"ev-%s\"><time>%s</time> <span class=\"kind\">%s</span> %s</li>\n", esc(e.Kind), at, esc(e.Kind), esc(e.Detail))
	}
	p.f("</ol>\n")
}
