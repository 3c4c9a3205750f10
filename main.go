// Command swarmsim simulates a Docker Swarm cluster on real etcd Raft, so
// you can see before it happens what losing managers, a zone or a network
// link does to quorum and to your services.
//
//	swarmsim --managers 5 --az 2-2-1 --kill 2
//
// See README.md for every flag, the JSON fields and the exit codes.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/swarmsim/swarmsim/cluster"
)

// Exit statuses.
const (
	exitOK       = 0 // quorum held and every service reached its desired count
	exitBadInput = 1 // the command line or a file was wrong; nothing ran
	exitFailed   = 2 // quorum was lost or a service ended short
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the whole program, minus the process: tests call it directly.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "chaos":
			return runChaos(args[1:], stdout, stderr)
		case "run":
			return runDrills(args[1:], stdout, stderr, os.Getenv)
		case "plan":
			return runPlan(args[1:], stdout, stderr, os.Getenv)
		case "shell":
			return runShell(args[1:], os.Stdin, stdout, stderr, os.Getenv)
		}
	}
	o, err := parseOptions(args, stderr, os.Getenv)
	if errors.Is(err, errHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "swarmsim: %v\n", err)
		return exitBadInput
	}
	out, err := simulate(o)
	var v *cluster.Violation
	if errors.As(err, &v) {
		fmt.Fprintf(stderr, "swarmsim: %v\n", err)
		return exitFailed
	}
	if err != nil {
		fmt.Fprintf(stderr, "swarmsim: %v\n", err)
		return exitBadInput
	}
	if o.json {
		if err := renderJSON(stdout, out); err != nil {
			fmt.Fprintf(stderr, "swarmsim: writing JSON: %v\n", err)
			return exitBadInput
		}
	} else {
		renderText(stdout, out, newStyles(stdout, o.color))
	}
	if out.verdict != verdictHolds {
		return exitFailed
	}
	return exitOK
}
