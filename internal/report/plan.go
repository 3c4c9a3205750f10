package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// Plan writes a plan: a table of the layouts, best first by the rule, the
// recommended one marked ★ (with a judged layout first and the better one
// named); then why, the warnings, commit latency for every leader zone, and
// the single-zone losses as real Raft decided them.
func Plan(w io.Writer, rep *scenario.PlanReport, st Styles) {
	title := "swarmsim plan · " + managersOver(rep.Managers, rep.Zones)
	if rep.Judged != "" {
		title = "swarmsim plan · judging " + rep.Judged + " · " + managersOver(rep.Managers, rep.Zones)
	}
	fmt.Fprintf(w, "%s\n\n", st.Title.Render(title+" · seed "+strconv.FormatUint(rep.Seed, 10)))
	planTable(w, rep, st)
	if rep.More > 0 {
		fmt.Fprintf(w, "  %s\n", st.Dim.Render(fmt.Sprintf("… and %s more, each surviving less or committing slower; the best %d are listed", prose.Counted(rep.More, "layout"), len(rep.Layouts))))
	}
	fmt.Fprintln(w)

	best := rep.Recommended()
	for _, l := range rep.Layouts {
		if l.Judged && !l.Recommended {
			fmt.Fprintf(w, "%s %s\n", l.Layout, l.Why)
		}
	}
	switch {
	case rep.Judged != "" && best.Judged:
		fmt.Fprintf(w, "%s %s is what the rule recommends: it %s\n", st.Good.Render("★"), st.Good.Render(best.Layout.String()), best.Why)
	case rep.Judged != "":
		fmt.Fprintf(w, "%s Better: %s over %s: %s\n", st.Good.Render("★"), st.Good.Render(best.Layout.String()), prose.Counted(len(best.Layout.Zones), "zone"), rep.Better)
	case best.Layout.SurvivesAnyZone():
		fmt.Fprintf(w, "%s %s is recommended: it %s\n", st.Good.Render("★"), st.Good.Render(best.Layout.String()), best.Why)
	case best.SurvivedZones == 0:
		fmt.Fprintf(w, "%s %s is recommended: no layout of %s survives losing a zone that holds managers; it %s\n",
			st.Good.Render("★"), st.Good.Render(best.Layout.String()), managersOver(rep.Managers, rep.Zones), best.Why)
	default:
		fmt.Fprintf(w, "%s %s is recommended: no layout of %s survives losing any one zone, and it survives losing zone %s, as many as any can; it %s\n",
			st.Good.Render("★"), st.Good.Render(best.Layout.String()), managersOver(rep.Managers, rep.Zones), survivesLosing(best.Assessment), best.Why)
	}
	fmt.Fprintf(w, "  %s\n", st.Dim.Render("The rule: "+az.Rule+"."))

	planWarnings(w, rep, st)
	planLatency(w, rep, st)
	if rep.Odds != nil {
		planOdds(w, rep, st)
	}

	fmt.Fprintf(w, "\n%s\n", st.Heading.Render("Verified on real Raft: "+rep.VerifiedLayout+", each zone lost in turn"))
	for _, v := range rep.Verified {
		verdict := "quorum lost"
		if v.Raft {
			verdict = "holds, " + v.Leader + " leads"
		}
		ok := st.Good.Render("✓ as predicted")
		if v.Raft != v.Predicted {
			ok = st.Bad.Render("✗ the prediction was wrong")
		}
		fmt.Fprintf(w, "  lose zone %s: predicted %s; Raft after %s: %s  %s\n", v.Zone, holdsOrLost(v.Predicted), scenario.VerifyBound, verdict, ok)
	}
}

// cell is one table cell: its text, and how to style it once padded.
type cell struct {
	text  string
	style *Style
}

// planTable writes the layouts as a table whose columns line up whatever
// the colours.
func planTable(w io.Writer, rep *scenario.PlanReport, st Styles) {
	head := []string{"", "layout", "survives losing", "breaks after"}
	if rep.Odds != nil {
		head = append(head, "P(quorum lost) exact · simulated")
	}
	head = append(head, "commit p50 / p99", "slowest leader zone", "warnings")
	rows := [][]cell{}
	for _, l := range rep.Layouts {
		mark, name := cell{text: ""}, cell{text: l.Layout.String()}
		if l.Judged {
			name.text += " (judged)"
		}
		if l.Recommended {
			mark, name.style = cell{"★", &st.Good}, &st.Good
		}
		survives := cell{survivesLosing(l.Assessment), &st.Bad}
		if l.Layout.SurvivesAnyZone() {
			survives.style = &st.Good
		}
		row := []cell{mark, name, survives, {text: fmt.Sprintf("%s or %s", prose.Counted(l.MinBreak, "manager"), prose.Counted(l.MinZoneBreak, "zone"))}}
		if rep.Odds != nil {
			row = append(row, oddsCell(l.Odds, st))
		}
		row = append(row, commitCells(l)...)
		row = append(row, cell{strings.Join(l.WarningTags, ", "), &st.Warn})
		rows = append(rows, row)
	}
	width := make([]int, len(head))
	for i, h := range head {
		width[i] = utf8.RuneCountInString(h)
	}
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c.text))
		}
	}
	line := func(cells []cell) {
		var b strings.Builder
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			text := c.text
			if i < len(cells)-1 {
				text += strings.Repeat(" ", width[i]-utf8.RuneCountInString(c.text))
			}
			if c.style != nil && c.text != "" {
				text = c.style.Render(c.text) + text[len(c.text):]
			}
			b.WriteString(text)
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	heads := make([]cell, len(head))
	for i, h := range head {
		heads[i] = cell{h, &st.Dim}
	}
	line(heads)
	for _, row := range rows {
		line(row)
	}
}

// survivesLosing lists the zones holding managers whose loss the layout
// survives: "any one zone", "b or c", "none".
func survivesLosing(a az.Assessment) string {
	if a.Layout.SurvivesAnyZone() {
		return "any one zone"
	}
	var zones []string
	for _, z := range a.Layout.Zones {
		if z.Managers > 0 && slices.Contains(a.Survives, z.Name) {
			zones = append(zones, z.Name)
		}
	}
	if len(zones) == 0 {
		return "none"
	}
	return prose.OrList(zones)
}

func commitCells(l scenario.PlannedLayout) []cell {
	first, slow := l.First(), l.Slowest()
	return []cell{
		{text: fmt.Sprintf("%s / %s ms (%s)", tenths(first.P50), tenths(first.P99), first.Zone)},
		{text: fmt.Sprintf("%s ms (%s)", tenths(slow.P50), slow.Zone)},
	}
}

func oddsCell(o *scenario.OddsResult, st Styles) cell {
	if o.Agree {
		return cell{text: fmt.Sprintf("%s · %s ± %s", pct(o.Exact), pct(o.MonteCarlo), pct(o.StdError))}
	}
	return cell{fmt.Sprintf("%s · %s ± %s DISAGREE", pct(o.Exact), pct(o.MonteCarlo), pct(o.StdError)), &st.Bad}
}

// planWarnings writes each warning once: those every layout shares first,
// then each layout's own.
func planWarnings(w io.Writer, rep *scenario.PlanReport, st Styles) {
	shared := slices.Clone(rep.Layouts[0].Warnings)
	for _, l := range rep.Layouts[1:] {
		shared = slices.DeleteFunc(shared, func(s string) bool { return !slices.Contains(l.Warnings, s) })
	}
	var lines []string
	if len(rep.Layouts) == 1 {
		shared = nil
	}
	for _, s := range shared {
		lines = append(lines, fmt.Sprintf("  %s every layout: %s", st.Warn.Render("!"), s))
	}
	for _, l := range rep.Layouts {
		for _, s := range l.Warnings {
			if !slices.Contains(shared, s) {
				lines = append(lines, fmt.Sprintf("  %s %s: %s", st.Warn.Render("!"), l.Layout, s))
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", st.Heading.Render("Warnings"))
	for _, s := range lines {
		fmt.Fprintln(w, s)
	}
}

// planLatency writes every leader zone's commit latency and what the
// network was.
func planLatency(w io.Writer, rep *scenario.PlanReport, st Styles) {
	fmt.Fprintf(w, "\n%s\n", st.Heading.Render("Commit latency by leader zone"))
	fmt.Fprintf(w, "  %s\n", st.Dim.Render(fmt.Sprintf("p50 / p99 of %d writes each on real Raft, from the proposal at the leader to its commit; the leader can move after a failure", rep.Proposals)))
	fmt.Fprintf(w, "  %s\n", st.Dim.Render("zone round trips: "+rttWords(rep.RTT)))
	width := 0
	for _, l := range rep.Layouts {
		width = max(width, len(l.Layout.String()))
	}
	for _, l := range rep.Layouts {
		var zones []string
		for _, c := range l.Commit {
			z := fmt.Sprintf("%s %s / %s", c.Zone, tenths(c.P50), tenths(c.P99))
			if c.SameAs != "" {
				z += " (as " + c.SameAs + ")"
			}
			zones = append(zones, z)
		}
		first := l.First()
		fmt.Fprintf(w, "  %-*s  %s ms · %s messages per commit\n", width, l.Layout, strings.Join(zones, " · "), hundredths(first.Messages, first.Commits))
	}
}

// rttWords says what round trips the network used.
func rttWords(r cluster.RTT) string {
	def := "the simulator's defaults (one way 0.2–1 ms inside a zone, 1–5 ms between zones)"
	if len(r) == 0 {
		return def
	}
	return rttList(r) + "; other pairs " + def
}

// rttList writes round trips for reading: "a-b 40ms, a-c 40ms, b-c 12ms".
func rttList(r cluster.RTT) string {
	var pairs []string
	for _, p := range r.Pairs() {
		pairs = append(pairs, p[0]+"-"+p[1]+" "+r[p].String())
	}
	return strings.Join(pairs, ", ")
}

func planOdds(w io.Writer, rep *scenario.PlanReport, st Styles) {
	o := rep.Layouts[0].Odds
	fmt.Fprintf(w, "\n%s\n", st.Heading.Render("Odds of losing quorum in a period"))
	fmt.Fprintf(w, "  each manager fails with probability %s and each zone with %s, independently: exact, and simulated over %d periods in which real Raft decides (each distinct failure pattern run once), ± one standard error\n",
		pct(rep.Odds.NodeFailure), pct(rep.Odds.ZoneFailure), o.Samples)
	for _, l := range rep.Layouts {
		agree := st.Good.Render("agree")
		if !l.Odds.Agree {
			agree = st.Bad.Render("DISAGREE")
		}
		fmt.Fprintf(w, "  %s: %s exact; %s ± %s simulated (%d patterns): %s\n", l.Layout, pct(l.Odds.Exact), pct(l.Odds.MonteCarlo), pct(l.Odds.StdError), l.Odds.Simulations, agree)
	}
}

func holdsOrLost(b bool) string {
	if b {
		return "holds"
	}
	return "quorum lost"
}

func pct(p float64) string { return strconv.FormatFloat(100*p, 'g', 3, 64) + "%" }

// tenths writes a duration in milliseconds with one decimal, rounded, in
// integers: 38.7.
func tenths(d time.Duration) string {
	t := (d + 50*time.Microsecond) / (100 * time.Microsecond)
	return fmt.Sprintf("%d.%d", t/10, t%10)
}

// hundredths writes n/d with two decimals, rounded, in integers: 16.02.
func hundredths(n uint64, d int) string {
	if d <= 0 {
		return "0.00"
	}
	h := (n*100 + uint64(d)/2) / uint64(d)
	return fmt.Sprintf("%d.%02d", h/100, h%100)
}

// millis is a duration in JSON as milliseconds with three decimals,
// written from integer microseconds so no float reaches the output.
type millis time.Duration

func (m millis) MarshalJSON() ([]byte, error) {
	us := (time.Duration(m) + 500*time.Nanosecond) / time.Microsecond
	return fmt.Appendf(nil, "%d.%03d", us/1000, us%1000), nil
}

// ratio is a ratio in JSON with two decimals, computed in integers.
type ratio struct {
	n uint64
	d int
}

func (r ratio) MarshalJSON() ([]byte, error) { return []byte(hundredths(r.n, r.d)), nil }

type planJSON struct {
	Managers    int                           `json:"managers"`
	Zones       int                           `json:"zones"`
	Seed        uint64                        `json:"seed,string"`
	Rule        string                        `json:"rule"`
	Recommended string                        `json:"recommended"`
	Judged      *string                       `json:"judged"`
	Better      string                        `json:"better,omitempty"`
	RTT         map[string]millis             `json:"rtt_ms"`
	Proposals   int                           `json:"proposals"`
	Layouts     []layoutJSON                  `json:"layouts"`
	More        int                           `json:"more_layouts"`
	Verified    map[string][]verificationJSON `json:"verified"`
	Odds        *oddsInputJSON                `json:"odds,omitempty"`
}

type oddsInputJSON struct {
	NodeFailure float64 `json:"node_failure"`
	ZoneFailure float64 `json:"zone_failure"`
}

type layoutJSON struct {
	Layout        string                     `json:"layout"`
	Quorum        int                        `json:"quorum"`
	Tolerance     int                        `json:"tolerance"`
	Survives      []string                   `json:"survives"`
	Loses         []string                   `json:"loses"`
	SurvivedZones int                        `json:"survived_zones"`
	MinBreak      int                        `json:"min_break"`
	MinZoneBreak  int                        `json:"min_zone_break"`
	Recommended   bool                       `json:"recommended"`
	Judged        bool                       `json:"judged"`
	Why           string                     `json:"why"`
	Warnings      []string                   `json:"warnings"`
	Commit        percentilesJSON            `json:"commit_ms"`
	ByLeaderZone  map[string]percentilesJSON `json:"commit_ms_by_leader_zone"`
	Slowest       slowestJSON                `json:"commit_ms_slowest_leader_zone"`
	Messages      ratio                      `json:"messages_per_commit"`
	Odds          *oddsJSON                  `json:"odds,omitempty"`
}

type percentilesJSON struct {
	P50 millis `json:"p50"`
	P99 millis `json:"p99"`
}

type slowestJSON struct {
	Zone string `json:"zone"`
	percentilesJSON
}

type oddsJSON struct {
	Exact       float64 `json:"exact"`
	MonteCarlo  float64 `json:"monte_carlo"`
	StdError    float64 `json:"std_error"`
	Samples     int     `json:"samples"`
	Simulations int     `json:"simulations"`
	Agree       bool    `json:"agree"`
}

type verificationJSON struct {
	Zone      string `json:"zone"`
	Predicted bool   `json:"predicted"`
	Raft      bool   `json:"raft"`
	Leader    string `json:"leader"`
}

// PlanJSON writes a plan as one JSON object.
func PlanJSON(w io.Writer, rep *scenario.PlanReport) error {
	out := planJSON{
		Managers: rep.Managers, Zones: rep.Zones, Seed: rep.Seed, Rule: az.Rule, Better: rep.Better,
		RTT: map[string]millis{}, Proposals: rep.Proposals, Layouts: []layoutJSON{}, More: rep.More,
		Verified: map[string][]verificationJSON{},
	}
	if best := rep.Recommended(); best != nil {
		out.Recommended = best.Layout.String()
	}
	if rep.Judged != "" {
		out.Judged = &rep.Judged
	}
	for _, p := range rep.RTT.Pairs() {
		out.RTT[p[0]+"-"+p[1]] = millis(rep.RTT[p])
	}
	if rep.Odds != nil {
		out.Odds = &oddsInputJSON{rep.Odds.NodeFailure, rep.Odds.ZoneFailure}
	}
	for _, l := range rep.Layouts {
		first, slow := l.First(), l.Slowest()
		lj := layoutJSON{
			Layout: l.Layout.String(), Quorum: l.Quorum, Tolerance: l.Tolerance,
			Survives: nonNil(l.Survives), Loses: nonNil(l.Loses), SurvivedZones: l.SurvivedZones,
			MinBreak: l.MinBreak, MinZoneBreak: l.MinZoneBreak,
			Recommended: l.Recommended, Judged: l.Judged, Why: l.Why, Warnings: nonNil(l.Warnings),
			Commit:       percentilesJSON{millis(first.P50), millis(first.P99)},
			ByLeaderZone: map[string]percentilesJSON{},
			Slowest:      slowestJSON{slow.Zone, percentilesJSON{millis(slow.P50), millis(slow.P99)}},
			Messages:     ratio{first.Messages, first.Commits},
		}
		for _, c := range l.Commit {
			lj.ByLeaderZone[c.Zone] = percentilesJSON{millis(c.P50), millis(c.P99)}
		}
		if o := l.Odds; o != nil {
			lj.Odds = &oddsJSON{Exact: o.Exact, MonteCarlo: o.MonteCarlo, StdError: o.StdError, Samples: o.Samples, Simulations: o.Simulations, Agree: o.Agree}
		}
		out.Layouts = append(out.Layouts, lj)
	}
	vs := []verificationJSON{}
	for _, v := range rep.Verified {
		vs = append(vs, verificationJSON{Zone: v.Zone, Predicted: v.Predicted, Raft: v.Raft, Leader: v.Leader})
	}
	out.Verified[rep.VerifiedLayout] = vs
	return WriteJSON(w, out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
