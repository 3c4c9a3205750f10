package cli

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/term"

	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/limits"
	"github.com/swarmsim/swarmsim/internal/playground"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

const liveUsage = `swarmsim live draws the swarm full-screen in a terminal while simulated time
runs, for a talk or a class given from a terminal: the zones with their nodes
and tasks, one Raft lane per manager, the services, the timeline and the
verdict, redrawn as time plays. It is the playground's engine with a terminal
in front: every key is a drill line, and --record writes them as a drill that
swarmsim run replays to the same state.

Usage:
  swarmsim live [flags]
      swarmsim live --managers 5 --az 2-2-1 --workers 6
      swarmsim live --az 2-2-1 --kill 2 --record talk.drill

Keys: + and - change the speed (1×, 10×, 60×), space pauses, . runs one
simulated second, the arrows select a node, k kills or restarts it, z its
zone, : types a drill line (kill leader, partition a | b c, wait 30s, …),
? shows the keys, q quits. --stack is deployed once the swarm has settled,
then --kill, --kill-az and --partition are done, as the first lines of the
drill.

Flags:
`

// liveRefuses are the headline flags live has no use for, each with why.
var liveRefuses = []struct{ flag, why string }{
	{"for", "live runs until q; stop when you like"},
	{"restart-after", "restart the nodes with k or :restart when you like"},
	{"output", "live draws on the terminal; the headline writes json and html"},
	{"views", "type :docker node ls in swarmsim shell for Docker's tables"},
	{"raft", "the Raft lanes show every manager's role and term"},
	{"check", "the playground's engine checks every step already"},
	{"rtt", "the drill language has no round trips to record"},
}

// liveArgs are live's flags, read.
type liveArgs struct {
	start playground.Start
	lines []string // the headline's failure flags as drill lines, done after the swarm settles
	stack string   // --stack: a compose file deployed once the swarm settled, before the failure
	// stackWarnings are what Docker's loader said of the stack, printed
	// before the view opens, as docker stack deploy prints them.
	stackWarnings []string
	record        string // the drill to write on quit; "" for none
	noColor       bool
}

func parseLive(args []string) (*liveArgs, error) {
	fs, v := headlineFlagsOf(newFlags("swarmsim live", liveUsage))
	record := fs.text("record", "", "write the session as a drill `FILE` on quit, which swarmsim run replays")
	for _, r := range liveRefuses {
		if err := fs.MarkHidden(r.flag); err != nil {
			return nil, err
		}
	}
	h, err := v.read(fs, args)
	if err != nil {
		return nil, err
	}
	for _, r := range liveRefuses {
		if fs.Changed(r.flag) {
			return nil, fmt.Errorf("live takes no --%s: %s", r.flag, r.why)
		}
	}
	if fs.Changed("record") && *record == "" {
		return nil, errors.New("--record needs a file to write, like --record talk.drill")
	}
	spec, err := h.buildSpec()
	if err != nil {
		return nil, err
	}
	a := &liveArgs{record: *record, noColor: h.noColor, stack: h.stackFile, start: playground.Start{
		Layout: spec.Layout, Seed: h.seed, Services: h.services, From: h.from, ServicesFile: h.servicesFile, Autolock: h.autolock,
	}}
	if spec.Stack != nil {
		a.stackWarnings = spec.Stack.Warnings
	}
	if a.stack != "" && a.start.Services == nil {
		a.start.Services = []scenario.Service{} // a stack replaces the default services, as in the headline
	}
	// The headline's order: partition, zones, nodes, then managers.
	f := spec.Failure
	var cmds []drill.Command
	if f.Partition != nil {
		cmds = append(cmds, drill.Partition{A: f.Partition.Sides[0], B: f.Partition.Sides[1]})
	}
	for _, z := range f.Zones {
		cmds = append(cmds, drill.KillZone{Zone: z})
	}
	if len(f.Nodes) > 0 {
		cmds = append(cmds, drill.Kill{Nodes: f.Nodes})
	}
	if f.Managers > 0 {
		cmds = append(cmds, drill.KillManagers{N: f.Managers})
	}
	for _, c := range cmds {
		a.lines = append(a.lines, c.String())
	}
	return a, nil
}

// isTerminal reports whether f is a terminal the view can draw on or read
// keys from.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// writeBeside writes the files a drill's cluster line names into dir, where
// the drill is, as swarmsim run looks for them, unless the same file is
// there already. A different file of that name is kept, and refused.
func writeBeside(dir string, files map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(files)) {
		path := filepath.Join(dir, name)
		// Only as many bytes as ours are read: a longer file is a
		// different one, however large it is.
		have, err := limits.ReadFile(path, int64(len(files[name])), name)
		switch {
		case err == nil && string(have) == files[name]:
			continue
		case err == nil || errors.Is(err, limits.ErrTooLarge):
			return fmt.Errorf("the drill names %s, and a different %s is already there; record into another directory", name, path)
		}
		if err := os.WriteFile(path, []byte(files[name]), 0o644); err != nil {
			return fmt.Errorf("cannot write %s, which the drill names: %w", path, err)
		}
	}
	return nil
}
