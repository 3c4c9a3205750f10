package cli

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/internal/report"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

const planUsage = `swarmsim plan answers "how should I spread my managers?": every layout of N
managers over Z zones, best first, the recommended one marked, with how fast
each commits a write on real Raft and its zone losses verified on real Raft;
with failure odds, every layout's chance of losing quorum, exact and by a
Monte Carlo of simulated periods.

Usage:
  swarmsim plan [--managers N] [--zones Z]        every layout worth showing
      swarmsim plan --managers 5 --zones 3
  swarmsim plan --az 2-2-1                        judge one layout
      swarmsim plan --az 3-2
  swarmsim plan --from FILE                       judge the layout of a real swarm
      swarmsim plan --from nodes.json
  swarmsim plan ... --node-failure P --zone-failure P   survival odds, exact and simulated
      swarmsim plan --managers 5 --node-failure 0.01 --zone-failure 0.001
  swarmsim plan ... --rtt PAIRS                   commit latency over your network
      swarmsim plan --managers 5 --rtt a-b=40ms,a-c=40ms,b-c=12ms

Layouts are ranked by one rule: survive the most single-zone losses, then the
most manager losses, then the fewest managers, then the lowest commit latency
(timed on real Raft, at the slowest zone the leader can be in).

Flags:
`

// planArgs are the plan flags, read.
type planArgs struct {
	spec    scenario.PlanSpec
	output  format
	noColor bool
	renamed []string // --from's nodes named other than their hostname, a sentence each
}

func parsePlan(args []string) (*planArgs, error) {
	fs := newFlags("swarmsim plan", planUsage)
	managers := fs.text("managers", strconv.Itoa(scenario.DefaultManagers), "managers to place: `N` (default: the --az layout's, or 3)")
	zones := fs.text("zones", strconv.Itoa(scenario.DefaultZones), "availability zones to place them over: `Z` (default: the --az layout's, or 3)")
	layout := fs.text("az", "", "judge this one `LAYOUT`, like 2-2-1")
	from := fs.text("from", "", "judge the layout of a real swarm: `FILE` holds the output of docker node inspect $(docker node ls -q)")
	zoneLabel := fs.text("zone-label", scenario.DefaultZoneLabel, "the node label `NAME` that --from reads each node's zone from (a node label, else an engine label), like azone")
	nodeFail := fs.text("node-failure", "", "the probability `P` that a manager fails in a period, like 0.01")
	zoneFail := fs.text("zone-failure", "", "the probability `P` that a whole zone fails in a period, like 0.001")
	samples := fs.text("samples", "20000", "simulated periods for the Monte Carlo check: `N`")
	rtt := fs.text("rtt", "", "round trips between zones, `PAIRS` like a-b=40ms,a-c=40ms,b-c=12ms; pairs left out keep the simulator's defaults")
	seed := fs.text("seed", strconv.Itoa(scenario.DefaultSeed), "`SEED` of the simulations")
	output := fs.text("output", "text", "`FORMAT` of the report: text, json or html (one self-contained page, the layouts side by side)")
	noColor := fs.Bool("no-color", false, "plain text without colour (also when NO_COLOR is set)")
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	if err := fs.noArgs("plan takes only flags"); err != nil {
		return nil, err
	}
	a := &planArgs{noColor: *noColor}
	s := &a.spec
	var err error
	if s.Managers, err = count("--managers", *managers, 1, scenario.MaxManagers, "--managers 5"); err != nil {
		return nil, err
	}
	if s.Zones, err = count("--zones", *zones, 1, az.MaxZones, "--zones 3"); err != nil {
		return nil, err
	}
	if fs.Changed("zone-label") && *from == "" {
		return nil, errors.New("--zone-label names the label --from reads zones from; add --from FILE, or leave it out")
	}
	if *zoneLabel == "" {
		return nil, errors.New("--zone-label needs a label name, like --zone-label azone")
	}
	switch {
	case *from != "":
		if fs.Changed("az") || fs.Changed("managers") || fs.Changed("zones") {
			return nil, fmt.Errorf("--from %s already gives the layout; leave out --az, --managers and --zones", *from)
		}
		sw, err := scenario.ImportNodes(*from, *zoneLabel)
		if err != nil {
			return nil, fmt.Errorf("--from %s: %w", *from, err)
		}
		s.Layout = &sw.Layout
		a.renamed = sw.Renamed
	case fs.Changed("az"):
		l, err := az.Parse(*layout)
		if err != nil {
			return nil, fmt.Errorf("--az %s: %w", *layout, err)
		}
		if fs.Changed("managers") && l.Managers() != s.Managers {
			return nil, fmt.Errorf("--az %s adds up to %d managers, but --managers is %d; make the zones add up, or leave out --managers", l, l.Managers(), s.Managers)
		}
		if fs.Changed("zones") && len(l.Zones) != s.Zones {
			return nil, fmt.Errorf("--az %s already gives %d zones, but --zones is %d; leave out --zones", l, len(l.Zones), s.Zones)
		}
		s.Layout = &l
	}
	if s.Layout != nil {
		s.Managers, s.Zones = s.Layout.Managers(), len(s.Layout.Zones)
	}
	if s.Layout == nil && s.Zones > s.Managers {
		// A zone no manager can be in is a layout the headline command
		// and drills refuse: plan would recommend what cannot be run.
		if fs.Changed("zones") {
			return nil, fmt.Errorf("--zones %d for %d %s leaves a zone with no manager in every layout; write --zones %d or fewer", s.Zones, s.Managers, prose.Plural(s.Managers, "manager", "managers"), s.Managers)
		}
		s.Zones = s.Managers
	}
	if err := az.CheckPlan(s.Managers, s.Zones); err != nil {
		return nil, err
	}
	if fs.Changed("rtt") {
		if s.RTT, err = cluster.ParseRTT(*rtt, s.ZoneNames()); err != nil {
			return nil, fmt.Errorf("--rtt %s: %w", *rtt, err)
		}
	}
	if s.Odds, err = parseOdds(*nodeFail, *zoneFail); err != nil {
		return nil, err
	}
	if s.Samples, err = count("--samples", *samples, 100, scenario.MaxCount, "--samples 20000"); err != nil {
		return nil, err
	}
	if s.Seed, err = parseSeed("--seed", *seed); err != nil {
		return nil, err
	}
	if a.output, err = parseOutput(*output); err != nil {
		return nil, err
	}
	return a, nil
}

// parseOdds reads --node-failure and --zone-failure, which come together.
func parseOdds(nodeFail, zoneFail string) (*az.Odds, error) {
	if (nodeFail == "") != (zoneFail == "") {
		return nil, errors.New("give both --node-failure and --zone-failure, like --node-failure 0.01 --zone-failure 0.001")
	}
	if nodeFail == "" {
		return nil, nil
	}
	var odds az.Odds
	var err error
	if odds.NodeFailure, err = strconv.ParseFloat(nodeFail, 64); err != nil {
		return nil, fmt.Errorf("--node-failure %s: write a probability between 0 and 1, like 0.01", nodeFail)
	}
	if odds.ZoneFailure, err = strconv.ParseFloat(zoneFail, 64); err != nil {
		return nil, fmt.Errorf("--zone-failure %s: write a probability between 0 and 1, like 0.001", zoneFail)
	}
	if err := odds.Validate(); err != nil {
		return nil, err
	}
	return &odds, nil
}

func runPlan(args []string, stdout, stderr io.Writer, env func(string) string) int {
	a, err := parsePlan(args)
	if code, done := parsed(err, stdout, stderr); done {
		return code
	}
	for _, r := range a.renamed {
		fmt.Fprintln(stderr, r)
	}
	a.spec.Cores = runtime.NumCPU()
	bar := newProgressBar(stderr, "plan")
	if bar != nil {
		a.spec.Progress = func(done, total int) { bar.update(int64(done), int64(total)) }
	}
	rep, err := scenario.Plan(a.spec)
	bar.done() // before the report, on the terminal the bar was on
	if err != nil {
		return simulationFailed(stderr, err)
	}
	if err := render(a.output, func() error { return report.PlanJSON(stdout, rep) }, func() error { return report.PlanHTML(stdout, rep) },
		func() { report.Plan(stdout, rep, styles(stdout, a.noColor, env)) }); err != nil {
		return fail(stderr, err)
	}
	if !rep.Agrees() {
		return exitFailed
	}
	return exitOK
}
