package main

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/swarmsim/swarmsim/az"
)

// options are the headline command's flags, checked and resolved.
type options struct {
	managers  int
	layout    az.Layout
	workers   int
	services  []serviceFlag
	killCount int      // --kill N
	killNames []string // --kill m1,m3
	killAZ    string
	partition *az.Partition
	duration  time.Duration
	seed      uint64
	json      bool
	color     bool
	check     bool
	views     bool
	imported  *imported // --from / --services
}

type serviceFlag struct {
	name     string
	replicas int
	global   bool
}

const usage = `swarmsim simulates a Docker Swarm on real etcd Raft and shows what a failure does
to quorum and to services.

Usage:
  swarmsim [flags]              build a swarm, let it settle, inject the failure, report

Flags:
`

var serviceName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// parseOptions reads the headline flags. Errors are one sentence that names
// the flag and says how to write it.
func parseOptions(args []string, stderr io.Writer, env func(string) string) (*options, error) {
	fs := newFlagSet("swarmsim")
	fs.SortFlags = false
	// Numbers are read as text and checked here, so a typo gets a sentence
	// instead of strconv's diagnostics.
	managers := fs.String("managers", "3", "manager nodes, the Raft voters")
	layout := fs.String("az", "", "managers per zone, zones named a, b, c, … (default: spread evenly over 3 zones)")
	workers := fs.String("workers", "0", "worker nodes, spread over the zones")
	services := fs.StringArray("service", nil, "a replicated service NAME=REPLICAS, spread over zones (repeatable)")
	globals := fs.StringArray("global", nil, "a global service NAME, one task per node (repeatable)")
	kill := fs.String("kill", "", "managers to kill: a count (the leader first, then a seeded choice) or names like m1,m3")
	killAZ := fs.String("kill-az", "", "a zone whose nodes all die")
	partition := fs.String("partition", "", "cut the network between zone sets, like a|b,c")
	duration := fs.String("for", "60s", "simulated time to run after the failure")
	seed := fs.String("seed", "1", "seed for every random choice; the same seed gives the same run")
	output := fs.String("output", "text", "text or json")
	noColor := fs.Bool("no-color", false, "plain text without colour (also when NO_COLOR is set)")
	check := fs.Bool("check", false, "check Raft's and Swarm's invariants on every step; a violation stops the run")
	views := fs.Bool("views", false, "also print docker node ls, docker service ls and docker service ps as they read after the run")
	from := fs.String("from", "", "build the swarm from `docker node inspect $(docker node ls -q)` output saved to this file")
	servicesFile := fs.String("services", "", "run the services of `docker service inspect $(docker service ls -q)` output saved to this file")
	help := fs.BoolP("help", "h", false, "show this help")

	if err := fs.Parse(args); err != nil {
		return nil, flagError(err)
	}
	if *help {
		fmt.Fprint(stderr, usage+fs.FlagUsages())
		return nil, errHelp
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q; the headline command takes only flags (see swarmsim --help)", fs.Arg(0))
	}

	o := &options{color: !*noColor && env("NO_COLOR") == "", check: *check, views: *views}
	var err error
	if o.managers, err = count("--managers", *managers, 1, "--managers 3"); err != nil {
		return nil, err
	}
	if o.managers > az.MaxManagers {
		return nil, fmt.Errorf("--managers %d is more than swarmsim simulates; use at most %d (Docker advises 3, 5 or 7)", o.managers, az.MaxManagers)
	}
	if o.workers, err = count("--workers", *workers, 0, "--workers 6"); err != nil {
		return nil, err
	}
	if o.workers > 10000 {
		return nil, fmt.Errorf("--workers %d is more than swarmsim simulates; use at most 10000", o.workers)
	}
	if *from != "" || *servicesFile != "" {
		for _, f := range []string{"managers", "az", "workers"} {
			if *from != "" && fs.Changed(f) {
				return nil, fmt.Errorf("--from %s already gives the nodes; leave out --%s", *from, f)
			}
		}
		if o.imported, err = importSwarm(*from, *servicesFile); err != nil {
			return nil, err
		}
	}
	if o.imported != nil && *from != "" {
		o.layout = o.imported.layout
		o.managers, o.workers = o.layout.Managers(), o.layout.Workers()
	} else {
		if o.layout, err = resolveLayout(*layout, o.managers); err != nil {
			return nil, err
		}
		o.layout = o.layout.WithWorkers(o.workers)
	}

	for _, s := range *services {
		name, n, ok := strings.Cut(s, "=")
		if !ok || !serviceName.MatchString(name) {
			return nil, fmt.Errorf("--service %s: write a name and a replica count, like --service web=6", s)
		}
		r, err := count("--service "+name, n, 0, "--service "+name+"=6")
		if err != nil {
			return nil, err
		}
		o.services = append(o.services, serviceFlag{name: name, replicas: r})
	}
	for _, g := range *globals {
		if !serviceName.MatchString(g) {
			return nil, fmt.Errorf("--global %q: write a service name, like --global agent", g)
		}
		o.services = append(o.services, serviceFlag{name: g, global: true})
	}
	seen := map[string]bool{}
	for _, s := range o.services {
		if seen[s.name] {
			return nil, fmt.Errorf("service %s is given twice; name each service once", s.name)
		}
		seen[s.name] = true
	}

	if err := o.parseKill(*kill); err != nil {
		return nil, err
	}
	if *killAZ != "" {
		if o.layout.Index(*killAZ) < 0 {
			return nil, fmt.Errorf("--kill-az %s: there is no zone %s; the zones are %s", *killAZ, *killAZ, strings.Join(o.layout.Names(), ", "))
		}
		o.killAZ = *killAZ
	}
	if *partition != "" {
		p, err := az.ParsePartition(*partition, o.layout.Names())
		if err != nil {
			return nil, fmt.Errorf("--partition %s: %w", *partition, err)
		}
		o.partition = &p
	}
	if o.duration, err = parseFor(*duration); err != nil {
		return nil, err
	}
	if o.seed, err = parseSeed("--seed", *seed); err != nil {
		return nil, err
	}
	switch *output {
	case "text":
	case "json":
		o.json = true
	default:
		return nil, fmt.Errorf("--output %s: choose text or json", *output)
	}
	return o, nil
}

func (o *options) parseKill(v string) error {
	if v == "" {
		return nil
	}
	if n, err := strconv.Atoi(v); err == nil || strings.HasPrefix(v, "-") {
		if err != nil || n < 0 {
			return fmt.Errorf("--kill %s: write how many managers to kill, like --kill 2, or their names, like --kill m1,m3", v)
		}
		if n > o.managers {
			return fmt.Errorf("--kill %d is more managers than the %d in the swarm; kill at most %d, or name them, like --kill m1,m3", n, o.managers, o.managers)
		}
		o.killCount = n
		return nil
	}
	valid := map[string]bool{}
	nodes := fmt.Sprintf("m1…m%d", o.managers)
	if o.workers > 0 {
		nodes += fmt.Sprintf(", w1…w%d", o.workers)
	}
	if o.imported != nil && len(o.imported.nodes) > 0 {
		var names []string
		for _, n := range o.imported.nodes {
			valid[n.Name] = true
			names = append(names, n.Name)
		}
		nodes = strings.Join(names, ", ")
	} else {
		for i := 1; i <= o.managers; i++ {
			valid[fmt.Sprintf("m%d", i)] = true
		}
		for i := 1; i <= o.workers; i++ {
			valid[fmt.Sprintf("w%d", i)] = true
		}
	}
	seen := map[string]bool{}
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		if !valid[name] {
			return fmt.Errorf("--kill %s: there is no node %q; the nodes are %s", v, name, nodes)
		}
		if !seen[name] {
			o.killNames = append(o.killNames, name)
			seen[name] = true
		}
	}
	return nil
}

// resolveLayout reads --az against --managers; empty spreads the managers
// evenly over three zones.
func resolveLayout(spec string, managers int) (az.Layout, error) {
	if spec == "" {
		return az.Even(managers, 3), nil
	}
	l, err := az.Parse(spec)
	if err != nil {
		return az.Layout{}, fmt.Errorf("--az %s: %w", spec, err)
	}
	if l.Managers() != managers {
		return az.Layout{}, fmt.Errorf("--az %s adds up to %d managers, but --managers is %d; make the zones add up, like --az %s", spec, l.Managers(), managers, az.Even(managers, len(l.Zones)))
	}
	return l, nil
}

// parseFor reads --for: a simulated duration from a second to a day.
func parseFor(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second || d > 24*time.Hour {
		return 0, fmt.Errorf("--for %s: write a simulated duration between 1s and 24h, like --for 60s or --for 5m", v)
	}
	return d, nil
}

func parseSeed(flag, v string) (uint64, error) {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %s: write a whole number from 0 up, like %s 7", flag, v, flag)
	}
	return n, nil
}

// count reads a whole number of at least min.
func count(flag, v string, min int, example string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s %s: write a whole number, like %s", flag, v, example)
	}
	if n < min {
		what := "0 or more"
		if min == 1 {
			what = "at least 1"
		}
		return 0, fmt.Errorf("%s %s: it must be %s, like %s", flag, v, what, example)
	}
	return n, nil
}

var errHelp = errors.New("help requested")

// flagError rewrites pflag's errors into swarmsim's one-line form.
func flagError(err error) error {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "unknown flag") || strings.HasPrefix(msg, "unknown shorthand flag"):
		return fmt.Errorf("%s; run swarmsim --help to see the flags", msg)
	case strings.HasPrefix(msg, "flag needs an argument"):
		return fmt.Errorf("%s; give it a value, like --managers 5", msg)
	}
	return fmt.Errorf("%s; run swarmsim --help to see the flags", msg)
}

// newFlagSet makes a flag set that reports errors through run, not on its
// own.
func newFlagSet(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseSubcommand parses a subcommand's flags, with --help. done means the
// subcommand should return code at once: help was shown, or the flags were
// wrong (a one-line error is on stderr).
func parseSubcommand(fs *pflag.FlagSet, args []string, usage string, stderr io.Writer) (code int, done bool) {
	help := fs.BoolP("help", "h", false, "show this help")
	if err := fs.Parse(args); err != nil {
		msg := strings.Replace(flagError(err).Error(), "run swarmsim --help", "run "+fs.Name()+" --help", 1)
		return fail(stderr, errors.New(msg)), true
	}
	if *help {
		fmt.Fprint(stderr, usage+fs.FlagUsages())
		return exitOK, true
	}
	return 0, false
}
