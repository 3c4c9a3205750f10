package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
)

// plan answers "how should I spread my managers?" with the arithmetic of
// package az, then checks the arithmetic against real Raft: every
// single-zone loss of the recommended (or given) layout is simulated, and
// with failure odds the exact loss probability is cross-checked by a Monte
// Carlo of simulated periods.

const planUsage = `Usage:
  swarmsim plan --managers N --zones Z            every layout worth showing, the recommended one marked
  swarmsim plan --az 2-2-1                        judge one layout
  swarmsim plan ... --node-failure 0.01 --zone-failure 0.001   survival odds, exact and simulated

Flags:
`

// verifyBound is how long each simulated loss runs before Raft's verdict is
// read: three election timeouts (see cluster's checker).
const verifyBound = 30 * time.Second

type planOptions struct {
	managers, zones int
	layout          *az.Layout
	odds            *az.Odds
	samples         int
	seed            uint64
	json            bool
}

type verification struct {
	Zone      string `json:"zone"`
	Predicted bool   `json:"predicted"`
	Raft      bool   `json:"raft"`
	Leader    string `json:"leader"`
}

type oddsReport struct {
	Exact       float64 `json:"exact"`
	MonteCarlo  float64 `json:"monte_carlo"`
	StdError    float64 `json:"std_error"`
	Samples     int     `json:"samples"`
	Simulations int     `json:"simulations"` // distinct failure patterns run on Raft
	Agree       bool    `json:"agree"`
}

type planReport struct {
	Managers int                       `json:"managers"`
	Zones    int                       `json:"zones"`
	Layouts  []layoutReport            `json:"layouts"`
	Verified map[string][]verification `json:"verified"`
	Odds     *oddsInput                `json:"odds,omitempty"`
}

type oddsInput struct {
	NodeFailure float64 `json:"node_failure"`
	ZoneFailure float64 `json:"zone_failure"`
}

type layoutReport struct {
	Layout       string      `json:"layout"`
	Quorum       int         `json:"quorum"`
	Tolerance    int         `json:"tolerance"`
	Survives     []string    `json:"survives"`
	Loses        []string    `json:"loses"`
	MinBreak     int         `json:"min_break"`
	MinZoneBreak int         `json:"min_zone_break"`
	Recommended  bool        `json:"recommended"`
	Why          string      `json:"why"`
	Warnings     []string    `json:"warnings"`
	Odds         *oddsReport `json:"odds,omitempty"`
}

func runPlan(args []string, stdout, stderr io.Writer, env func(string) string) int {
	fs := newFlagSet("swarmsim plan")
	managers := fs.String("managers", "", "managers to place (default: the --az layout's, or 5)")
	zones := fs.String("zones", "3", "availability zones to place them over")
	layout := fs.String("az", "", "judge this layout, like 2-2-1")
	from := fs.String("from", "", "judge the layout of a real swarm: `docker node inspect $(docker node ls -q)` output saved to this file")
	nodeFail := fs.String("node-failure", "", "probability that a manager fails in a period, like 0.01")
	zoneFail := fs.String("zone-failure", "", "probability that a whole zone fails in a period, like 0.001")
	samples := fs.String("samples", "20000", "simulated periods for the Monte Carlo check")
	seed := fs.String("seed", "1", "seed for the simulations")
	output := fs.String("output", "text", "text or json")
	noColor := fs.Bool("no-color", false, "plain text without colour (also when NO_COLOR is set)")
	if code, done := parseSubcommand(fs, args, planUsage, stderr); done {
		return code
	}
	var im *imported
	if *from != "" {
		if *layout != "" || fs.Changed("managers") || fs.Changed("zones") {
			return fail(stderr, fmt.Errorf("--from %s already gives the layout; leave out --az, --managers and --zones", *from))
		}
		var err error
		if im, err = importSwarm(*from, ""); err != nil {
			return fail(stderr, err)
		}
	}
	o, err := planFlags(*managers, *zones, *layout, *nodeFail, *zoneFail, *samples, *seed, *output)
	if err != nil {
		return fail(stderr, err)
	}
	if im != nil {
		o.layout, o.managers, o.zones = &im.layout, im.layout.Managers(), len(im.layout.Zones)
	}
	rep := buildPlan(o)
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		renderPlan(stdout, rep, newStyles(stdout, !*noColor && env("NO_COLOR") == ""))
	}
	for _, vs := range rep.Verified {
		for _, v := range vs {
			if v.Predicted != v.Raft {
				return exitFailed
			}
		}
	}
	for _, l := range rep.Layouts {
		if l.Odds != nil && !l.Odds.Agree {
			return exitFailed
		}
	}
	return exitOK
}

func planFlags(managers, zones, layout, nodeFail, zoneFail, samples, seed, output string) (*planOptions, error) {
	o := &planOptions{}
	var err error
	if o.zones, err = count("--zones", zones, 1, "--zones 3"); err != nil {
		return nil, err
	}
	if layout != "" {
		l, err := az.Parse(layout)
		if err != nil {
			return nil, fmt.Errorf("--az %s: %w", layout, err)
		}
		o.layout, o.zones = &l, len(l.Zones)
		o.managers = l.Managers()
		if managers != "" {
			if _, err := resolveLayout(layout, mustAtoi(managers)); err != nil {
				return nil, err
			}
		}
	} else {
		if managers == "" {
			managers = "5"
		}
		if o.managers, err = count("--managers", managers, 1, "--managers 5"); err != nil {
			return nil, err
		}
	}
	if err := az.CheckPlan(o.managers, o.zones); err != nil {
		return nil, err
	}
	if (nodeFail == "") != (zoneFail == "") {
		return nil, fmt.Errorf("give both --node-failure and --zone-failure, like --node-failure 0.01 --zone-failure 0.001")
	}
	if nodeFail != "" {
		var odds az.Odds
		if odds.NodeFailure, err = strconv.ParseFloat(nodeFail, 64); err != nil {
			return nil, fmt.Errorf("--node-failure %s: write a probability between 0 and 1, like 0.01", nodeFail)
		}
		if odds.ZoneFailure, err = strconv.ParseFloat(zoneFail, 64); err != nil {
			return nil, fmt.Errorf("--zone-failure %s: write a probability between 0 and 1, like 0.001", zoneFail)
		}
		if err := odds.Validate(); err != nil {
			return nil, err
		}
		o.odds = &odds
	}
	if o.samples, err = count("--samples", samples, 100, "--samples 20000"); err != nil {
		return nil, err
	}
	if o.seed, err = parseSeed("--seed", seed); err != nil {
		return nil, err
	}
	switch output {
	case "text":
	case "json":
		o.json = true
	default:
		return nil, fmt.Errorf("--output %s: choose text or json", output)
	}
	return o, nil
}

func mustAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func buildPlan(o *planOptions) planReport {
	var assessments []az.Assessment
	if o.layout != nil {
		assessments = []az.Assessment{az.Assess(*o.layout)}
	} else {
		assessments = az.Plan(o.managers, o.zones)
	}
	rep := planReport{Managers: o.managers, Zones: o.zones, Verified: map[string][]verification{}}
	if o.odds != nil {
		rep.Odds = &oddsInput{o.odds.NodeFailure, o.odds.ZoneFailure}
	}
	for i, a := range assessments {
		lr := layoutReport{
			Layout: a.Layout.String(), Quorum: a.Quorum, Tolerance: a.Tolerance,
			Survives: nonNil(a.Survives), Loses: nonNil(a.Loses), MinBreak: a.MinBreak, MinZoneBreak: a.MinZoneBreak,
			Recommended: a.Recommended, Why: a.Why, Warnings: nonNil(a.Warnings),
		}
		if o.odds != nil && (i == 0 || a.Recommended) {
			lr.Odds = odds(a.Layout, *o.odds, o.samples, o.seed)
		}
		rep.Layouts = append(rep.Layouts, lr)
		if i == 0 {
			rep.Verified[lr.Layout] = verify(a.Layout, o.seed)
		}
	}
	return rep
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// verify runs every single-zone loss of l on real Raft.
func verify(l az.Layout, seed uint64) []verification {
	var out []verification
	for _, loss := range l.Losses() {
		c, err := cluster.New(cluster.Config{Seed: seed, Layout: l})
		if err == nil {
			err = c.RunFor(time.Second)
		}
		if err == nil {
			err = c.Apply(cluster.KillZone(loss.Zone))
		}
		if err == nil {
			err = c.RunFor(verifyBound)
		}
		v := verification{Zone: loss.Zone, Predicted: loss.Holds}
		if err == nil {
			s := c.Snapshot()
			v.Raft, v.Leader = s.Quorum.Holds, s.Leader
		}
		out = append(out, v)
	}
	return out
}

// odds computes the exact loss probability and a Monte Carlo estimate in
// which Raft decides every sampled period. Periods with the same failures
// give the same verdict, so each distinct pattern is simulated once, seeded
// by the pattern.
func odds(l az.Layout, o az.Odds, samples int, seed uint64) *oddsReport {
	r := rand.New(rand.NewPCG(seed, 0x6f646473)) // "odds"
	patterns := map[string]az.Sample{}
	keys := make([]string, samples)
	for i := range samples {
		s := l.SampleLoss(o, r)
		keys[i] = patternKey(s)
		patterns[keys[i]] = s
	}
	var order []string
	for k := range patterns {
		order = append(order, k)
	}
	slices.Sort(order)
	lost := make(map[string]bool, len(order))
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan string)
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				v := simulatePeriod(l, patterns[k], seed^hash(k))
				mu.Lock()
				lost[k] = v
				mu.Unlock()
			}
		}()
	}
	for _, k := range order {
		next <- k
	}
	close(next)
	wg.Wait()
	n := 0
	for _, k := range keys {
		if lost[k] {
			n++
		}
	}
	exact := l.LossProbability(o)
	mc := float64(n) / float64(samples)
	se := az.MonteCarloError(exact, samples)
	diff := mc - exact
	return &oddsReport{Exact: exact, MonteCarlo: mc, StdError: se, Samples: samples, Simulations: len(order), Agree: diff <= 4*se && diff >= -4*se}
}

func patternKey(s az.Sample) string {
	var b strings.Builder
	b.WriteString(strings.Join(s.DeadZones, ","))
	b.WriteByte('|')
	var zs []string
	for z := range s.DeadManagers {
		zs = append(zs, z)
	}
	slices.Sort(zs)
	for _, z := range zs {
		fmt.Fprintf(&b, "%s=%d,", z, s.DeadManagers[z])
	}
	return b.String()
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// simulatePeriod applies one sampled period's failures to a fresh swarm and
// reports whether Raft lost quorum.
func simulatePeriod(l az.Layout, s az.Sample, seed uint64) bool {
	c, err := cluster.New(cluster.Config{Seed: seed, Layout: l})
	if err != nil || c.RunFor(time.Second) != nil {
		return true
	}
	var actions []cluster.Action
	for _, z := range s.DeadZones {
		actions = append(actions, cluster.KillZone(z))
	}
	byZone := map[string][]string{}
	for _, n := range c.Snapshot().Nodes {
		if n.Role == cluster.RoleManager {
			byZone[n.Zone] = append(byZone[n.Zone], n.Name)
		}
	}
	r := rand.New(rand.NewPCG(seed, 1))
	var victims []string
	for _, z := range l.Names() {
		names := byZone[z]
		r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		victims = append(victims, names[:s.DeadManagers[z]]...)
	}
	if len(victims) > 0 {
		actions = append(actions, cluster.Kill(victims...))
	}
	for _, a := range actions {
		if c.Apply(a) != nil {
			return true
		}
	}
	if c.RunFor(verifyBound) != nil {
		return true
	}
	return c.Snapshot().Leader == ""
}

func renderPlan(w io.Writer, rep planReport, st styles) {
	fmt.Fprintf(w, "%s\n\n", st.title.Render(fmt.Sprintf("swarmsim plan · %d managers over %d zones", rep.Managers, rep.Zones)))
	for _, l := range rep.Layouts {
		mark := "  "
		name := l.Layout
		if l.Recommended {
			mark = st.good.Render("★ ")
			name = st.good.Render(name)
		}
		survives := "survives losing any one zone"
		if len(l.Loses) > 0 {
			survives = st.bad.Render("loses quorum with zone " + strings.Join(l.Loses, " or "))
		}
		fmt.Fprintf(w, "%s%-8s quorum %d, tolerates %d · %s · breaks after %d managers or %d %s\n",
			mark, name, l.Quorum, l.Tolerance, survives, l.MinBreak, l.MinZoneBreak, plural(l.MinZoneBreak, "zone", "zones"))
		if l.Recommended {
			fmt.Fprintf(w, "           recommended: it %s\n", l.Why)
		}
		for _, warn := range l.Warnings {
			fmt.Fprintf(w, "           %s %s\n", st.warn.Render("!"), warn)
		}
		if l.Odds != nil {
			agree := st.good.Render("agree")
			if !l.Odds.Agree {
				agree = st.bad.Render("DISAGREE")
			}
			fmt.Fprintf(w, "           P(quorum lost in a period) = %s exact; %s ± %s from %d simulated periods (%d distinct failure patterns run on Raft): %s\n",
				pct(l.Odds.Exact), pct(l.Odds.MonteCarlo), pct(l.Odds.StdError), l.Odds.Samples, l.Odds.Simulations, agree)
		}
	}
	for _, layout := range sortedKeys(rep.Verified) {
		fmt.Fprintf(w, "\n%s\n", st.heading.Render("Verified on real Raft: "+layout+", each zone lost in turn"))
		for _, v := range rep.Verified[layout] {
			verdict := "quorum lost"
			if v.Raft {
				verdict = "holds, " + v.Leader + " leads"
			}
			ok := st.good.Render("✓ as predicted")
			if v.Raft != v.Predicted {
				ok = st.bad.Render("✗ the prediction was wrong")
			}
			fmt.Fprintf(w, "  lose zone %s: predicted %s; Raft after %s: %s  %s\n", v.Zone, holdsOrLost(v.Predicted), verifyBound, verdict, ok)
		}
	}
}

func holdsOrLost(b bool) string {
	if b {
		return "holds"
	}
	return "quorum lost"
}

func pct(p float64) string { return strconv.FormatFloat(100*p, 'g', 3, 64) + "%" }

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
