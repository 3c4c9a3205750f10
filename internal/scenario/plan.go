package scenario

import (
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/pool"
)

// VerifyBound is how long each simulated loss runs before Raft's verdict is
// read: three election timeouts, after which a leader exists if one can.
const VerifyBound = 30 * time.Second

// DefaultProposals is how many writes a plan times for each leader zone of
// each layout. Their latencies vary by a few per cent around the median, so
// 200 place the median within about 5 % from seed to seed and leave two
// writes above the 99th percentile.
const DefaultProposals = 200

// MaxPlanRows bounds the layouts a plan lists and times: every one of them
// is simulated once per zone the leader can be in. A plan of up to 9
// managers over 4 zones lists them all; beyond, the best are listed (and
// every layout that ties with the best on what it survives, since the
// recommendation is chosen among those by commit latency) and the rest are
// counted.
const MaxPlanRows = 20

// settleForCommits is how long a swarm runs before its writes are timed:
// swarm init elects the leader at once, and within two heartbeat periods
// every node has reported in and the dispatcher's status writes are done.
const settleForCommits = 2 * cluster.HeartbeatPeriod

// PlanSpec asks where to put managers: every layout of Managers over Zones,
// or the one Layout given.
type PlanSpec struct {
	Managers, Zones int
	Layout          *az.Layout  // judge this layout, and name a better one if the rule finds it
	Odds            *az.Odds    // with failure odds, the loss probability exact and by Monte Carlo
	Samples         int         // simulated periods of the Monte Carlo
	RTT             cluster.RTT // round trips between zones; pairs not given keep the simulator's defaults, and each layout takes the pairs of its own zones
	Proposals       int         // writes timed per leader zone; 0 for DefaultProposals
	Seed            uint64
	Cores           int // goroutines to spread simulations over; 0 for every core
	// Progress, when set, hears how many of the layouts' commit timings
	// are done, of how many, from any goroutine and in any order.
	Progress func(done, total int) `json:"-"`
}

// ZoneNames are the zones a plan's layouts use, which RTT may name: the
// judged layout's zones, and when it has fewer than 3, c (and b) as well,
// since a better layout may use a third zone; or a, b, c, … for Zones.
func (s PlanSpec) ZoneNames() []string {
	if s.Layout == nil {
		return az.Even(s.Managers, s.Zones).Names()
	}
	return named(az.Even(0, max(len(s.Layout.Zones), 3)), s.Layout.Names()).Names()
}

// PlanReport is what a plan found.
type PlanReport struct {
	Managers, Zones int
	Odds            *az.Odds
	RTT             cluster.RTT
	Proposals       int
	Seed            uint64

	// Layouts are best first by the recommendation rule; a judged layout
	// comes first, followed by the better one when the rule found one.
	Layouts []PlannedLayout
	// More counts the layouts of these managers over these zones that were
	// not listed (MaxPlanRows).
	More int

	// Judged is the layout judged ("" when every layout is listed), and
	// Better, when it is not what the rule recommends, why the recommended
	// one is better: one sentence from az.Versus.
	Judged string
	Better string

	// Verified is one layout's single-zone losses, each run on real Raft:
	// the judged layout, or else the recommended one. VerifiedLayout names
	// it.
	VerifiedLayout string
	Verified       []Verification
}

// Recommended is the layout the rule picks.
func (r *PlanReport) Recommended() *PlannedLayout {
	for i := range r.Layouts {
		if r.Layouts[i].Recommended {
			return &r.Layouts[i]
		}
	}
	return nil
}

// PlannedLayout is az's assessment of a layout, with what the simulations
// measured. Assessment.Recommended is set by the whole rule, commit latency
// included, over every layout the plan considered.
type PlannedLayout struct {
	az.Assessment
	Judged bool
	Odds   *OddsResult // when odds were given
	// Commit has one entry per zone holding managers, in layout order, each
	// with the leader in that zone; the first is the zone where swarm init
	// ran. Every layout of a report Plan returned has at least one.
	Commit []CommitLatency
}

// First is the commit latency with the leader where swarm init ran: the
// first zone holding managers.
func (p *PlannedLayout) First() CommitLatency { return p.Commit[0] }

// Slowest is the commit latency of the leader zone with the highest
// median, the first such zone on a tie: the leader can move there after a
// failure, so a layout commits this fast wherever its leader is. The rule
// compares layouts by it.
func (p *PlannedLayout) Slowest() CommitLatency {
	s := p.Commit[0]
	for _, c := range p.Commit[1:] {
		if c.P50 > s.P50 {
			s = c
		}
	}
	return s
}

// CommitLatency is the time writes took from a proposal at the leader to
// its commit there, with the leader in Zone.
type CommitLatency struct {
	Zone     string
	P50, P99 time.Duration
	Commits  int
	Messages uint64 // Raft messages they cost, heartbeats left out
	// SameAs names the zone whose measurement stands for this one: zones
	// holding as many managers, with no round trip given for either, are
	// interchangeable, so one of them is timed. "" when timed itself.
	SameAs string
}

// Verification is one zone lost on real Raft beside the prediction.
type Verification struct {
	Zone      string
	Predicted bool   // az says quorum holds
	Raft      bool   // Raft kept a leader hearing a quorum after VerifyBound
	Leader    string // who leads then; "" when none
}

// OddsResult is the chance of losing quorum in a period, exact and
// simulated.
type OddsResult struct {
	Exact       float64
	MonteCarlo  float64
	StdError    float64
	Samples     int
	Simulations int  // distinct failure patterns run on Raft
	Agree       bool // within four standard errors
}

// Agrees reports whether Raft agreed with every prediction and every Monte
// Carlo estimate with the exact figure.
func (r *PlanReport) Agrees() bool {
	for _, v := range r.Verified {
		if v.Predicted != v.Raft {
			return false
		}
	}
	for _, l := range r.Layouts {
		if l.Odds != nil && !l.Odds.Agree {
			return false
		}
	}
	return true
}

// Plan assesses the layouts with package az, times writes in each on real
// Raft, recommends one by the rule (az.Rank), verifies single-zone losses
// on real Raft and, with odds, cross-checks every layout's exact loss
// probability by a Monte Carlo of simulated periods. A simulation that
// fails is an error, never a verdict.
func Plan(spec PlanSpec) (*PlanReport, error) {
	if spec.Proposals <= 0 {
		spec.Proposals = DefaultProposals
	}
	rep := &PlanReport{Managers: spec.Managers, Zones: spec.Zones, Odds: spec.Odds, RTT: spec.RTT, Proposals: spec.Proposals, Seed: spec.Seed}
	var err error
	if spec.Layout != nil {
		err = rep.judge(spec)
	} else {
		err = rep.list(spec)
	}
	if err != nil {
		return nil, err
	}
	if spec.Odds != nil {
		for i := range rep.Layouts {
			l := &rep.Layouts[i]
			if l.Odds, err = odds(l.Layout, *spec.Odds, spec.RTT, spec.Samples, spec.Seed, spec.Cores); err != nil {
				return nil, err
			}
		}
	}
	verified := rep.Layouts[0]
	if spec.Layout == nil {
		verified = *rep.Recommended()
	}
	vs, err := verify(verified.Layout, spec.RTT, spec.Seed)
	if err != nil {
		return nil, err
	}
	rep.VerifiedLayout, rep.Verified = verified.Layout.String(), vs
	return rep, nil
}

// list plans every layout of Managers over Zones, up to MaxPlanRows.
func (rep *PlanReport) list(spec PlanSpec) error {
	all := az.Plan(spec.Managers, spec.Zones)
	if len(all) == 0 {
		return az.CheckPlan(spec.Managers, spec.Zones)
	}
	n := min(len(all), MaxPlanRows)
	for n < len(all) && az.Compare(all[0], all[n]) == 0 {
		n++ // the recommendation is chosen among these: time them all
	}
	rep.More = len(all) - n
	rows, err := timeLayouts(all[:n], spec)
	if err != nil {
		return err
	}
	order := az.Rank(assessments(rows), slowest(rows))
	for k, i := range order {
		rows[i].Recommended = k == 0
		rep.Layouts = append(rep.Layouts, rows[i])
	}
	return nil
}

// judge plans one layout and looks for a better one with the same
// managers, over the same zones or, with fewer than 3, over 3: the rule's
// pick among them. Only the layouts that tie with the best on what they
// survive can be picked, so only those are timed.
func (rep *PlanReport) judge(spec PlanSpec) error {
	judged := az.Assess(*spec.Layout)
	rep.Judged = judged.Layout.String()
	if judged.Layout.Managers() < 1 {
		// Nothing to time, no better layout of no managers: verify says
		// what a swarm without managers does.
		rep.Layouts = []PlannedLayout{{Assessment: judged, Judged: true}}
		return nil
	}
	zones := max(len(judged.Layout.Zones), 3)
	var lead []az.Assessment
	at := -1 // the judged layout's place among them
	for _, a := range az.Plan(judged.Layout.Managers(), zones) {
		if len(lead) > 0 && az.Compare(lead[0], a) != 0 {
			break
		}
		if az.SameShape(a.Layout, judged.Layout) {
			a, at = judged, len(lead) // time the judged layout as the user wrote it
		} else {
			a = az.Assess(named(a.Layout, judged.Layout.Names()))
		}
		lead = append(lead, a)
	}
	ranked := len(lead)
	if at < 0 {
		at = len(lead)
		lead = append(lead, judged) // timed for its own row, not a candidate
	}
	rows, err := timeLayouts(lead, spec)
	if err != nil {
		return err
	}
	judgedRow := rows[at]
	judgedRow.Judged = true
	pick := az.Rank(assessments(rows[:ranked]), slowest(rows[:ranked]))[0]
	if pick == at {
		judgedRow.Recommended = true
		rep.Layouts = []PlannedLayout{judgedRow}
		return nil
	}
	best := rows[pick]
	judgedRow.Recommended = false
	best.Recommended = true
	rep.Layouts = []PlannedLayout{judgedRow, best}
	rep.Better = az.Versus(best.Assessment, judgedRow.Assessment, best.Slowest().P50, judgedRow.Slowest().P50)
	if rep.Better == "" {
		// The tolerance in comparing latencies is measured from the
		// fastest candidate, not pairwise: the pick can be within it of the
		// judged layout and still rank first.
		rep.Better = "the rule ranks it first among the layouts that survive as much"
	}
	return nil
}

// named gives l's zones the names given, in order, and fresh ones beyond:
// a, b, c, … where no given zone already has the name.
func named(l az.Layout, names []string) az.Layout {
	out := az.Layout{Zones: slices.Clone(l.Zones)}
	taken := map[string]bool{}
	for _, n := range names {
		taken[n] = true
	}
	next := 0
	for i := range out.Zones {
		if i < len(names) {
			out.Zones[i].Name = names[i]
			continue
		}
		for taken[az.ZoneName(next)] {
			next++
		}
		out.Zones[i].Name = az.ZoneName(next)
		taken[out.Zones[i].Name] = true
	}
	return out
}

func assessments(rows []PlannedLayout) []az.Assessment {
	out := make([]az.Assessment, len(rows))
	for i, r := range rows {
		out[i] = r.Assessment
	}
	return out
}

func slowest(rows []PlannedLayout) []time.Duration {
	out := make([]time.Duration, len(rows))
	for i := range rows {
		out[i] = rows[i].Slowest().P50
	}
	return out
}

// timeLayouts times writes in every layout with the leader in each zone
// holding managers, spreading the simulations over spec.Cores.
func timeLayouts(as []az.Assessment, spec PlanSpec) ([]PlannedLayout, error) {
	type job struct{ row, zone int }
	rows := make([]PlannedLayout, len(as))
	var jobs []job
	for i, a := range as {
		rows[i] = PlannedLayout{Assessment: a}
		for z, zone := range a.Layout.Zones {
			if zone.Managers == 0 {
				continue
			}
			c := CommitLatency{Zone: zone.Name}
			if same := twin(a.Layout, z, spec.RTT); same != z {
				c.SameAs = a.Layout.Zones[same].Name
			} else {
				jobs = append(jobs, job{i, len(rows[i].Commit)})
			}
			rows[i].Commit = append(rows[i].Commit, c)
		}
	}
	results := make([]CommitLatency, len(jobs))
	errs := make([]error, len(jobs))
	var done atomic.Int64
	pool.ForEach(len(jobs), spec.Cores, func(k int) {
		j := jobs[k]
		l := rows[j.row].Layout
		zone := rows[j.row].Commit[j.zone].Zone
		results[k], errs[k] = timeCommits(l, zone, spec.RTT, spec.Proposals, spec.Seed^hash(l.String()+"@"+zone))
		if spec.Progress != nil {
			spec.Progress(int(done.Add(1)), len(jobs))
		}
	})
	for k, j := range jobs {
		if errs[k] != nil {
			return nil, errs[k]
		}
		rows[j.row].Commit[j.zone] = results[k]
	}
	for i := range rows {
		for k, c := range rows[i].Commit {
			if c.SameAs == "" {
				continue
			}
			for _, t := range rows[i].Commit {
				if t.Zone == c.SameAs {
					rows[i].Commit[k] = t
					rows[i].Commit[k].Zone, rows[i].Commit[k].SameAs = c.Zone, c.SameAs
				}
			}
		}
	}
	return rows, nil
}

// twin is the first zone of l interchangeable with zone z: one holding as
// many managers, where rtt names neither. Swapping the two maps the layout
// and the network onto themselves, so their commit latencies have the same
// distribution and one measurement serves both.
func twin(l az.Layout, z int, rtt cluster.RTT) int {
	named := func(zone string) bool {
		for p := range rtt {
			if p[0] == zone || p[1] == zone {
				return true
			}
		}
		return false
	}
	if named(l.Zones[z].Name) {
		return z
	}
	for i := range z {
		if l.Zones[i].Managers == l.Zones[z].Managers && !named(l.Zones[i].Name) {
			return i
		}
	}
	return z
}

// timeCommits builds l with the leader in zone (its first manager runs
// swarm init), lets it settle and times n writes.
func timeCommits(l az.Layout, zone string, rtt cluster.RTT, n int, seed uint64) (CommitLatency, error) {
	init := 0
	for _, z := range l.Zones {
		if z.Name == zone {
			break
		}
		init += z.Managers
	}
	c, err := cluster.New(cluster.Config{Seed: seed, Layout: l, RTT: rtt.Within(l.Names()), Init: fmt.Sprintf("m%d", init+1)})
	if err == nil {
		err = c.RunFor(settleForCommits)
	}
	var got cluster.Commits
	if err == nil {
		got, err = c.MeasureCommits(n)
	}
	if err != nil {
		return CommitLatency{}, fmt.Errorf("timing writes in %s with the leader in zone %s: %w", l, zone, err)
	}
	lat := slices.Clone(got.Latencies)
	slices.Sort(lat)
	return CommitLatency{Zone: zone, P50: percentile(lat, 50), P99: percentile(lat, 99), Commits: len(lat), Messages: got.Messages}, nil
}

// percentile is the p-th percentile of sorted by the nearest-rank method,
// in integers: the smallest value at least p % of the values do not exceed.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

// verify runs every single-zone loss of l on real Raft.
func verify(l az.Layout, rtt cluster.RTT, seed uint64) ([]Verification, error) {
	var out []Verification
	for _, loss := range l.Losses() {
		c, err := cluster.New(cluster.Config{Seed: seed, Layout: l, RTT: rtt.Within(l.Names())})
		if err == nil {
			err = c.RunFor(time.Second)
		}
		if err == nil {
			err = c.Apply(cluster.KillZone(loss.Zone))
		}
		if err == nil {
			err = c.RunFor(VerifyBound)
		}
		if err != nil {
			return nil, fmt.Errorf("simulating the loss of zone %s of %s: %w", loss.Zone, l, err)
		}
		s := c.Snapshot()
		out = append(out, Verification{Zone: loss.Zone, Predicted: loss.Holds, Raft: s.Quorum.Holds, Leader: s.Leader})
	}
	return out, nil
}

// odds computes the exact loss probability and a Monte Carlo estimate in
// which Raft decides every sampled period. Periods with the same failures
// give the same verdict, so each distinct pattern is simulated once, seeded
// by the pattern.
func odds(l az.Layout, o az.Odds, rtt cluster.RTT, samples int, seed uint64, cores int) (*OddsResult, error) {
	r := rand.New(rand.NewPCG(seed, 0x6f646473)) // "odds"
	patterns := map[string]az.Sample{}
	keys := make([]string, samples)
	for i := range samples {
		s := l.SampleLoss(o, r)
		keys[i] = patternKey(s)
		patterns[keys[i]] = s
	}
	order := slices.Sorted(maps.Keys(patterns))
	lostAt := make([]bool, len(order))
	errs := make([]error, len(order))
	pool.ForEach(len(order), cores, func(i int) {
		k := order[i]
		lostAt[i], errs[i] = simulatePeriod(l, patterns[k], rtt, seed^hash(k))
	})
	lost := make(map[string]bool, len(order))
	for i, k := range order {
		if errs[i] != nil {
			return nil, fmt.Errorf("simulating a period of %s: %w", l, errs[i])
		}
		lost[k] = lostAt[i]
	}
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
	return &OddsResult{Exact: exact, MonteCarlo: mc, StdError: se, Samples: samples, Simulations: len(order), Agree: diff <= 4*se && diff >= -4*se}, nil
}

func patternKey(s az.Sample) string {
	var b strings.Builder
	b.WriteString(strings.Join(s.DeadZones, ","))
	b.WriteByte('|')
	for _, z := range slices.Sorted(maps.Keys(s.DeadManagers)) {
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
func simulatePeriod(l az.Layout, s az.Sample, rtt cluster.RTT, seed uint64) (bool, error) {
	c, err := cluster.New(cluster.Config{Seed: seed, Layout: l, RTT: rtt.Within(l.Names())})
	if err != nil {
		return false, err
	}
	if err := c.RunFor(time.Second); err != nil {
		return false, err
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
		if err := c.Apply(a); err != nil {
			return false, err
		}
	}
	if err := c.RunFor(VerifyBound); err != nil {
		return false, err
	}
	return c.Snapshot().Leader == "", nil
}
