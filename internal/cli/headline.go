package cli

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/report"
	"github.com/swarmsim/swarmsim/internal/scenario"
	"github.com/swarmsim/swarmsim/internal/sink"
)

// headline is the headline command as its flags ask for it, each flag read
// and checked on its own. buildSpec then reads the files it names and
// checks the flags against each other and the swarm.
type headline struct {
	swarm        swarmArgs
	services     []scenario.Service
	kill         []string // each --kill as given
	killAZ       []string
	partition    string        // "" when not given
	restartAfter time.Duration // 0 when not given
	autolock     bool
	duration     time.Duration
	seed         uint64
	output       format
	noColor      bool
	raft         bool // --raft: every manager's Raft at the end
	check        bool
	views        bool
	from         string       // --from: docker node inspect output
	servicesFile string       // --services: docker service inspect output
	zoneLabel    string       // --zone-label: the label --from reads zones from
	rtt          string       // --rtt as given, read once the zones are known; "" when not given
	stackFile    string       // --stack: [NAME=]FILE, a compose file deployed as a stack
	env          scenario.Env // what the stack file's ${VAR} reads
	renamed      []string     // --from's nodes named other than their hostname, a sentence each
}

var serviceName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// headlineValues are the headline flags as given.
type headlineValues struct {
	swarm                                      swarmValues
	duration, seed, output, from, servicesFile *string
	zoneLabel                                  *string
	rtt, restartAfter, stackFile               *string
	services, globals, kill, killAZ, partition *[]string
	noColor, check, views, raft, autolock      *bool
}

func headlineFlags() (*flagSet, *headlineValues) {
	return headlineFlagsOf(newFlags("swarmsim", rootUsage+"\nFlags of the headline command:\n"))
}

// headlineFlagsOf adds the headline flags to fs, for the headline and for
// commands that take its flags, like live.
func headlineFlagsOf(fs *flagSet) (*flagSet, *headlineValues) {
	return fs, &headlineValues{
		swarm:        swarmFlags(fs),
		services:     fs.StringArray("service", nil, "a replicated service `NAME=REPLICAS`, spread over zones (repeatable)"),
		globals:      fs.StringArray("global", nil, "a global service `NAME`, one task per node (repeatable)"),
		kill:         fs.StringArray("kill", nil, "kill `N|NAMES`: N managers (the leader first, then a seeded choice; 0 is no failure), or nodes by name like m1,m3 (repeatable; they add up)"),
		killAZ:       fs.StringArray("kill-az", nil, "a `ZONE` whose nodes all die (repeatable)"),
		partition:    fs.StringArray("partition", nil, "cut every link between the zones on either side of `A|B`, like a|b,c (once: a second partition would replace the first)"),
		restartAfter: fs.text("restart-after", "", "restart the nodes the failure killed `TIME` after it, as power coming back would (before --for ends)"),
		autolock:     fs.Bool("autolock", false, "initialize the swarm with docker swarm init --autolock: a manager that restarts stays locked until it is unlocked"),
		duration:     fs.text("for", seconds(scenario.DefaultFor), "simulated `TIME` to run after the failure"),
		seed:         fs.text("seed", strconv.Itoa(scenario.DefaultSeed), "`SEED` of every random choice; the same seed gives the same run"),
		output:       fs.text("output", "text", "`FORMAT` of the report: text, json or html (one self-contained page with the timeline drawn)"),
		noColor:      fs.Bool("no-color", false, "plain text without colour (also when NO_COLOR is set)"),
		check:        fs.Bool("check", false, "check Raft's and Swarm's invariants on every step; a violation stops the run"),
		views:        fs.Bool("views", false, "also print docker node ls, docker service ls and docker service ps as they read after the run"),
		raft:         fs.Bool("raft", false, "also show every manager's Raft as etcd reports it: state, term, vote, commit, applied and last index, and the leader's view of each follower"),
		from:         fs.text("from", "", "build the swarm from `FILE`, the output of docker node inspect $(docker node ls -q)"),
		zoneLabel:    fs.text("zone-label", scenario.DefaultZoneLabel, "the node label `NAME` that --from reads each node's zone from (a node label, else an engine label), like azone"),
		servicesFile: fs.text("services", "", "create the services of `FILE`, the output of docker service inspect $(docker service ls -q)"),
		rtt:          fs.text("rtt", "", "round trips between zones, `PAIRS` like a-b=40ms,a-c=40ms,b-c=12ms; pairs left out keep the simulator's defaults"),
		stackFile:    fs.text("stack", "", "deploy a compose file as docker stack deploy -c FILE NAME does: `[NAME=]FILE`, like shop=shop.v2.yml (without NAME= the stack is named after the file); ${VAR} is read from the environment"),
	}
}

func headlineHelp() string {
	fs, _ := headlineFlags()
	return fs.Help()
}

// parseHeadline reads the headline flags. Errors are one sentence that names
// the flag and says how to write it.
func parseHeadline(args []string) (*headline, error) {
	fs, v := headlineFlags()
	return v.read(fs, args)
}

// read parses args into fs, and reads the headline flags among them.
func (v *headlineValues) read(fs *flagSet, args []string) (*headline, error) {
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	what := "the headline command takes only flags"
	if fs.cmd != "swarmsim" {
		what = strings.TrimPrefix(fs.cmd, "swarmsim ") + " takes only flags"
	}
	if err := fs.noArgs(what); err != nil {
		return nil, err
	}

	h := &headline{noColor: *v.noColor, check: *v.check, views: *v.views, raft: *v.raft, from: *v.from, servicesFile: *v.servicesFile, zoneLabel: *v.zoneLabel, rtt: *v.rtt, autolock: *v.autolock, stackFile: *v.stackFile}
	if fs.Changed("zone-label") && h.from == "" {
		return nil, errors.New("--zone-label names the label --from reads zones from; add --from FILE, or leave it out")
	}
	if h.zoneLabel == "" {
		return nil, errors.New("--zone-label needs a label name, like --zone-label azone")
	}
	if fs.Changed("rtt") && h.rtt == "" {
		return nil, errors.New("--rtt needs round trips between zones, like --rtt a-b=40ms,a-c=40ms,b-c=12ms")
	}
	var err error
	if h.swarm, err = v.swarm.parse(fs); err != nil {
		return nil, err
	}
	if h.from != "" {
		for _, f := range []string{"managers", "az", "workers"} {
			if fs.Changed(f) {
				return nil, fmt.Errorf("--from %s already gives the nodes; leave out --%s", h.from, f)
			}
		}
	}
	if h.services, err = serviceFlags(*v.services, *v.globals); err != nil {
		return nil, err
	}
	h.kill, h.killAZ = *v.kill, *v.killAZ
	switch len(*v.partition) {
	case 0:
	case 1:
		h.partition = (*v.partition)[0]
		if h.partition == "" {
			return nil, errors.New("--partition needs two sets of zones, like --partition a|b,c")
		}
	default:
		return nil, fmt.Errorf("--partition is given %d times; a partition replaces the one before it, so give one, like --partition a|b,c", len(*v.partition))
	}
	if h.duration, err = parseFor(*v.duration); err != nil {
		return nil, err
	}
	if h.restartAfter, err = parseRestartAfter(*v.restartAfter, h.duration); err != nil {
		return nil, err
	}
	if h.seed, err = parseSeed("--seed", *v.seed); err != nil {
		return nil, err
	}
	if h.output, err = parseOutput(*v.output); err != nil {
		return nil, err
	}
	if h.output != textOutput && h.views {
		return nil, fmt.Errorf("--views prints Docker's tables into the text report; leave it out with --output %s, whose services and events say the same", h.output)
	}
	return h, nil
}

// serviceFlags reads --service NAME=REPLICAS and --global NAME.
func serviceFlags(replicated, global []string) ([]scenario.Service, error) {
	var out []scenario.Service
	seen := map[string]bool{}
	add := func(s scenario.Service) error {
		if seen[s.Name] {
			return fmt.Errorf("service %s is given twice; name each service once", s.Name)
		}
		seen[s.Name] = true
		out = append(out, s)
		return nil
	}
	for _, s := range replicated {
		name, n, ok := strings.Cut(s, "=")
		if !ok || !serviceName.MatchString(name) {
			return nil, fmt.Errorf("--service %s: write a name and a replica count, like --service web=6", s)
		}
		r, err := count("--service "+name+"=", n, 0, scenario.MaxCount, "--service "+name+"=6")
		if err != nil {
			return nil, err
		}
		if err := add(scenario.Replicated(name, r)); err != nil {
			return nil, err
		}
	}
	for _, g := range global {
		if !serviceName.MatchString(g) {
			return nil, fmt.Errorf("--global %q: write a service name, like --global agent", g)
		}
		if err := add(scenario.Global(g)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// buildSpec reads the files the flags name and checks the flags against
// each other and against the swarm they describe.
func (h *headline) buildSpec() (scenario.Spec, error) {
	spec := scenario.Spec{Seed: h.seed, For: h.duration, Check: h.check, Raft: h.raft, Record: h.output == htmlOutput, Autolock: h.autolock, RestartAfter: h.restartAfter}
	if h.from != "" {
		s, err := scenario.ImportNodes(h.from, h.zoneLabel)
		if err != nil {
			return spec, fmt.Errorf("--from %s: %w", h.from, err)
		}
		h.renamed = s.Renamed
		spec.Layout, spec.Nodes = s.Layout, s.Nodes
	} else {
		l, err := h.swarm.layout()
		if err != nil {
			return spec, err
		}
		// Nobody joins during the headline's run, so a zone it leaves
		// empty stays empty: most likely a miscount. The playground and
		// chaos runs let nodes join it.
		if err := scenario.EveryZoneHolds(l); err != nil {
			return spec, fmt.Errorf("--az %s: %w", h.swarm.zones, err)
		}
		spec.Layout = l
	}
	if h.rtt != "" {
		rtt, err := cluster.ParseRTT(h.rtt, spec.Layout.Names())
		if err != nil {
			return spec, fmt.Errorf("--rtt %s: %w", h.rtt, err)
		}
		spec.RTT = rtt
	}
	if h.servicesFile != "" {
		imported, err := scenario.ImportServices(h.servicesFile)
		if err != nil {
			return spec, fmt.Errorf("--services %s: %w", h.servicesFile, err)
		}
		spec.Services = imported
	}
	for _, s := range h.services {
		for _, have := range spec.Services {
			if have.Name == s.Name {
				return spec, fmt.Errorf("service %s is given twice (by --services %s and by a flag); name each service once", s.Name, h.servicesFile)
			}
		}
		spec.Services = append(spec.Services, s)
	}
	if h.stackFile != "" {
		name, file, err := stackFlag(h.stackFile)
		if err != nil {
			return spec, err
		}
		st, err := scenario.LoadStack(name, []string{file}, "", h.env)
		spec.Stack = st // its warnings go out before the error, as Docker's do
		if err != nil {
			return spec, fmt.Errorf("--stack %w", err) // the error starts with the file's name
		}
	}
	var err error
	if spec.Failure, err = h.failure(spec); err != nil {
		return spec, err
	}
	if f := spec.Failure; h.restartAfter > 0 && len(f.Zones) == 0 && len(f.Nodes) == 0 && f.Managers == 0 {
		return spec, fmt.Errorf("--restart-after restarts the nodes the failure kills, and nothing is killed; add --kill or --kill-az, like --kill 3 --restart-after 30s")
	}
	return spec, nil
}

// parseRestartAfter reads --restart-after: a simulated duration within
// --for, or "" for none.
func parseRestartAfter(v string, within time.Duration) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	switch {
	case err != nil || d <= 0:
		return 0, fmt.Errorf("--restart-after %s: write a simulated duration above 0, like --restart-after 30s", v)
	case d >= within:
		return 0, fmt.Errorf("--restart-after %s is not before the run ends (--for %s); restart earlier, or run longer, like --for %s", v, seconds(within), seconds(d+scenario.DefaultFor))
	}
	return d, nil
}

// failure reads the failure flags against the swarm. Repeated --kill and
// --kill-az add up; a node is killed once, so naming it twice, or naming a
// node whose zone already dies, is refused. A second --partition was
// refused by parseHeadline, since a partition replaces the one before.
func (h *headline) failure(spec scenario.Spec) (scenario.Failure, error) {
	var f scenario.Failure
	nodes := spec.NodeSpecs()
	zones := spec.Layout.Names()
	if h.partition != "" {
		p, err := az.ParsePartition(h.partition, zones)
		if err != nil {
			return f, fmt.Errorf("--partition %s: %w", h.partition, err)
		}
		f.Partition = &p
	}
	killedBy := map[string]string{} // node → the zone flag that kills it
	for _, z := range h.killAZ {
		switch {
		case z == "":
			return f, fmt.Errorf("--kill-az needs a zone, like --kill-az %s; the zones are %s", zones[0], strings.Join(zones, ", "))
		case spec.Layout.Index(z) < 0:
			return f, fmt.Errorf("--kill-az %s: there is no zone %s; the zones are %s", z, z, strings.Join(zones, ", "))
		case slices.Contains(f.Zones, z):
			return f, fmt.Errorf("--kill-az %s is given twice; name each zone once", z)
		}
		f.Zones = append(f.Zones, z)
		for _, n := range nodes {
			if n.Zone == z {
				killedBy[n.Name] = "--kill-az " + z
			}
		}
	}
	var counts []string
	for _, v := range h.kill {
		switch {
		case v == "":
			return f, errors.New("--kill needs a count or node names, like --kill 2 or --kill m1,m3")
		case strings.Trim(v, "0123456789") == "" || strings.HasPrefix(v, "-") || strings.HasPrefix(v, "+"):
			// --kill 0 is no failure, so a script can loop k = 0..N.
			n, err := count("--kill", v, 0, scenario.MaxManagers, "--kill 2, or name the nodes, like --kill m1,m3")
			if err != nil {
				return f, err
			}
			if n == 0 {
				continue
			}
			f.Managers += n
			counts = append(counts, "--kill "+v)
		default:
			for _, name := range strings.Split(v, ",") {
				name = strings.TrimSpace(name)
				i := slices.IndexFunc(nodes, func(n cluster.NodeSpec) bool { return n.Name == name })
				switch {
				case name == "":
					return f, fmt.Errorf("--kill %s: a name is missing; separate names with single commas, like --kill m1,m3", v)
				case i < 0:
					return f, fmt.Errorf("--kill %s: there is no node %q; the nodes are %s", v, name, nodeNames(spec, nodes))
				case slices.Contains(f.Nodes, name):
					return f, fmt.Errorf("--kill %s: %s is named twice; name each node once", v, name)
				case killedBy[name] != "":
					return f, fmt.Errorf("--kill %s: %s is in zone %s, which %s already kills; leave it out", v, name, nodes[i].Zone, killedBy[name])
				}
				f.Nodes = append(f.Nodes, name)
			}
		}
	}
	if f.Managers > 0 {
		all, left := 0, 0
		for _, n := range nodes {
			if n.Role == cluster.RoleManager && !n.Down {
				all++
				if killedBy[n.Name] == "" && !slices.Contains(f.Nodes, n.Name) {
					left++
				}
			}
		}
		if f.Managers > left && left == 0 {
			return f, fmt.Errorf("%s: the other failures already kill every manager; leave it out", strings.Join(counts, " "))
		}
		if f.Managers > left {
			asked := strings.Join(counts, " ")
			if len(counts) > 1 {
				asked += fmt.Sprintf(" add up to %d, which", f.Managers)
			}
			where := fmt.Sprintf("the %d in the swarm", all)
			if left < all {
				where = fmt.Sprintf("the %d left alive by the other failures", left)
			}
			return f, fmt.Errorf("%s is more managers than %s; kill at most %d, or name them, like --kill m1,m3", asked, where, left)
		}
	}
	return f, nil
}

// nodeNames lists the nodes for an error: m1…m5, w1…w3 for a generated
// swarm, every name for an imported one.
func nodeNames(spec scenario.Spec, nodes []cluster.NodeSpec) string {
	if spec.Nodes != nil {
		names := make([]string, len(nodes))
		for i, n := range nodes {
			names[i] = n.Name
		}
		return strings.Join(names, ", ")
	}
	s := fmt.Sprintf("m1…m%d", spec.Layout.Managers())
	if w := spec.Layout.Workers(); w > 0 {
		s += fmt.Sprintf(", w1…w%d", w)
	}
	return s
}

// stackFlag reads --stack [NAME=]FILE. A name before = is the stack's,
// as docker stack deploy -c FILE NAME takes one; without it the stack is
// named after the file, which must then make a stack name.
func stackFlag(v string) (name, file string, err error) {
	if n, f, ok := strings.Cut(v, "="); ok && n != "" && !strings.ContainsAny(n, `/\`) {
		if f == "" {
			return "", "", fmt.Errorf("--stack %s: give the compose file after =, like --stack %s=shop.yml", v, n)
		}
		if !cluster.ValidServiceName(n + "_x") {
			return "", "", fmt.Errorf(`--stack %s: %q is not a stack name (its services are named %s_SERVICE, and a service name takes letters, digits, "-" and "_"); write one, like --stack shop=%s`, v, n, n, f)
		}
		return n, f, nil
	}
	name = scenario.StackName(v)
	if !cluster.ValidServiceName(name + "_x") {
		return "", "", fmt.Errorf(`--stack %s: the stack would be named %q, after the file, which is not a stack name (its services are named %s_SERVICE, and a service name takes letters, digits, "-" and "_"); name it, like --stack shop=%s`, v, name, name, v)
	}
	return name, v, nil
}

// lookupEnv is the environment as a stack file reads it. The command
// line's env tells no unset variable from an empty one, so an empty one
// counts as unset: ${VAR-default} gives default for VAR="" too.
func lookupEnv(env func(string) string) scenario.Env {
	return func(key string) (string, bool) {
		v := env(key)
		return v, v != ""
	}
}

// runHeadline is the headline command.
func runHeadline(args []string, stdout, stderr io.Writer, env func(string) string) int {
	h, err := parseHeadline(args)
	if code, done := parsed(err, stdout, stderr); done {
		return code
	}
	h.env = lookupEnv(env)
	spec, err := h.buildSpec()
	for _, r := range h.renamed {
		fmt.Fprintln(stderr, sink.Text(r))
	}
	if spec.Stack != nil {
		// Docker prints these on stderr too, and deploys all the same.
		for _, w := range spec.Stack.Warnings {
			fmt.Fprintln(stderr, sink.Text(w))
		}
	}
	if err != nil {
		return fail(stderr, err)
	}
	defer collectForShape(spec)()
	bar := newProgressBar(stderr, "run")
	if bar != nil {
		spec.Progress = func(done, total time.Duration) { bar.update(int64(done), int64(total)) }
	}
	out, err := scenario.Run(spec)
	bar.done() // before the report, on the terminal the bar was on
	if err != nil {
		return simulationFailed(stderr, err)
	}
	if err := render(h.output, func() error { return report.HeadlineJSON(stdout, out) }, func() error { return report.HeadlineHTML(stdout, out) },
		func() { report.Headline(stdout, out, styles(stdout, h.noColor, env), h.views) }); err != nil {
		return fail(stderr, err)
	}
	if out.Verdict != scenario.Holds {
		return exitFailed
	}
	return exitOK
}

// A headline run is one short process. Go's default collector runs each
// time the heap doubles, which for the headline shape (a few megabytes
// live) means a collection every few simulated minutes, a tenth of the
// run: collecting when the heap has grown fivefold halves that. A large
// swarm would then grow its heap to five times what it holds, and each
// page the heap grows into is a page fault on the simulation's own
// thread, while the collector runs on the other core. So a memory limit
// sized from the swarm brings collection back.
//
// A placed task holds 550-650 bytes at the end of a run (52-62 MB live
// after Swarm2k's 95,000 tasks, 77-91 MB after Swarm3k's 150,000,
// GODEBUG=gctrace=1) and more while the swarm settles: 1,300 bytes a task
// lets the heap grow about twice that. Against the limit it replaced (64
// MiB plus 896 bytes a task), Swarm2k's shape runs 6% faster in 120 MiB
// instead of 141, Swarm3k's the same or a little faster in 180 MiB
// instead of 186; at 1,000 bytes the collector runs back to back and
// costs 15% more CPU. A node holds 3-4 KB (its record, its agent, its
// session: 10,000 nodes with 40,000 tasks hold 65 MB), which the task
// term leaves out: such a swarm collected back to back under it, 64%
// slower. So a swarm of many nodes and few tasks gets 8 KiB a node above
// a floor of 64 MiB (the runtime, Raft, a small swarm), whichever of the
// two is more: 10,000 nodes run 9-17% faster than under the old limit.
const (
	headlineGCPercent = 400
	headlineHeapFloor = 64 << 20 // bytes: the runtime, Raft, a small swarm
	headlineHeapTask  = 1300     // bytes per task asked for
	headlineHeapNode  = 8 << 10  // bytes per node, above the floor
)

// collectForShape sets the collector for a headline run of spec, sized as
// spec.Size counts it, and returns what puts it back (the tests run many
// commands in one process).
func collectForShape(spec scenario.Spec) (restore func()) {
	nodes, tasks := spec.Size()
	percent := debug.SetGCPercent(headlineGCPercent)
	limit := debug.SetMemoryLimit(max(headlineHeapFloor+int64(nodes)*headlineHeapNode, int64(tasks)*headlineHeapTask))
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}
