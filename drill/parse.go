package drill

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/internal/limits"
	"github.com/swarmsim/swarmsim/internal/prose"
)

// Parse reads a whole drill script. file is used only in positions and
// messages.
//
// Parse stops at the first mistake and returns it as an *Error: a script
// is short, a fix is quick, and a later error is often only an echo of the
// first one. On success Steps[0] is the cluster line and no other step is.
func Parse(file string, src []byte) (*Script, error) {
	s := &Script{File: file}
	// Editors on some systems start files with a byte-order mark; it is not
	// part of the first command.
	lines := strings.Split(strings.TrimPrefix(string(src), "\ufeff"), "\n")
	clusterLine := 0
	for i, raw := range lines {
		n := i + 1
		raw = strings.TrimSuffix(raw, "\r")
		if len(raw) > limits.DrillLine {
			return nil, errAt(1, "line %d is longer than %s, the most swarmsim reads of one drill line; split it into several commands", n, limits.Bytes(limits.DrillLine)).located(file, n, raw)
		}
		toks, comment, err := lex(raw)
		if err != nil {
			return nil, err.located(file, n, raw)
		}
		code := raw
		if comment >= 0 {
			s.Comments = append(s.Comments, Comment{
				Pos:  Pos{Line: n, Col: runeCol(raw, comment)},
				Text: strings.TrimRightFunc(raw[comment:], isBlank),
			})
			code = raw[:comment]
		}
		if len(toks) == 0 {
			continue
		}
		cmd, err := parseCommand(toks, false)
		if err != nil {
			return nil, err.located(file, n, raw)
		}
		_, isCluster := cmd.(Cluster)
		switch {
		case isCluster && clusterLine > 0:
			return nil, errAt(toks[0].col, "a drill has one cluster line, and line %d is it; change the swarm with kill, restart and docker swarm join instead", clusterLine).located(file, n, raw)
		case isCluster:
			clusterLine = n
		case len(s.Steps) == 0:
			return nil, errAt(toks[0].col, "a drill starts with its cluster line, like: cluster managers=5 az=2-2-1; add one before this line").located(file, n, raw)
		}
		s.Steps = append(s.Steps, Step{
			Pos:    Pos{Line: n, Col: toks[0].col},
			Source: strings.TrimFunc(code, isBlank),
			Cmd:    cmd,
		})
	}
	if len(s.Steps) == 0 {
		first := strings.TrimSuffix(lines[0], "\r")
		return nil, errAt(1, "the drill has no commands; start it with a cluster line, like: cluster managers=5 az=2-2-1").located(file, 1, first)
	}
	return s, nil
}

// ParseCommand reads one command, as a shell reads a typed line. It
// applies no rule about where the cluster line goes. A line that holds
// only blanks or a comment gives a nil Command and a nil error: there is
// nothing to run. Errors are *Error, on line 1 of an unnamed file.
func ParseCommand(line string) (Command, error) {
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		return nil, errAt(runeCol(line, i), "a command is one line; give ParseCommand one line at a time, or use Parse for a script").located("", 1, line)
	}
	toks, _, err := lex(line)
	if err != nil {
		return nil, err.located("", 1, line)
	}
	if len(toks) == 0 {
		return nil, nil
	}
	cmd, err := parseCommand(toks, false)
	if err != nil {
		return nil, err.located("", 1, line)
	}
	return cmd, nil
}

var verbs = []string{"cluster", "kill", "restart", "partition", "heal", "wait", "docker", "expect", "backup", "restore"}

// parseCommand reads the words of one command. nested is set for the
// command inside expect error, which may be neither an expectation nor the
// cluster line.
func parseCommand(toks []token, nested bool) (Command, *Error) {
	verb, args := toks[0], toks[1:]
	if verb.quoted {
		return nil, errAt(verb.col, "a command starts with a word like kill or docker, not a quoted string")
	}
	switch verb.text {
	case "cluster":
		if nested {
			return nil, errAt(verb.col, "expect error cannot wrap the cluster line; the swarm is built once, by the first line")
		}
		return parseCluster(verb, args)
	case "kill":
		return parseKill(verb, args)
	case "restart":
		return parseRestart(verb, args)
	case "partition":
		return parsePartition(verb, args)
	case "heal":
		if len(args) > 0 {
			return nil, errAt(args[0].col, "heal takes nothing after it; it restores every cut link")
		}
		return Heal{}, nil
	case "wait":
		return parseWait(verb, args)
	case "docker":
		return parseDocker(verb, args)
	case "backup":
		return parseBackup(verb, args)
	case "restore":
		return parseRestore(verb, args)
	case "expect":
		if nested {
			return nil, errAt(verb.col, "expect error wraps a command to run, not another expect")
		}
		return parseExpect(verb, args)
	case "service", "node", "swarm":
		return nil, errAt(verb.col, "unknown command %q; Docker commands start with docker, like docker %s", verb.text, dockerExample[verb.text])
	}
	if s := prose.Suggest(verb.text, verbs); s != "" {
		return nil, errAt(verb.col, "unknown command %q; did you mean %q?", verb.text, s)
	}
	return nil, errAt(verb.col, "unknown command %q; the commands are %s", verb.text, prose.AndList(verbs))
}

var dockerExample = map[string]string{
	"service": "service create --name web nginx",
	"node":    "node update --availability drain w3",
	"swarm":   "swarm join --token worker",
}

// after is the column just past t and one blank: where a missing word
// would go, which is where an error about it points.
func after(t token) int { return t.end + 1 }

// last is the final word of a command whose words after the keyword kw
// are args.
func last(kw token, args []token) token {
	if len(args) == 0 {
		return kw
	}
	return args[len(args)-1]
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// valueOf turns a word into a value to be read with one of value's
// methods.
func valueOf(t token, what, like string) value {
	return value{text: t.text, col: t.col, what: what, like: like, quoted: t.quoted}
}

var clusterKeys = []string{"managers", "az", "workers", "seed", "from", "services", "autolock"}

const clusterLike = "cluster managers=5 az=2-2-1 workers=6 seed=7"

func parseCluster(verb token, args []token) (Command, *Error) {
	var c Cluster
	seen := map[string]bool{}
	azCol := 0
	for _, t := range args {
		key, text, ok := strings.Cut(t.text, "=")
		if t.quoted || !ok {
			return nil, errAt(t.col, "cluster settings are written key=value, like: %s", clusterLike)
		}
		if !slices.Contains(clusterKeys, key) {
			if s := prose.Suggest(key, clusterKeys); s != "" {
				return nil, errAt(t.col, "unknown cluster setting %q; did you mean %q?", key, s)
			}
			return nil, errAt(t.col, "unknown cluster setting %q; the settings are %s, like: %s", key, prose.AndList(clusterKeys), clusterLike)
		}
		if seen[key] {
			return nil, errAt(t.col, "%s is set twice; set it once", key)
		}
		seen[key] = true
		v := value{text: text, col: t.col + runes(key) + 1, what: key}
		var err *Error
		switch key {
		case "managers":
			v.like = "managers=5"
			c.Managers, err = v.count(1)
			if err == nil && c.Managers > az.MaxManagers {
				err = errAt(v.col, "managers can be at most %d, like managers=5", az.MaxManagers)
			}
		case "az":
			c.AZ, azCol = text, v.col
		case "workers":
			v.like = "workers=6"
			c.Workers, err = v.count(0)
		case "seed":
			n, perr := strconv.ParseUint(text, 10, 64)
			if perr != nil || !isDigits(text) {
				err = errAt(v.col, "seed needs a whole number from 0 up to %d, like seed=7", uint64(1<<64-1))
			}
			c.Seed = &n
		case "autolock":
			v.like = "autolock=true"
			var on string
			on, err = v.enum([]string{"true", "false"})
			c.Autolock = on == "true"
		case "from", "services":
			if text == "" {
				err = errAt(v.col, "%s needs a file name, like %s=swarm/%s.json", key, key, map[string]string{"from": "nodes", "services": "services"}[key])
			}
			if key == "from" {
				c.From = text
			} else {
				c.Services = text
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if seen["from"] {
		for _, k := range []string{"managers", "az", "workers"} {
			if seen[k] {
				return nil, errAt(verb.col, "from= already gives the nodes; leave out %s=", k)
			}
		}
		return c, nil
	}
	if !seen["managers"] {
		return nil, errAt(verb.col, "cluster needs managers=N (or from=FILE with docker node inspect output), like: %s", clusterLike)
	}
	if seen["az"] {
		// The az package owns the layout's rules and words; this only adds
		// the one rule that needs the cluster line: the counts must add up.
		l, err := az.Parse(c.AZ)
		if err != nil {
			return nil, errAt(azCol, "%s", err.Error())
		}
		if l.Managers() != c.Managers {
			return nil, errAt(azCol, "az=%s adds up to %d managers, but managers=%d; write counts that add up to %d, like az=%s",
				c.AZ, l.Managers(), c.Managers, c.Managers, az.Even(c.Managers, len(l.Zones)))
		}
	}
	return c, nil
}

const killForms = "nodes (kill m1 m3), a zone (kill az a), the leader (kill leader) or a number of managers (kill 2 managers)"

func parseKill(verb token, args []token) (Command, *Error) {
	if len(args) == 0 {
		return nil, errAt(after(verb), "kill needs what to kill: %s", killForms)
	}
	first := args[0]
	switch {
	case first.is("leader"):
		if len(args) > 1 {
			return nil, errAt(args[1].col, "kill leader takes nothing after it; kill more on a line of their own")
		}
		return KillLeader{}, nil
	case first.is("az"):
		z, err := oneZone("kill az", first, args[1:])
		if err != nil {
			return nil, err
		}
		return KillZone{Zone: z}, nil
	case !first.quoted && isDigits(first.text):
		n, err := valueOf(first, "kill", "kill 2 managers").count(1)
		if err != nil {
			return nil, err
		}
		if len(args) == 1 {
			return nil, errAt(after(first), `kill %s needs "managers" after the number, like kill 2 managers; node names start with a letter`, first.text)
		}
		if !args[1].is("managers") && !args[1].is("manager") {
			return nil, errAt(args[1].col, `expected "managers" after kill %s, like kill 2 managers`, first.text)
		}
		if len(args) > 2 {
			return nil, errAt(args[2].col, "kill %d managers takes nothing after it", n)
		}
		return KillManagers{N: n}, nil
	}
	nodes, err := nodeList(args)
	if err != nil {
		return nil, err
	}
	return Kill{Nodes: nodes}, nil
}

func parseRestart(verb token, args []token) (Command, *Error) {
	if len(args) == 0 {
		return nil, errAt(after(verb), "restart needs what to bring back: nodes (restart m1 m2) or a zone (restart az a)")
	}
	if args[0].is("az") {
		z, err := oneZone("restart az", args[0], args[1:])
		if err != nil {
			return nil, err
		}
		return RestartZone{Zone: z}, nil
	}
	nodes, err := nodeList(args)
	if err != nil {
		return nil, err
	}
	return Restart{Nodes: nodes}, nil
}

// oneZone reads the single zone after `kill az` or `restart az`. One zone a
// line keeps each failure its own step in the timeline.
func oneZone(what string, kw token, rest []token) (string, *Error) {
	if len(rest) == 0 {
		return "", errAt(after(kw), "%s needs a zone, like %s a", what, what)
	}
	z, err := valueOf(rest[0], what, what+" a").zoneName()
	if err != nil {
		return "", err
	}
	if len(rest) > 1 {
		return "", errAt(rest[1].col, "%s takes one zone; write a line for each zone", what)
	}
	return z, nil
}

// nodeList reads node names, each once.
func nodeList(toks []token) ([]string, *Error) {
	nodes := make([]string, 0, len(toks))
	seen := map[string]bool{}
	for _, t := range toks {
		n, err := valueOf(t, "", "").nodeName()
		if err != nil {
			return nil, err
		}
		if seen[n] {
			return nil, errAt(t.col, "%s is named twice; name each node once", n)
		}
		seen[n] = true
		nodes = append(nodes, n)
	}
	return nodes, nil
}

const partitionLike = "like partition a | b c"

// parsePartition reads two sides of zones around one "|". Inside a side,
// zones are separated by blanks or commas, and "|" need not have blanks
// around it, so `a,b|c` and `a b | c` are the same partition.
func parsePartition(verb token, args []token) (Command, *Error) {
	if len(args) == 0 {
		return nil, errAt(after(verb), `partition needs the zones of its two sides around "|", %s`, partitionLike)
	}
	type piece struct {
		text string
		col  int
		bar  bool
	}
	var pieces []piece
	for _, t := range args {
		if t.quoted {
			pieces = append(pieces, piece{text: t.text, col: t.col})
			continue
		}
		start, startCol, col := 0, t.col, t.col
		for i, r := range t.text {
			if r == '|' || r == ',' {
				if i > start {
					pieces = append(pieces, piece{text: t.text[start:i], col: startCol})
				}
				if r == '|' {
					pieces = append(pieces, piece{text: "|", col: col, bar: true})
				}
				start, startCol = i+1, col+1
			}
			col++
		}
		if start < len(t.text) {
			pieces = append(pieces, piece{text: t.text[start:], col: startCol})
		}
	}
	bar := -1
	for i, p := range pieces {
		if !p.bar {
			continue
		}
		if bar >= 0 {
			return nil, errAt(p.col, `a partition has two sides, so one "|", %s`, partitionLike)
		}
		bar = i
	}
	switch {
	case bar < 0:
		return nil, errAt(args[0].col, `partition needs "|" between its two sides, %s`, partitionLike)
	case bar == 0:
		return nil, errAt(pieces[bar].col, `partition names no zone before "|"; name the zones of both sides, %s`, partitionLike)
	case bar == len(pieces)-1:
		return nil, errAt(after(last(verb, args)), `partition names no zone after "|"; name the zones of both sides, %s`, partitionLike)
	}
	var p Partition
	side := map[string]int{}
	for i, pc := range pieces {
		if i == bar {
			continue
		}
		s := 0
		if i > bar {
			s = 1
		}
		z, err := value{text: pc.text, col: pc.col}.zoneName()
		if err != nil {
			return nil, err
		}
		if was, ok := side[z]; ok {
			if was == s {
				return nil, errAt(pc.col, "zone %s is named twice on one side; name it once", z)
			}
			return nil, errAt(pc.col, "zone %s is on both sides, but a zone can be on one side only", z)
		}
		side[z] = s
		if s == 0 {
			p.A = append(p.A, z)
		} else {
			p.B = append(p.B, z)
		}
	}
	return p, nil
}

func parseWait(verb token, args []token) (Command, *Error) {
	if len(args) == 0 {
		return nil, errAt(after(verb), "wait needs a duration or until, like wait 30s or wait until leader")
	}
	if !args[0].is("until") {
		d, err := valueOf(args[0], "wait", "wait 30s").duration(true)
		if err != nil {
			return nil, err
		}
		if len(args) > 1 {
			return nil, errAt(args[1].col, "wait %s takes nothing after the duration; to wait for something, write wait until leader", args[0].text)
		}
		return Wait{Duration: d}, nil
	}
	until := args[0]
	if len(args) == 1 {
		return nil, errAt(after(until), "wait until needs leader or quorum, like wait until leader")
	}
	what, err := valueOf(args[1], "wait until", "wait until leader").enum([]string{"leader", "quorum"})
	if err != nil {
		return nil, err
	}
	w := WaitUntil{What: Until(what)}
	rest := args[2:]
	if len(rest) == 0 {
		return w, nil
	}
	if !rest[0].is("within") {
		return nil, errAt(rest[0].col, `expected "within" and a duration after wait until %s, like wait until %s within 60s`, what, what)
	}
	if len(rest) == 1 {
		return nil, errAt(after(rest[0]), "within needs a duration, like wait until %s within 60s", what)
	}
	if w.Within, err = valueOf(rest[1], "within", "wait until "+what+" within 60s").duration(true); err != nil {
		return nil, err
	}
	if len(rest) > 2 {
		return nil, errAt(rest[2].col, "wait until %s within %s takes nothing after it", what, rest[1].text)
	}
	return w, nil
}

var expectations = []string{"quorum", "leader", "no", "service", "task", "node", "port", "error"}

const (
	expectServiceLike = "expect service web running 6"
	expectTaskLike    = `expect task pending web "no suitable node"`
	expectErrorLike   = `expect error "does not have a leader": docker service scale web=10`
	nodeStateLike     = "expect node w3 down"
)

var nodeStates = []string{"down", "ready", "unknown", "active", "pause", "drain", "locked"}

func parseExpect(verb token, args []token) (Command, *Error) {
	if len(args) == 0 {
		return nil, errAt(after(verb), "expect needs what to check: quorum, leader, no leader, service, task, node, port or error, like expect quorum holds")
	}
	what, rest := args[0], args[1:]
	if what.quoted {
		return nil, errAt(what.col, "expect needs a word saying what to check, like expect quorum holds, not a quoted string")
	}
	switch what.text {
	case "quorum":
		if len(rest) == 0 {
			return nil, errAt(after(what), "expect quorum needs holds or lost, like expect quorum holds")
		}
		s, err := valueOf(rest[0], "expect quorum", "expect quorum holds").enum([]string{"holds", "lost"})
		if err != nil {
			return nil, err
		}
		if len(rest) > 1 {
			return nil, errAt(rest[1].col, "expect quorum %s takes nothing after it", s)
		}
		return ExpectQuorum{Holds: s == "holds"}, nil
	case "leader":
		if len(rest) == 0 {
			return ExpectLeader{}, nil
		}
		if !rest[0].is("in") {
			return nil, errAt(rest[0].col, `expected "in" and a zone after expect leader, like expect leader in a`)
		}
		if len(rest) == 1 {
			return nil, errAt(after(rest[0]), "expect leader in needs a zone, like expect leader in a")
		}
		z, err := valueOf(rest[1], "", "").zoneName()
		if err != nil {
			return nil, err
		}
		if len(rest) > 2 {
			return nil, errAt(rest[2].col, "expect leader in %s takes nothing after it", z)
		}
		return ExpectLeader{Zone: z}, nil
	case "no":
		if len(rest) == 0 || !rest[0].is("leader") {
			col := after(what)
			if len(rest) > 0 {
				col = rest[0].col
			}
			return nil, errAt(col, "expect no needs leader, like expect no leader")
		}
		if len(rest) > 1 {
			return nil, errAt(rest[1].col, "expect no leader takes nothing after it")
		}
		return ExpectLeader{None: true}, nil
	case "service":
		return parseExpectService(what, rest)
	case "task":
		return parseExpectTask(what, rest)
	case "node":
		if len(rest) == 0 {
			return nil, errAt(after(what), "expect node needs a node and a state, like %s", nodeStateLike)
		}
		n, err := valueOf(rest[0], "", "").nodeName()
		if err != nil {
			return nil, err
		}
		if len(rest) == 1 {
			return nil, errAt(after(rest[0]), "expect node %s needs a state (%s), like expect node %s down", n, prose.OrList(nodeStates), n)
		}
		s, err := valueOf(rest[1], "the state in expect node", nodeStateLike).enum(nodeStates)
		if err != nil {
			return nil, err
		}
		if len(rest) > 2 {
			return nil, errAt(rest[2].col, "expect node %s %s takes nothing after it", n, s)
		}
		return ExpectNode{Node: n, State: NodeState(s)}, nil
	case "port":
		return parseExpectPort(what, rest)
	case "error":
		return parseExpectError(what, rest)
	}
	if s := prose.Suggest(what.text, expectations); s != "" {
		return nil, errAt(what.col, "expect cannot check %q; did you mean %q?", what.text, s)
	}
	return nil, errAt(what.col, "expect cannot check %q; it checks quorum, leader, no leader, service, task, node, port and error", what.text)
}

func parseExpectService(kw token, rest []token) (Command, *Error) {
	if len(rest) == 0 {
		return nil, errAt(after(kw), "expect service needs a service name and running N, like: %s", expectServiceLike)
	}
	name, err := valueOf(rest[0], "", "").serviceName()
	if err != nil {
		return nil, err
	}
	if len(rest) == 1 || !rest[1].is("running") {
		col := after(rest[0])
		if len(rest) > 1 {
			col = rest[1].col
		}
		return nil, errAt(col, `expect service needs "running N", like: %s`, expectServiceLike)
	}
	if len(rest) == 2 {
		return nil, errAt(after(rest[1]), "running needs a whole number, like %s", expectServiceLike)
	}
	e := ExpectService{Name: name}
	if e.Running, err = valueOf(rest[2], "running", expectServiceLike).count(0); err != nil {
		return nil, err
	}
	rest = rest[3:]
	if len(rest) == 0 {
		return e, nil
	}
	spreadLike := expectServiceLike + " spread a=2 b=2 c=2"
	kw = rest[0]
	if !kw.is("spread") {
		return nil, errAt(kw.col, `expected "spread" and zone=count pairs after running %d, like: %s`, e.Running, spreadLike)
	}
	if len(rest) == 1 {
		return nil, errAt(after(kw), "spread needs zone=count pairs, like: %s", spreadLike)
	}
	sum := 0
	seen := map[string]bool{}
	for _, t := range rest[1:] {
		zone, n, ok := strings.Cut(t.text, "=")
		if !ok {
			return nil, errAt(t.col, "spread takes zone=count pairs, like: %s", spreadLike)
		}
		z, err := value{text: zone, col: t.col}.zoneName()
		if err != nil {
			return nil, err
		}
		if seen[z] {
			return nil, errAt(t.col, "zone %s is in spread twice; give each zone once", z)
		}
		seen[z] = true
		c, err := value{text: n, col: t.col + runes(zone) + 1, what: z + "=", like: z + "=2"}.count(0)
		if err != nil {
			return nil, err
		}
		e.Spread = append(e.Spread, ZoneCount{Zone: z, Count: c})
		sum += c
	}
	// Zones left out are not checked, so the listed ones may add up to
	// less than running, but never to more.
	if sum > e.Running {
		return nil, errAt(kw.col, "spread adds up to %d tasks, more than the %d running; the tasks per zone are part of the running ones", sum, e.Running)
	}
	return e, nil
}

func parseExpectTask(kw token, rest []token) (Command, *Error) {
	if len(rest) == 0 || !rest[0].is("pending") {
		col := after(kw)
		if len(rest) > 0 {
			col = rest[0].col
		}
		return nil, errAt(col, "expect task needs pending, a service and the reason in quotes, like: %s", expectTaskLike)
	}
	if len(rest) == 1 {
		return nil, errAt(after(rest[0]), "expect task pending needs a service, like: %s", expectTaskLike)
	}
	name, err := valueOf(rest[1], "", "").serviceName()
	if err != nil {
		return nil, err
	}
	e := ExpectTaskPending{Service: name}
	if len(rest) == 2 {
		return e, nil
	}
	if !rest[2].quoted {
		return nil, errAt(rest[2].col, "put the reason in double quotes, like: %s", expectTaskLike)
	}
	if len(rest) > 3 {
		return nil, errAt(rest[3].col, "expect task pending takes one quoted reason; put all of it inside the quotes, like: %s", expectTaskLike)
	}
	e.Reason = rest[2].text
	return e, nil
}

func parseExpectError(kw token, rest []token) (Command, *Error) {
	if len(rest) == 0 || !rest[0].quoted {
		col := after(kw)
		if len(rest) > 0 {
			col = rest[0].col
		}
		return nil, errAt(col, `expect error needs the error text in double quotes, ":" and the command, like: %s`, expectErrorLike)
	}
	if len(rest) == 1 || !rest[1].is(":") {
		col := after(rest[0])
		if len(rest) > 1 {
			col = rest[1].col
		}
		return nil, errAt(col, `expected ":" and the command after the error text, like: %s`, expectErrorLike)
	}
	if len(rest) == 2 {
		return nil, errAt(after(rest[1]), `expect error needs the command that must fail after ":", like: %s`, expectErrorLike)
	}
	cmd, err := parseCommand(rest[2:], true)
	if err != nil {
		return nil, err
	}
	return ExpectError{Text: rest[0].text, Cmd: cmd}, nil
}
