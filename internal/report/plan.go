package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/swarmsim/swarmsim/internal/scenario"
)

// Plan writes a plan: each layout with its quorum, tolerance, the zones it
// survives, what breaks it, warnings and odds, then the first layout's
// zone losses as real Raft decided them.
func Plan(w io.Writer, rep *scenario.PlanReport, st Styles) {
	fmt.Fprintf(w, "%s\n\n", st.Title.Render("swarmsim plan · "+managersOver(rep.Managers, rep.Zones)))
	for _, l := range rep.Layouts {
		mark := "  "
		name := l.Layout.String()
		if l.Recommended {
			mark = st.Good.Render("★ ")
			name = st.Good.Render(name)
		}
		survives := "survives losing any one zone"
		if len(l.Loses) > 0 {
			survives = st.Bad.Render("loses quorum with zone " + strings.Join(l.Loses, " or "))
		}
		fmt.Fprintf(w, "%s%-8s quorum %d, tolerates %d · %s · breaks after %s or %s\n",
			mark, name, l.Quorum, l.Tolerance, survives, counted(l.MinBreak, "manager"), counted(l.MinZoneBreak, "zone"))
		if l.Recommended {
			fmt.Fprintf(w, "           recommended: it %s\n", l.Why)
		}
		for _, warn := range l.Warnings {
			fmt.Fprintf(w, "           %s %s\n", st.Warn.Render("!"), warn)
		}
		if o := l.Odds; o != nil {
			agree := st.Good.Render("agree")
			if !o.Agree {
				agree = st.Bad.Render("DISAGREE")
			}
			fmt.Fprintf(w, "           P(quorum lost in a period) = %s exact; %s ± %s from %d simulated periods (%d distinct failure patterns run on Raft): %s\n",
				pct(o.Exact), pct(o.MonteCarlo), pct(o.StdError), o.Samples, o.Simulations, agree)
		}
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

func holdsOrLost(b bool) string {
	if b {
		return "holds"
	}
	return "quorum lost"
}

func pct(p float64) string { return strconv.FormatFloat(100*p, 'g', 3, 64) + "%" }

type planJSON struct {
	Managers int                           `json:"managers"`
	Zones    int                           `json:"zones"`
	Layouts  []layoutJSON                  `json:"layouts"`
	Verified map[string][]verificationJSON `json:"verified"`
	Odds     *oddsInputJSON                `json:"odds,omitempty"`
}

type oddsInputJSON struct {
	NodeFailure float64 `json:"node_failure"`
	ZoneFailure float64 `json:"zone_failure"`
}

type layoutJSON struct {
	Layout       string    `json:"layout"`
	Quorum       int       `json:"quorum"`
	Tolerance    int       `json:"tolerance"`
	Survives     []string  `json:"survives"`
	Loses        []string  `json:"loses"`
	MinBreak     int       `json:"min_break"`
	MinZoneBreak int       `json:"min_zone_break"`
	Recommended  bool      `json:"recommended"`
	Why          string    `json:"why"`
	Warnings     []string  `json:"warnings"`
	Odds         *oddsJSON `json:"odds,omitempty"`
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
	out := planJSON{Managers: rep.Managers, Zones: rep.Zones, Layouts: []layoutJSON{}, Verified: map[string][]verificationJSON{}}
	if rep.Odds != nil {
		out.Odds = &oddsInputJSON{rep.Odds.NodeFailure, rep.Odds.ZoneFailure}
	}
	for _, l := range rep.Layouts {
		lj := layoutJSON{
			Layout: l.Layout.String(), Quorum: l.Quorum, Tolerance: l.Tolerance,
			Survives: nonNil(l.Survives), Loses: nonNil(l.Loses), MinBreak: l.MinBreak, MinZoneBreak: l.MinZoneBreak,
			Recommended: l.Recommended, Why: l.Why, Warnings: nonNil(l.Warnings),
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
