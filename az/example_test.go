package az_test

import (
	"fmt"

	"github.com/swarmsim/swarmsim/az"
)

// An operator asks whether 5 managers over 3 zones survive losing a zone,
// and what happens with the two-zone layout they have today.
func Example() {
	for _, spec := range []string{"2-2-1", "3-2"} {
		l, err := az.Parse(spec)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: quorum %d of %d, tolerates %d, survives any zone: %v\n",
			l, az.Quorum(l.Managers()), l.Managers(), az.Tolerance(l.Managers()), l.SurvivesAnyZone())
		for _, loss := range l.Losses() {
			fmt.Println("  " + loss.Reason())
		}
	}
	fmt.Println("recommended for 5 over 3 zones:", az.Recommend(5, 3))

	_, err := az.Parse("2--1")
	fmt.Println("error:", err)
	// Output:
	// 2-2-1: quorum 3 of 5, tolerates 2, survives any zone: true
	//   losing zone a (2 managers) leaves 3 of 5; quorum needs 3, so it holds
	//   losing zone b (2 managers) leaves 3 of 5; quorum needs 3, so it holds
	//   losing zone c (1 manager) leaves 4 of 5; quorum needs 3, so it holds
	// 3-2: quorum 3 of 5, tolerates 2, survives any zone: false
	//   losing zone a (3 managers) leaves 2 of 5; quorum needs 3, so the swarm loses quorum
	//   losing zone b (2 managers) leaves 3 of 5; quorum needs 3, so it holds
	// recommended for 5 over 3 zones: 2-2-1
	// error: zone b is empty in "2--1"; write a whole number of managers for every zone, like 2-2-1
}

// A partition leaves a leader wherever one zone can reach a quorum
// directly; a zone on neither side talks to both.
func ExamplePredict() {
	l := az.Even(5, 3) // 2-2-1
	live := map[string]int{}
	for _, z := range l.Zones {
		live[z.Name] = z.Managers
	}
	for _, spec := range []string{"a|b,c", "a|b", "a,b|c"} {
		p, err := az.ParsePartition(spec, l.Names())
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s with %s: leader possible: %v\n", l, p, az.Predict(l.Managers(), live, p.Cut))
	}
	live["c"] = 0 // c's manager crashes too
	p, _ := az.ParsePartition("a|b,c", l.Names())
	fmt.Printf("%s with %s and c dead: leader possible: %v\n", l, p, az.Predict(l.Managers(), live, p.Cut))
	// Output:
	// 2-2-1 with a|b,c: leader possible: true
	// 2-2-1 with a|b: leader possible: true
	// 2-2-1 with a,b|c: leader possible: true
	// 2-2-1 with a|b,c and c dead: leader possible: false
}
