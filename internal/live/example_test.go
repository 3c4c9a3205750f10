//go:build !js

package live_test

import (
	"log"
	"os"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/internal/live"
	"github.com/swarmsim/swarmsim/internal/playground"
	"github.com/swarmsim/swarmsim/internal/report"
)

// The package's usage, as swarmsim live runs it: a session started from
// flags, shown until q, its drill written. (It needs a terminal, so the
// example is compiled, not run.)
func Example() {
	layout, err := az.Parse("2-2-1")
	if err != nil {
		log.Fatal(err)
	}
	src, err := playground.FromStart(playground.Start{Layout: layout.WithWorkers(3), Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	s, err := playground.NewCarried(src)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := live.Run(s, report.Plain(), os.Stdin, os.Stdout); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("talk.drill", []byte(s.Drill()), 0o644); err != nil {
		log.Fatal(err)
	}
}
