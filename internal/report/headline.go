package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/internal/scenario"
	"github.com/swarmsim/swarmsim/internal/sink"
	"github.com/swarmsim/swarmsim/internal/verdict"
)

// Headline writes the headline report: the picture before, the timeline,
// the picture after, the services, Docker's tables when views is set, and
// the verdict.
func Headline(w io.Writer, o *scenario.Outcome, st Styles, views bool) {
	spec := o.Spec
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	title := fmt.Sprintf("swarmsim · %s (%s) · %s · seed %d",
		managersOver(spec.Layout.Managers(), len(spec.Layout.Zones)), spec.Layout, prose.Counted(spec.Layout.Workers(), "worker"), spec.Seed)
	if len(spec.RTT) > 0 {
		title += " · round trips " + rttList(spec.RTT)
	}
	if spec.Autolock {
		title += " · autolock"
	}
	p("%s\n\n", st.Title.Render(title))

	p("%s\n", st.Heading.Render(fmt.Sprintf("Before · at %s, %s", cluster.FormatTime(o.Before.At), leaderPhrase(o.Before))))
	p("%s\n\n", Picture(o.Before, st))

	if spec.Failure.None() {
		p("%s\n", st.Heading.Render(fmt.Sprintf("Timeline · simulated time from %s, with no failure injected", cluster.FormatTime(o.InjectedAt))))
	} else {
		p("%s\n", st.Heading.Render(fmt.Sprintf("Timeline · simulated time since the failure at %s", cluster.FormatTime(o.InjectedAt))))
	}
	if len(o.Events) == 0 {
		p("  %s\n", st.Dim.Render("nothing happened"))
	}
	for _, e := range o.Events {
		p("  %s  %s %s\n", st.TimeAt.Render(fmt.Sprintf("%10s", "+"+cluster.FormatTime(e.At-o.InjectedAt))),
			st.Kind.Render(fmt.Sprintf("%-16s", e.Kind)), sink.Text(e.Detail))
	}
	p("\n")

	p("%s\n", st.Heading.Render(fmt.Sprintf("After · at %s, %s", cluster.FormatTime(o.After.At), leaderPhrase(o.After))))
	p("%s\n\n", Picture(o.After, st))

	p("%s\n", st.Heading.Render("Services"))
	width := 10
	for _, sv := range o.After.Services {
		width = max(width, len(sv.Name))
	}
	for _, sv := range o.After.Services {
		p("  %s\n", serviceLine(sv, o.After, st, width))
	}
	p("\n")
	if o.Raft != nil {
		p("%s\n", st.Heading.Render("Raft · as etcd Raft reports each manager"))
		RaftTable(w, o.Raft, st)
		p("\n")
	}
	if views {
		p("%s\n", st.Heading.Render("$ docker node ls"))
		NodeLS(w, o.After)
		p("\n%s\n", st.Heading.Render("$ docker service ls"))
		ServiceLS(w, o.After)
		for _, sv := range o.After.Services {
			p("\n%s\n", st.Heading.Render("$ docker service ps "+sink.Text(sv.Name)))
			ServicePS(w, o.After, sv.Name)
		}
		p("\n")
	}
	verdictText(w, o, st)
}

func leaderPhrase(s cluster.Snapshot) string {
	if s.Leader == "" {
		return "no leader"
	}
	return fmt.Sprintf("%s leads in term %d", s.Leader, s.Term)
}

func serviceLine(sv cluster.ServiceView, s cluster.Snapshot, st Styles, width int) string {
	count := fmt.Sprintf("%d/%d running", sv.Running, sv.Desired)
	if sv.Running < sv.Desired || sv.Pending > 0 {
		count = st.Bad.Render(count)
	} else {
		count = st.Good.Render(count)
	}
	var zones []string
	for _, z := range s.Zones {
		zones = append(zones, fmt.Sprintf("%s=%d", sink.Text(z.Name), sv.PerZone[z.Name]))
	}
	line := fmt.Sprintf("%-*s %-10s %s  %s", width, sink.Text(sv.Name), sv.Mode, count, st.Dim.Render(strings.Join(zones, " ")))
	if sv.Pending > 0 {
		line += fmt.Sprintf("\n  %-*s %d pending: %s", width, "", sv.Pending, strings.Join(sv.Reasons, "; "))
	}
	return line
}

func verdictText(w io.Writer, o *scenario.Outcome, st Styles) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	v := verdict.Words(o.After, o.Verdict, o.UnlockKey)
	label := st.Good
	switch o.Verdict {
	case scenario.Degraded:
		label = st.Warn
	case scenario.QuorumLost:
		label = st.Bad
	}
	p("%s: %s\n", label.Render("Verdict: "+v.Head), v.Summary)
	if o.ElectedIn != nil && o.Verdict != scenario.QuorumLost {
		p("  A new leader was elected %s after the failure.\n", cluster.FormatTime(*o.ElectedIn))
	}
	for _, para := range v.Notes {
		for _, line := range para.Lines {
			if para.Answer {
				line = st.Dim.Render(line)
			}
			p("  %s\n", line)
		}
	}
	if len(o.Warnings) > 0 {
		for _, warn := range o.Warnings {
			p("  %s %s\n", st.Warn.Render("!"), warn)
		}
		managers := o.Spec.Layout.Managers()
		zones := min(max(len(o.Spec.Layout.Zones), scenario.DefaultZones), managers)
		if az.CheckPlan(managers, zones) != nil {
			// plan cannot list so many; the count to compare is the one
			// the warning steers toward.
			managers, zones = az.RecommendedManagers, scenario.DefaultZones
			p("  Compare every layout of the %d managers Docker recommends at most: swarmsim plan --managers %d --zones %d\n", managers, managers, zones)
		} else {
			p("  Compare every layout of these managers: swarmsim plan --managers %d --zones %d\n", managers, zones)
		}
	}
	if o.Spec.Check {
		p("  Invariants of Raft and Swarm were checked on every step: none was violated.\n")
	}
}

// headlineJSON is the JSON output. Field names are stable and documented in
// the README; add fields, never rename them.
type headlineJSON struct {
	Seed       uint64              `json:"seed,string"`
	Managers   int                 `json:"managers"`
	Workers    int                 `json:"workers"`
	Layout     string              `json:"layout"`
	Zones      map[string]zoneJSON `json:"zones"`
	Quorum     quorumJSON          `json:"quorum"`
	Tolerance  int                 `json:"tolerance"`
	MoreFail   int                 `json:"more_failures_tolerated"`
	Leader     leaderJSON          `json:"leader"`
	InjectedAt int64               `json:"injected_at_ms"`
	Killed     []string            `json:"killed"`
	Services   []serviceJSON       `json:"services"`
	Events     []eventJSON         `json:"events"`
	Verdict    string              `json:"verdict"`
	Warnings   []string            `json:"warnings"`
	Checked    bool                `json:"invariants_checked"`
	RTT        map[string]millis   `json:"rtt_ms,omitempty"`
	Raft       []raftJSON          `json:"raft,omitempty"` // with --raft
	Autolock   bool                `json:"autolock"`
	Locked     []string            `json:"locked"`
	UnlockKey  string              `json:"unlock_key"`
}

type zoneJSON struct {
	Managers int `json:"managers"`
	Workers  int `json:"workers"`
}

type quorumJSON struct {
	Size   int  `json:"size"`
	Needed int  `json:"needed"`
	Alive  int  `json:"alive"`
	Holds  bool `json:"holds"`
}

type leaderJSON struct {
	Before         string `json:"before"`
	After          string `json:"after"`
	ElectedAfterMS *int64 `json:"elected_after_ms"`
}

type serviceJSON struct {
	Name    string         `json:"name"`
	Mode    string         `json:"mode"`
	Desired int            `json:"desired"`
	Running int            `json:"running"`
	Pending int            `json:"pending"`
	Zones   map[string]int `json:"zones"`
	Reasons []string       `json:"pending_reasons"`
}

type eventJSON struct {
	AtMS   int64  `json:"at_ms"`
	Kind   string `json:"kind"`
	Node   string `json:"node"`
	Detail string `json:"detail"`
}

// HeadlineJSON writes the headline report as one JSON object.
func HeadlineJSON(w io.Writer, o *scenario.Outcome) error {
	q := o.After.Quorum
	l := o.Spec.Layout
	r := headlineJSON{
		Seed:       o.Spec.Seed,
		Managers:   l.Managers(),
		Workers:    l.Workers(),
		Layout:     l.String(),
		Zones:      map[string]zoneJSON{},
		Quorum:     quorumJSON{Size: q.Members, Needed: q.Needed, Alive: q.Alive, Holds: q.Holds},
		Tolerance:  q.Tolerance,
		Leader:     leaderJSON{Before: o.Before.Leader, After: o.After.Leader},
		InjectedAt: ms(o.InjectedAt),
		Killed:     append([]string{}, o.Killed...),
		Services:   []serviceJSON{},
		Events:     []eventJSON{},
		Verdict:    string(o.Verdict),
		Warnings:   append([]string{}, o.Warnings...),
		Checked:    o.Spec.Check,
		Autolock:   o.Spec.Autolock,
		Locked:     append([]string{}, verdict.LockedNames(o.After)...),
		UnlockKey:  o.UnlockKey,
	}
	if o.Raft != nil {
		r.Raft = raftList(o.Raft)
	}
	r.MoreFail = q.MoreFailuresTolerated
	for _, p := range o.Spec.RTT.Pairs() {
		if r.RTT == nil {
			r.RTT = map[string]millis{}
		}
		r.RTT[p[0]+"-"+p[1]] = millis(o.Spec.RTT[p])
	}
	for _, z := range l.Zones {
		r.Zones[z.Name] = zoneJSON{Managers: z.Managers, Workers: z.Workers}
	}
	if o.ElectedIn != nil {
		v := ms(*o.ElectedIn)
		r.Leader.ElectedAfterMS = &v
	}
	for _, sv := range o.After.Services {
		zones := map[string]int{}
		for _, z := range o.After.Zones {
			zones[z.Name] = sv.PerZone[z.Name]
		}
		r.Services = append(r.Services, serviceJSON{
			Name: sv.Name, Mode: sv.Mode, Desired: sv.Desired, Running: sv.Running, Pending: sv.Pending,
			Zones: zones, Reasons: append([]string{}, sv.Reasons...),
		})
	}
	for _, e := range o.Events {
		r.Events = append(r.Events, eventJSON{AtMS: ms(e.At - o.InjectedAt), Kind: e.Kind, Node: e.Node, Detail: e.Detail})
	}
	return WriteJSON(w, r)
}
