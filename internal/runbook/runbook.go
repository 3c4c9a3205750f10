// Package runbook turns a drill into a bash script an operator runs
// against a real lab swarm, to rehearse on machines what the drill
// rehearsed in simulation:
//
//	script, _ := drill.Parse(file, src)
//	err := runbook.Write(os.Stdout, script, filepath.Dir(file))
//
// The drill's docker commands are written as they are, sent to a live
// manager over ssh. Every failure the drill injects (kill, restart,
// partition, heal, a node joining) becomes a clearly marked manual step
// that prints the commands causing it (stop Docker on a node over ssh,
// cut a link with iptables) and waits for the operator. Every expectation
// becomes a check of `docker node ls`, `docker service ls` or `docker
// service ps` output that is retried for a while and stops the script
// when it does not hold. Waits are the drill's, in real seconds.
//
// The script passes bash -n and shellcheck for every example drill; the
// tests hold it to that.
package runbook

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/internal/scenario"
	"github.com/swarmsim/swarmsim/internal/sink"
)

// node is one machine of the lab as the drill names it.
type node struct {
	name, zone string
	manager    bool
}

// lab is the swarm the drill builds, kept current as the steps change it,
// so that a later `kill az b` stops the nodes zone b holds by then.
type lab struct {
	nodes    []node          // the nodes the lab starts with, then those the drill joins
	initial  int             // how many the lab starts with
	joins    map[int]node    // the node each join line brings, by line
	present  map[string]bool // nodes in the lab by now: the initial ones, then each as it joins
	zones    []string
	managers []string          // the managers the docker wrapper may ask, in order
	cut      []string          // nodes holding iptables rules until the next heal
	imported string            // the nodes file of an imported swarm, "" otherwise
	services string            // the services file, "" when the drill creates its own
	dir      string            // where the files the drill names are found
	backups  map[string]string // the node each backup was taken on, by name
}

// Write writes the runbook of s. dir is where files the drill names
// (cluster from=…) are found. An error means the drill's swarm cannot be
// built, as swarmsim run would report it.
func Write(w io.Writer, s *drill.Script, dir string) error {
	if len(s.Steps) == 0 {
		return fmt.Errorf("%s has no steps", s.File)
	}
	c, ok := s.Steps[0].Cmd.(drill.Cluster)
	if !ok {
		return fmt.Errorf("%s does not start with a cluster line", s.File)
	}
	l, err := build(c, dir)
	if l != nil {
		l.dir = dir
	}
	if err != nil {
		return fmt.Errorf("%s:%d: %w", s.File, s.Steps[0].Pos.Line, err)
	}
	l.initial = len(l.nodes)
	l.joinAhead(s)

	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("#!/usr/bin/env bash\n")
	p("# Runbook for a lab swarm, written by swarmsim from %s.\n", sink.Comment(s.File))
	if o := s.Opening(); o != "" {
		p("#\n")
		for _, line := range prose.Wrap(strings.Fields(o), 74) {
			p("# %s\n", sink.Comment(line))
		}
	}
	p("#\n")
	for _, line := range prose.Wrap(strings.Fields(l.describe()), 74) {
		p("# %s\n", sink.Comment(line))
	}
	p("#\n")
	for _, line := range prose.Wrap(strings.Fields("Docker commands run on a manager over ssh (docker -H ssh://HOST), the first that answers with a leader. Each failure is a MANUAL STEP: the runbook prints the commands that cause it and waits for Enter. Each expectation is checked every few seconds for up to CHECK_WITHIN seconds (default 60) and stops the runbook with exit status 1 when it does not hold. Images are the drill's: where it names one starting with fail, which the simulator crashes on purpose, use an image that crashes. Set each node's ssh target (and address, where a step needs one) below."), 74) {
		p("# %s\n", sink.Comment(line))
	}
	p("set -euo pipefail\n\n")
	p("# How to reach each node over ssh, like [m1]=admin@10.0.0.11.\ndeclare -A host=(\n")
	for _, n := range l.nodes {
		p("  [%s]=%s\n", sh(n.name), sh(n.name))
	}
	if needsAddresses(s) {
		p(")\n# The address other nodes reach each node at, for iptables and --advertise-addr.\ndeclare -A addr=(\n")
		for _, n := range l.nodes {
			p("  [%s]=%s\n", sh(n.name), sh(n.name))
		}
	} else {
		p(")\n# No partition or --advertise-addr in this drill: no addresses are needed.\ndeclare -A addr=(\n")
	}
	p(")\n# Each node's zone, as the drill places it (node.labels.zone).\ndeclare -A zone=(\n")
	for _, n := range l.nodes {
		p("  [%s]=%s\n", sh(n.name), sh(n.zone))
	}
	p(")\nmanagers=(%s)\n\n", words(l.managers))
	p("%s", prelude)

	for _, st := range s.Steps {
		if err := l.step(p, st); err != nil {
			return fmt.Errorf("%s:%d: %w", s.File, st.Pos.Line, err)
		}
	}
	p("\nprintf '\\nThe runbook of %%s ran to the end: every expectation held.\\n' %s\n", sh(sink.Text(s.File)))
	_, err = io.WriteString(w, b.String())
	return err
}

// build makes the lab of a cluster line: the layout's m1…, w1…, or an
// imported swarm's nodes.
func build(c drill.Cluster, dir string) (*lab, error) {
	l := &lab{imported: c.From, services: c.Services}
	var layout az.Layout
	var nodes []cluster.NodeSpec
	if c.From != "" {
		sw, err := scenario.ImportNodes(relative(dir, c.From), scenario.DefaultZoneLabel)
		if err != nil {
			return nil, fmt.Errorf("from=%s: %w", c.From, err)
		}
		layout, nodes = sw.Layout, sw.Nodes
	} else {
		var zones *az.Layout
		if c.AZ != "" {
			z, err := az.Parse(c.AZ)
			if err != nil {
				return nil, fmt.Errorf("az=%s: %w", c.AZ, err)
			}
			zones = &z
		}
		var err error
		if layout, err = scenario.NewLayout(c.Managers, zones, c.Workers); err != nil {
			return nil, err
		}
		nodes = scenario.Spec{Layout: layout}.NodeSpecs()
	}
	l.zones = layout.Names()
	for _, n := range nodes {
		l.nodes = append(l.nodes, node{name: n.Name, zone: n.Zone, manager: n.Role == cluster.RoleManager})
		if n.Role == cluster.RoleManager {
			l.managers = append(l.managers, n.Name)
		}
	}
	return l, nil
}

// relative resolves a file a drill names against the drill's directory,
// as swarmsim run does.
func relative(dir, path string) string {
	if dir == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

// describe says what lab the runbook expects.
func (l *lab) describe() string {
	managers, workers := l.count()
	if l.imported != "" {
		return fmt.Sprintf("The lab is the swarm %s was saved from (%s and %s over zones %s), its nodes named as there.", l.imported,
			prose.Counted(managers, "manager"), prose.Counted(workers, "worker"), strings.Join(l.zones, ", "))
	}
	var perZone []string
	for _, z := range l.zones {
		var names []string
		for _, n := range l.nodes[:l.initial] {
			if n.zone == z {
				names = append(names, n.name)
			}
		}
		if len(names) == 0 {
			names = []string{"no node at first"}
		}
		perZone = append(perZone, "zone "+z+": "+strings.Join(names, " "))
	}
	more := ""
	for _, n := range l.nodes[l.initial:] {
		more += fmt.Sprintf(" %s joins later, in zone %s.", n.name, n.zone)
	}
	return fmt.Sprintf("The lab: %s and %s, named as in the drill and labelled with their zones (docker node update --label-add zone=a m1); %s.%s",
		prose.Counted(managers, "manager"), prose.Counted(workers, "worker"), strings.Join(perZone, "; "), more)
}

// joinAhead adds the nodes the drill's `docker swarm join` lines bring,
// named and placed as the simulator names and places them, so the ssh
// tables list them from the start.
func (l *lab) joinAhead(s *drill.Script) {
	l.joins, l.present = map[int]node{}, map[string]bool{}
	for _, n := range l.nodes {
		l.present[n.name] = true
	}
	for _, st := range s.Steps {
		if j, ok := st.Cmd.(drill.SwarmJoin); ok {
			l.joins[st.Pos.Line] = l.join(j)
		}
	}
}

// join adds a joining node and returns it.
func (l *lab) join(j drill.SwarmJoin) node {
	name, zone := j.Name, j.Zone
	if name == "" {
		prefix := "w"
		if j.Role == drill.Manager {
			prefix = "m"
		}
		for i := 1; ; i++ {
			name = fmt.Sprintf("%s%d", prefix, i)
			if !l.has(name) {
				break
			}
		}
	}
	if i := slices.IndexFunc(l.nodes, func(n node) bool { return n.name == name }); i >= 0 {
		return l.nodes[i]
	}
	if zone == "" {
		zone = l.smallestZone()
	}
	n := node{name: name, zone: zone}
	l.nodes = append(l.nodes, n)
	return n
}

func (l *lab) has(name string) bool {
	return slices.ContainsFunc(l.nodes, func(n node) bool { return n.name == name })
}

// smallestZone is where the simulator puts a node that joins without a
// zone: the zone with the fewest nodes, the first of them on a tie.
func (l *lab) smallestZone() string {
	best, fewest := "", -1
	for _, z := range l.zones {
		k := 0
		for _, n := range l.nodes {
			if n.zone == z {
				k++
			}
		}
		if fewest < 0 || k < fewest {
			best, fewest = z, k
		}
	}
	return best
}

// inZones are the nodes of the zones that are in the lab by now.
func (l *lab) inZones(zones ...string) []string {
	var out []string
	for _, n := range l.nodes {
		if slices.Contains(zones, n.zone) && l.present[n.name] {
			out = append(out, n.name)
		}
	}
	return out
}

// restore writes a restore step. Onto another host than the backup's
// manager, the archive is copied there first, and the host takes the
// manager's identity: later steps reach that manager on the new host, and
// the host's own name is no longer in the lab.
func (l *lab) restore(p func(string, ...any), line int, src string, x drill.Restore) {
	archive := "/var/tmp/swarm-" + x.Name + ".tgz"
	from := l.backups[x.Name]
	if from == "" || from == x.Node {
		p("\nmapfile -t cmds < <(restore_swarm %s %s)\n", sh(x.Node), sh(archive))
		p("manual %d %s \"${cmds[@]}\"\n", line, sh(src+": replace the swarm directory of "+x.Node+" with "+archive+"; force a new cluster on it next"))
		return
	}
	p("\nmapfile -t cmds < <(printf 'scp -3 %%s:%%s %%s:%%s\\n' \"${host[%s]:-%s}\" %s \"${host[%s]:-%s}\" %s; restore_swarm %s %s)\n",
		from, from, sh(archive), x.Node, x.Node, sh(archive), sh(x.Node), sh(archive))
	p("manual %d %s \"${cmds[@]}\"\n", line, sh(fmt.Sprintf("%s: copy %s, taken on %s, to %s and replace %s's swarm directory with it; %s becomes %s, so force a new cluster on %s next", src, archive, from, x.Node, x.Node, x.Node, from, from)))
	p("host[%s]=${host[%s]:-%s}\naddr[%s]=${addr[%s]:-}\n", from, x.Node, x.Node, from, x.Node)
	zone := ""
	for _, n := range l.nodes {
		if n.name == x.Node {
			zone = n.zone
		}
	}
	for i := range l.nodes {
		if l.nodes[i].name == from {
			l.nodes[i].zone = zone
		}
	}
	l.present[x.Node] = false
}

// step writes one drill step.
func (l *lab) step(p func(string, ...any), st drill.Step) error {
	line := st.Pos.Line
	src := st.Source
	switch x := st.Cmd.(type) {
	case drill.Cluster:
		p("\nstep %d %s\n", line, sh(src))
		managers, workers := l.count()
		p("expect %d \"$CHECK_WITHIN\" %s lab_has %d %d\n", line, sh(fmt.Sprintf("a lab of %s and %s", prose.Counted(managers, "manager"), prose.Counted(workers, "worker"))), managers, workers)
		if l.services != "" {
			p("# The services come from %s: they already run on the lab swarm.\n", l.services)
		}
		if x.Autolock {
			// The lab's swarm was initialized before the runbook; this is
			// what docker swarm init --autolock would have done.
			p("# autolock=true: the lab swarm turns autolock on; keep the key it prints.\ndocker swarm update --autolock=true\n")
		}
	case drill.Kill:
		p("\nmapfile -t cmds < <(stop_docker %s)\nmanual %d %s \"${cmds[@]}\"\n", words(x.Nodes), line, sh(src))
	case drill.KillZone:
		p("\nmapfile -t cmds < <(stop_docker %s)\nmanual %d %s \"${cmds[@]}\"\n", words(l.inZones(x.Zone)), line, sh(src+": every node of zone "+x.Zone))
	case drill.KillLeader, drill.KillManagers:
		n := 1
		what := src + ": the manager that leads now"
		if k, ok := x.(drill.KillManagers); ok {
			n = k.N
			what = src + ": the leader, then others by name"
		}
		p("\nmapfile -t victims < <(pick_managers %d)\n", n)
		p("if ((${#victims[@]} < %d)); then\n  printf 'FAILED line %d: could not find %d reachable managers to stop\\n' >&2\n  exit 1\nfi\n", n, line, n)
		p("mapfile -t cmds < <(stop_docker \"${victims[@]}\")\nmanual %d %s \"${cmds[@]}\"\n", line, sh(what))
	case drill.Restart:
		p("\nmapfile -t cmds < <(start_docker %s)\nmanual %d %s \"${cmds[@]}\"\n", words(x.Nodes), line, sh(src))
	case drill.RestartZone:
		p("\nmapfile -t cmds < <(start_docker %s)\nmanual %d %s \"${cmds[@]}\"\n", words(l.inZones(x.Zone)), line, sh(src+": every node of zone "+x.Zone))
	case drill.Partition:
		a, b := l.inZones(x.A...), l.inZones(x.B...)
		for _, n := range a {
			if !slices.Contains(l.cut, n) {
				l.cut = append(l.cut, n)
			}
		}
		p("\nmapfile -t cmds < <(cut_links %s -- %s)\nmanual %d %s \"${cmds[@]}\"\n", words(a), words(b), line, sh(src+": cut every link between zones "+strings.Join(x.A, ", ")+" and "+strings.Join(x.B, ", ")))
	case drill.Heal:
		if len(l.cut) == 0 {
			p("\nstep %d %s\n# No partition is in force: nothing to heal.\n", line, sh(src))
			return nil
		}
		p("\nmapfile -t cmds < <(heal_links %s)\nmanual %d %s \"${cmds[@]}\"\n", words(l.cut), line, sh(src+": restore every link"))
		l.cut = nil
	case drill.Wait:
		p("\nstep %d %s\npause %s\n", line, sh(src), seconds(x.Duration))
	case drill.WaitUntil:
		within := x.Within
		if within == 0 {
			within = time.Minute
		}
		check := "leader_in ''"
		if x.What == drill.UntilQuorum {
			check = "quorum_holds"
		}
		p("\nstep %d %s\nexpect %d %s %s %s\n", line, sh(src), line, seconds(within), sh(string(x.What)), check)
	case drill.SwarmJoin:
		n := l.joins[line]
		l.present[n.name] = true
		role := string(x.Role)
		p("\nmanual %d %s \\\n  %s \\\n  %s\n", line, sh(src),
			sh(fmt.Sprintf("on the new %s %s: docker swarm join --token TOKEN MANAGER-ADDRESS:2377, TOKEN being what docker swarm join-token -q %s prints on a manager", role, sink.Text(n.name), role)),
			sh(fmt.Sprintf("then, on a manager: docker node update --label-add %s %s", sh("zone="+n.zone), sh(n.name))))
		if x.Role == drill.Manager {
			l.managers = append(l.managers, n.name)
			p("managers+=(%s)\n", sh(n.name))
		}
	case drill.ForceNewCluster:
		p("\nstep %d %s\n", line, sh(src))
		if x.Node == "" {
			p("docker swarm init --force-new-cluster\n")
			return nil
		}
		// Docker runs this on the manager that becomes the swarm, and
		// wants an address there, not a name.
		p("on_node %s swarm init --force-new-cluster --advertise-addr \"${addr[%s]}\"\n", sh(x.Node), sh(x.Node))
		l.managers = []string{x.Node}
		p("managers=(%s)\n", sh(x.Node))
	case drill.NodePromote:
		p("\nstep %d %s\n%s\n", line, sh(src), command(src))
		for _, n := range x.Nodes {
			if !slices.Contains(l.managers, n) {
				l.managers = append(l.managers, n)
			}
		}
		p("managers=(%s)\n", words(l.managers))
	case drill.NodeDemote:
		p("\nstep %d %s\n%s\n", line, sh(src), command(src))
		l.managers = slices.DeleteFunc(l.managers, func(n string) bool { return slices.Contains(x.Nodes, n) })
		p("managers=(%s)\n", words(l.managers))
	case drill.ServiceCreate, drill.ServiceScale, drill.ServiceUpdate, drill.ServiceRollback, drill.ServiceRemove, drill.NodeUpdate, drill.NodeRemove,
		drill.SwarmUpdate, drill.SwarmUnlockKey,
		drill.StackList, drill.StackServices, drill.StackPS, drill.StackRemove,
		drill.SecretList, drill.SecretRemove, drill.ConfigList, drill.ConfigRemove,
		drill.NodeList, drill.ServiceList, drill.ServicePS, drill.ServiceInspect, drill.NodeInspect, drill.ServiceLogs, drill.Info, drill.SwarmJoinToken:
		p("\nstep %d %s\n%s\n", line, sh(src), command(src))
	case drill.StackDeploy:
		// The docker CLI reads the compose files here, where the runbook
		// runs: they are named as the drill names them, from its directory.
		var files []string
		for _, f := range x.Files {
			files = append(files, "-c", relative(l.dir, f))
		}
		p("\nstep %d %s\ndocker stack deploy %s %s\n", line, sh(src), words(files), sh(x.Name))
	case drill.SecretCreate:
		l.object(p, line, src, "secret", x.Name, x.File)
	case drill.ConfigCreate:
		l.object(p, line, src, "config", x.Name, x.File)
	case drill.ExpectPort:
		state := "closed"
		if x.Open {
			state = "open"
		}
		p("\nstep %d %s\nexpect %d \"$CHECK_WITHIN\" %s port_is %s %d %s\n", line, sh(src), line, sh(strings.TrimPrefix(src, "expect ")), sh(x.Node), x.Port, state)
	case drill.SwarmUnlock:
		// Docker reads the key from the keyboard on the locked manager.
		key := "the current unlock key (docker swarm unlock-key -q on an unlocked manager)"
		switch {
		case x.Key == drill.KeyPrevious:
			key = "the unlock key from before the last rotation"
		case x.Key != "":
			key = sink.Text(x.Key)
		}
		p("\nmanual %d %s %s\n", line, sh(src), sh(fmt.Sprintf("ssh -t %s docker swarm unlock, and type %s", sh(x.Node), key)))
	case drill.Backup:
		// Docker's admin guide: stop Docker, copy the swarm directory,
		// start Docker again.
		archive := "/var/tmp/swarm-" + x.Name + ".tgz"
		if l.backups == nil {
			l.backups = map[string]string{}
		}
		l.backups[x.Name] = x.Node
		p("\nmapfile -t cmds < <(backup_swarm %s %s)\n", sh(x.Node), sh(archive))
		p("manual %d %s \"${cmds[@]}\"\n", line, sh(src+": back up the swarm directory of "+x.Node+" to "+archive))
	case drill.Restore:
		l.restore(p, line, src, x)
	case drill.ExpectQuorum:
		check, what := "quorum_holds", "quorum holds"
		if !x.Holds {
			check, what = "quorum_lost", "quorum lost"
		}
		p("\nstep %d %s\nexpect %d \"$CHECK_WITHIN\" %s %s\n", line, sh(src), line, sh(what), check)
	case drill.ExpectLeader:
		switch {
		case x.None:
			p("\nstep %d %s\nexpect %d \"$CHECK_WITHIN\" 'no leader' no_leader\n", line, sh(src), line)
		default:
			what := "a leader"
			if x.Zone != "" {
				what += " in zone " + x.Zone
			}
			p("\nstep %d %s\nexpect %d \"$CHECK_WITHIN\" %s leader_in %s\n", line, sh(src), line, sh(what), sh(x.Zone))
		}
	case drill.ExpectService:
		spread := ""
		for _, z := range x.Spread {
			spread += " " + sh(z.String())
		}
		p("\nstep %d %s\nexpect %d \"$CHECK_WITHIN\" %s service_running %s %d%s\n", line, sh(src), line,
			sh(strings.TrimPrefix(src, "expect ")), sh(x.Name), x.Running, spread)
	case drill.ExpectTaskPending:
		p("\nstep %d %s\nexpect %d \"$CHECK_WITHIN\" %s task_pending %s %s\n", line, sh(src), line, sh(strings.TrimPrefix(src, "expect ")), sh(x.Service), sh(x.Reason))
	case drill.ExpectNode:
		p("\nstep %d %s\nexpect %d \"$CHECK_WITHIN\" %s node_is %s %s\n", line, sh(src), line, sh(strings.TrimPrefix(src, "expect ")), sh(x.Node), sh(string(x.State)))
	case drill.ExpectError:
		inner := src[strings.Index(src, "docker"):]
		if !isDocker(x.Cmd) {
			p("\nstep %d %s\n# Only a docker command's error can be checked on a lab; this one is the simulator's.\n", line, sh(src))
			return nil
		}
		p("\nstep %d %s\nexpect_error %d %s %s\n", line, sh(src), line, sh(x.Text), command(inner))
	default:
		return fmt.Errorf("the runbook does not know the command %q", src)
	}
	return nil
}

// count is the managers and workers the lab starts with.
func (l *lab) count() (managers, workers int) {
	for _, n := range l.nodes[:l.initial] {
		if n.manager {
			managers++
		} else {
			workers++
		}
	}
	return managers, workers
}

// needsAddresses reports whether a step names a node by its address: a
// partition's iptables rules, or --advertise-addr.
func needsAddresses(s *drill.Script) bool {
	for _, st := range s.Steps {
		switch x := st.Cmd.(type) {
		case drill.Partition:
			return true
		case drill.ForceNewCluster:
			if x.Node != "" {
				return true
			}
		}
	}
	return false
}

// object writes docker secret|config create. A drill's "-" reads a
// standard input it does not have, so its data is empty; Docker refuses an
// empty secret, so on a lab the data is a placeholder line instead.
func (l *lab) object(p func(string, ...any), line int, src, kind, name, file string) {
	p("\nstep %d %s\n", line, sh(src))
	if file == "-" {
		p("printf 'swarmsim rehearsal\\n' | docker %s create %s -\n", kind, sh(name))
		return
	}
	p("docker %s create %s %s\n", kind, sh(name), sh(relative(l.dir, file)))
}

// isDocker reports whether a command is one of Docker's that the runbook
// writes as it is.
func isDocker(c drill.Command) bool {
	switch c.(type) {
	case drill.SwarmUpdate, drill.SwarmUnlockKey,
		drill.StackDeploy, drill.StackList, drill.StackServices, drill.StackPS, drill.StackRemove,
		drill.SecretCreate, drill.SecretList, drill.SecretRemove, drill.ConfigCreate, drill.ConfigList, drill.ConfigRemove,
		drill.ServiceCreate, drill.ServiceScale, drill.ServiceUpdate, drill.ServiceRollback, drill.ServiceRemove,
		drill.NodeUpdate, drill.NodePromote, drill.NodeDemote, drill.NodeRemove,
		drill.NodeList, drill.ServiceList, drill.ServicePS, drill.ServiceInspect, drill.NodeInspect, drill.ServiceLogs, drill.Info, drill.SwarmJoinToken:
		return true
	}
	return false
}

// command writes a drill line that is a docker command as a shell command
// with the same words: as written, except that a word the shell would
// read differently is single-quoted.
func command(src string) string {
	return words(split(src))
}

// split reads a drill line into its words as the drill lexer does: blanks
// separate words, a double-quoted string is one word (\" and \\ its only
// escapes, and \xHH a byte), and a quoted string right after "="
// continues its word.
func split(src string) []string {
	var out []string
	var cur strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(src); i++ {
		ch := src[i]
		switch {
		case quoted && ch == '\\' && i+3 < len(src) && src[i+1] == 'x':
			if n, err := strconv.ParseUint(src[i+2:i+4], 16, 8); err == nil {
				cur.WriteByte(byte(n))
				i += 3
			}
		case quoted && ch == '\\' && i+1 < len(src):
			i++
			cur.WriteByte(src[i])
		case quoted && ch == '"':
			quoted = false
		case quoted:
			cur.WriteByte(ch)
		case ch == '"':
			quoted, inWord = true, true
		case ch == ' ' || ch == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// sh quotes s as one shell word: bare when the shell reads it unchanged.
func sh(s string) string { return sink.Word(s) }

func words(ws []string) string { return sink.Words(ws) }

// seconds writes a duration for sleep: whole seconds, or with
// milliseconds when it has them.
func seconds(d time.Duration) string {
	ms := d.Milliseconds()
	if ms%1000 == 0 {
		return fmt.Sprint(ms / 1000)
	}
	return fmt.Sprintf("%d.%03d", ms/1000, ms%1000)
}
