package az_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/swarmsim/swarmsim/az"
)

// An operator with 5 managers and 3 zones asks for every option, best
// first, and what each one survives.
func ExamplePlan() {
	for _, a := range az.Plan(5, 3) {
		mark := " "
		if a.Recommended {
			mark = "*"
		}
		fmt.Printf("%s %s  loses on zone: %v; %s\n", mark, a.Layout, a.Loses, a.Why)
		for _, w := range a.Warnings {
			fmt.Println("    warning: " + w)
		}
	}
	// Output:
	// * 2-2-1  loses on zone: []; survives the loss of any one zone: no zone holds more than 2 of 5 managers, so at least 3 remain and quorum needs 3
	//   3-1-1  loses on zone: [a]; loses quorum if zone a fails: losing zone a leaves 2 of 5 managers, and quorum needs 3
	//   3-2-0  loses on zone: [a]; loses quorum if zone a fails: losing zone a leaves 2 of 5 managers, and quorum needs 3
	//     warning: the two-zone trap: with managers in only two zones, zone a holds 3 of 5, so losing it loses quorum; a third zone fixes this, more managers do not
	//   4-1-0  loses on zone: [a]; loses quorum if zone a fails: losing zone a leaves 1 of 5 managers, and quorum needs 3
	//     warning: the two-zone trap: with managers in only two zones, zone a holds 4 of 5, so losing it loses quorum; a third zone fixes this, more managers do not
	//   5-0-0  loses on zone: [a]; loses quorum if zone a fails: losing zone a leaves 0 of 5 managers, and quorum needs 3
	//     warning: a single zone: all 5 managers are in zone a, so losing that zone loses every one of them
}

// The exact chance of losing quorum in one period, and a Monte Carlo of the
// same model that a run of the real simulator would reproduce.
func ExampleLayout_LossProbability() {
	odds := az.Odds{NodeFailure: 0.01, ZoneFailure: 0.001}
	if err := odds.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	for _, spec := range []string{"2-2-1", "3-2"} {
		l, _ := az.Parse(spec)
		fmt.Printf("%s loses quorum with probability %.2e\n", l, l.LossProbability(odds))
	}

	l, _ := az.Parse("3-2")
	r := rand.New(rand.NewPCG(1, 2))
	const n = 100_000
	lost := 0
	for range n {
		if l.SampleLoss(odds, r).Lost() {
			lost++
		}
	}
	exact := l.LossProbability(odds)
	est := float64(lost) / n
	fmt.Println("Monte Carlo within 4 standard errors:", est-exact < 4*az.MonteCarloError(exact, n) && exact-est < 4*az.MonteCarloError(exact, n))

	fmt.Println(az.Odds{NodeFailure: 1.5}.Validate())
	// Output:
	// 2-2-1 loses quorum with probability 7.27e-05
	// 3-2 loses quorum with probability 1.04e-03
	// Monte Carlo within 4 standard errors: true
	// the node failure probability is 1.5, which is not between 0 and 1; write a probability, like 0.01 for 1%
}
