package drill

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/swarmsim/swarmsim/internal/prose"
)

// flagDef is one flag a Docker command takes, spelled as Docker spells it.
type flagDef struct {
	name     string // long name, without dashes
	short    string // one-letter alias without the dash, or ""
	boolean  bool   // takes no value: present means true
	explicit bool   // boolean, and set hears =false too (v.text "false") instead of the flag counting as not given
	repeat   bool   // may be given more than once, each adding to a list
	example  string // a valid value, for messages: "6" gives "like --replicas 6"
	set      func(v value) *Error
}

func (d flagDef) like() string {
	if d.boolean {
		return "--" + d.name
	}
	return "--" + d.name + " " + d.example
}

// parseFlags hands each flag in args to its definition and returns the
// other words, in order, with the column of each flag's first use.
//
// Values follow Docker's CLI: --flag value, --flag=value, and for short
// flags -p value, -p=value and -pvalue. A word starting with "--" is never
// taken as a value, since `--name --replicas 6` is a forgotten value far
// more often than a name. Docker lets flags and other words mix, except
// in docker service create, where everything after the image belongs to
// the container; stopAtWord keeps that rule.
func parseFlags(cmd string, args []token, defs []flagDef, stopAtWord bool) ([]token, map[string]int, *Error) {
	var words []token
	seen := map[string]int{}
	for i := 0; i < len(args); i++ {
		t := args[i]
		if t.quoted || len(t.text) < 2 || t.text[0] != '-' {
			words = append(words, t)
			if stopAtWord {
				return append(words, args[i+1:]...), seen, nil
			}
			continue
		}
		written, val, hasVal := strings.Cut(t.text, "=")
		var d *flagDef
		if strings.HasPrefix(written, "--") {
			d = findFlag(defs, func(d flagDef) bool { return d.name == written[2:] })
		} else {
			_, size := utf8.DecodeRuneInString(written[1:])
			short := written[1 : 1+size]
			d = findFlag(defs, func(d flagDef) bool { return d.short != "" && d.short == short })
			if d != nil && len(written) > 1+size {
				if d.boolean {
					d = nil
				} else {
					written, val, hasVal = written[:1+size], t.text[1+size:], true
				}
			}
		}
		if d == nil {
			return nil, nil, unknownFlag(cmd, t, written, defs)
		}
		if _, ok := seen[d.name]; ok && !d.repeat {
			return nil, nil, errAt(t.col, "--%s is given twice; give it once", d.name)
		}
		if _, ok := seen[d.name]; !ok {
			seen[d.name] = t.col
		}
		v := value{what: written, like: d.like()}
		switch {
		case d.boolean:
			v.text, v.col = "true", t.col
			if hasVal {
				if val != "true" && val != "false" {
					return nil, nil, errAt(t.col+runes(written)+1, "%s takes no value, or =true or =false, like %s", written, d.like())
				}
				if val == "false" && !d.explicit {
					delete(seen, d.name)
					continue
				}
				v.text = val
			}
		case hasVal:
			v.text, v.col, v.quoted = val, t.col+runes(written)+1, t.quoted
		case i+1 >= len(args) || !args[i+1].quoted && strings.HasPrefix(args[i+1].text, "--"):
			return nil, nil, errAt(after(t), "%s needs a value, like %s", written, d.like())
		default:
			i++
			v.text, v.col, v.quoted = args[i].text, args[i].col, args[i].quoted
		}
		if err := d.set(v); err != nil {
			return nil, nil, err
		}
	}
	return words, seen, nil
}

func findFlag(defs []flagDef, match func(flagDef) bool) *flagDef {
	if i := slices.IndexFunc(defs, match); i >= 0 {
		return &defs[i]
	}
	return nil
}

func unknownFlag(cmd string, t token, written string, defs []flagDef) *Error {
	if len(defs) == 0 {
		return errAt(t.col, "unknown flag %s; %s takes no flags", written, cmd)
	}
	names := make([]string, len(defs))
	for i, d := range defs {
		names[i] = d.name
	}
	word := strings.TrimLeft(written, "-")
	if s := prose.Suggest(word, names); s != "" {
		return errAt(t.col, "unknown flag %s for %s; did you mean --%s?", written, cmd, s)
	}
	// Docker's update flags extend create's: --constraint becomes
	// --constraint-add and --constraint-rm. Offer every flag the word
	// begins when there are a few.
	var starts []string
	for _, n := range names {
		if len(word) >= 3 && strings.HasPrefix(n, word) {
			starts = append(starts, "--"+n)
		}
	}
	if len(starts) > 1 && len(starts) <= 4 {
		return errAt(t.col, "unknown flag %s for %s; did you mean %s?", written, cmd, prose.OrList(starts))
	}
	for i := range names {
		names[i] = "--" + names[i]
	}
	return errAt(t.col, "unknown flag %s for %s; it takes %s", written, cmd, prose.AndList(names))
}

// Typed flag definitions. dst receives the value once it has been read and
// checked; create stores it, update stores a pointer to it.

func countFlag(name, example string, dst func(int)) flagDef {
	return flagDef{name: name, example: example, set: func(v value) *Error {
		n, err := v.count(0)
		if err == nil {
			dst(n)
		}
		return err
	}}
}

func durationFlag(name, example string, dst func(time.Duration)) flagDef {
	return flagDef{name: name, example: example, set: func(v value) *Error {
		d, err := v.duration(false)
		if err == nil {
			dst(d)
		}
		return err
	}}
}

func enumFlag(name string, options []string, example string, dst func(string)) flagDef {
	return flagDef{name: name, example: example, set: func(v value) *Error {
		s, err := v.enum(options)
		if err == nil {
			dst(s)
		}
		return err
	}}
}

func int64Flag(name, example string, read func(value) (int64, *Error), dst func(int64)) flagDef {
	return flagDef{name: name, example: example, set: func(v value) *Error {
		n, err := read(v)
		if err == nil {
			dst(n)
		}
		return err
	}}
}

func constraintFlag(name string, dst func(Constraint)) flagDef {
	return flagDef{name: name, example: "node.labels.zone==a", repeat: true, set: func(v value) *Error {
		c, err := v.constraint()
		if err == nil {
			dst(c)
		}
		return err
	}}
}

func prefFlag(name string, dst func(PlacementPref)) flagDef {
	return flagDef{name: name, example: "spread=node.labels.zone", repeat: true, set: func(v value) *Error {
		p, err := v.pref()
		if err == nil {
			dst(p)
		}
		return err
	}}
}

var (
	modes                  = []string{"replicated", "global"}
	failureActions         = []string{"pause", "continue", "rollback"}
	rollbackFailureActions = []string{"pause", "continue"}
	updateOrders           = []string{"stop-first", "start-first"}
	restartConds           = []string{"none", "on-failure", "any"}
	availabilities         = []string{"active", "pause", "drain"}
	roles                  = []string{"worker", "manager"}
)

// The update and restart flags are the same words in create and update;
// only where the values go differs.
type tuningDst struct {
	update, rollback updateDst
	condition        func(string)
	restartDelay     func(time.Duration)
	maxAttempts      func(int)
	window           func(time.Duration)
	cpu              func(int64)
	memory           func(int64)
	maxPerNode       func(int)
}

// updateDst is where the --update-* or the --rollback-* flags go.
type updateDst struct {
	parallelism   func(int)
	delay         func(time.Duration)
	failureAction func(string)
	order         func(string)
	monitor       func(time.Duration)
	ratio         func(int)
}

func tuningFlags(d tuningDst) []flagDef {
	defs := []flagDef{
		int64Flag("reserve-cpu", "0.5", value.cpu, d.cpu),
		int64Flag("reserve-memory", "512M", value.memory, d.memory),
		countFlag("replicas-max-per-node", "2", d.maxPerNode),
	}
	defs = append(defs, updateFlags("update", failureActions, "rollback", d.update)...)
	// A rollback that fails cannot roll back: Docker offers pause and
	// continue only.
	defs = append(defs, updateFlags("rollback", rollbackFailureActions, "continue", d.rollback)...)
	return append(defs,
		enumFlag("restart-condition", restartConds, "on-failure", d.condition),
		durationFlag("restart-delay", "5s", d.restartDelay),
		countFlag("restart-max-attempts", "3", d.maxAttempts),
		durationFlag("restart-window", "1m", d.window),
	)
}

// updateFlags are --update-* or --rollback-*, by prefix.
func updateFlags(prefix string, actions []string, action string, d updateDst) []flagDef {
	return []flagDef{
		countFlag(prefix+"-parallelism", "2", d.parallelism),
		durationFlag(prefix+"-delay", "10s", d.delay),
		enumFlag(prefix+"-failure-action", actions, action, d.failureAction),
		enumFlag(prefix+"-order", updateOrders, "start-first", d.order),
		durationFlag(prefix+"-monitor", "30s", d.monitor),
		int64Flag(prefix+"-max-failure-ratio", "0.25", value.ratio, func(n int64) { d.ratio(int(n)) }),
	}
}

// createUpdate fills a new service's --update-* or --rollback-* settings.
func createUpdate(u *UpdateConfig) updateDst {
	return updateDst{
		parallelism:   func(n int) { u.Parallelism = n },
		delay:         func(d time.Duration) { u.Delay = d },
		failureAction: func(s string) { u.FailureAction = FailureAction(s) },
		order:         func(s string) { u.Order = UpdateOrder(s) },
		monitor:       func(d time.Duration) { u.Monitor = d },
		ratio:         func(n int) { u.MaxFailureRatio = n },
	}
}

// changeUpdate records the --update-* or --rollback-* flags of docker
// service update.
func changeUpdate(u *UpdateChange) updateDst {
	return updateDst{
		parallelism:   ptr(&u.Parallelism),
		delay:         ptr(&u.Delay),
		failureAction: func(s string) { u.FailureAction = FailureAction(s) },
		order:         func(s string) { u.Order = UpdateOrder(s) },
		monitor:       ptr(&u.Monitor),
		ratio:         ptr(&u.MaxFailureRatio),
	}
}

func ptr[T any](dst **T) func(T) { return func(v T) { *dst = &v } }

func parseDocker(verb token, args []token) (Command, *Error) {
	if len(args) == 0 {
		return nil, errAt(after(verb), "docker needs service, node, swarm, stack, secret, config or info, like docker service create --name web nginx")
	}
	group, rest := args[0], args[1:]
	switch {
	case group.is("service"):
		return parseService(group, rest)
	case group.is("node"):
		return parseNode(group, rest)
	case group.is("swarm"):
		return parseSwarm(group, rest)
	case group.is("stack"):
		return parseStack(group, rest)
	case group.is("secret"), group.is("config"):
		return parseObject(group, rest)
	case group.is("info"):
		if _, err := noWords("docker info", group, rest); err != nil {
			return nil, err
		}
		return Info{}, nil
	}
	if s := prose.Suggest(group.text, []string{"service", "node", "swarm", "stack", "secret", "config", "info"}); s != "" && !group.quoted {
		return nil, errAt(group.col, "unknown command \"docker %s\"; did you mean \"docker %s\"?", group.text, s)
	}
	return nil, errAt(group.col, "a drill runs docker service, docker node, docker swarm, docker stack, docker secret, docker config and docker info commands; %q is none of them", group.text)
}

// unknownSub reports a subcommand a drill does not run, such as docker
// service ls: a drill checks state with expect instead.
func unknownSub(group string, sub token, subs []string) *Error {
	if s := prose.Suggest(sub.text, subs); s != "" && !sub.quoted {
		return errAt(sub.col, "unknown command \"%s %s\"; did you mean \"%s %s\"?", group, sub.text, group, s)
	}
	full := make([]string, len(subs))
	for i, s := range subs {
		full[i] = group + " " + s
	}
	return errAt(sub.col, "a drill runs %s; %q is none of them", prose.AndList(full), sub.text)
}

func parseService(group token, args []token) (Command, *Error) {
	subs := []string{"create", "scale", "update", "rollback", "rm", "ls", "ps", "inspect", "logs"}
	if len(args) == 0 {
		return nil, errAt(after(group), "docker service needs %s, like docker service scale web=10", prose.OrList(subs))
	}
	sub, rest := args[0], args[1:]
	switch {
	case sub.is("create"):
		return parseServiceCreate(sub, rest)
	case sub.is("scale"):
		return parseServiceScale(sub, rest)
	case sub.is("update"):
		return parseServiceUpdate(sub, rest)
	case sub.is("rollback"):
		const cmd = "docker service rollback"
		var rb ServiceRollback
		words, _, err := parseFlags(cmd, rest, []flagDef{detachFlag(&rb.Detach)}, false)
		if err != nil {
			return nil, err
		}
		svcs, err := namesOf(cmd, sub, rest, words, "docker service rollback web", value.serviceName)
		if err != nil {
			return nil, err
		}
		if len(svcs) > 1 {
			return nil, errAt(words[1].col, "docker service rollback takes one service; write a line for each")
		}
		rb.Name = svcs[0]
		return rb, nil
	case sub.is("rm"), sub.is("remove"):
		svcs, err := names("docker service rm", sub, rest, "docker service rm web", value.serviceName)
		if err != nil {
			return nil, err
		}
		return ServiceRemove{Names: svcs}, nil
	case sub.is("ls"), sub.is("list"):
		q, err := parseList("docker service ls", rest)
		return ServiceList{Quiet: q}, err
	case sub.is("ps"):
		name, err := oneName("docker service ps", sub, rest, "docker service ps web", value.serviceName)
		return ServicePS{Name: name}, err
	case sub.is("logs"):
		name, err := oneName("docker service logs", sub, rest, "docker service logs web", value.serviceName)
		return ServiceLogs{Name: name}, err
	case sub.is("inspect"):
		svcs, pretty, err := parseInspect("docker service inspect", sub, rest, "docker service inspect --pretty web", value.serviceName)
		return ServiceInspect{Names: svcs, Pretty: pretty}, err
	}
	return nil, unknownSub("docker service", sub, subs)
}

// names reads the names a flagless command takes: at least one, each once.
func names(cmd string, sub token, args []token, like string, read func(value) (string, *Error)) ([]string, *Error) {
	words, _, err := parseFlags(cmd, args, nil, false)
	if err != nil {
		return nil, err
	}
	return namesOf(cmd, sub, args, words, like, read)
}

func namesOf(cmd string, sub token, args, words []token, like string, read func(value) (string, *Error)) ([]string, *Error) {
	if len(words) == 0 {
		return nil, errAt(after(last(sub, args)), "%s needs a name, like %s", cmd, like)
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range words {
		n, err := read(valueOf(t, "", ""))
		if err != nil {
			return nil, err
		}
		if seen[n] {
			return nil, errAt(t.col, "%s is named twice; name it once", n)
		}
		seen[n] = true
		out = append(out, n)
	}
	return out, nil
}

const createLike = "docker service create --name web nginx"

func parseServiceCreate(sub token, args []token) (Command, *Error) {
	const cmd = "docker service create"
	sc := ServiceCreate{Mode: ModeReplicated, Replicas: 1, Update: defaultUpdate, Rollback: defaultRollback, Restart: defaultRestart}
	defs := []flagDef{
		{name: "name", example: "web", set: func(v value) (err *Error) {
			sc.Name, err = v.serviceName()
			return err
		}},
		enumFlag("mode", modes, "global", func(s string) { sc.Mode = Mode(s) }),
		countFlag("replicas", "6", func(n int) { sc.Replicas = n }),
		constraintFlag("constraint", func(c Constraint) { sc.Constraints = append(sc.Constraints, c) }),
		prefFlag("placement-pref", func(p PlacementPref) { sc.PlacementPrefs = append(sc.PlacementPrefs, p) }),
		{name: "publish", short: "p", example: "published=8080,target=80,mode=host", repeat: true, set: func(v value) *Error {
			p, err := v.port()
			if err == nil {
				sc.Publish = append(sc.Publish, p)
			}
			return err
		}},
	}
	defs = append(defs, tuningFlags(tuningDst{
		cpu:          func(n int64) { sc.ReserveCPU = n },
		memory:       func(n int64) { sc.ReserveMemory = n },
		maxPerNode:   func(n int) { sc.MaxReplicasPerNode = n },
		update:       createUpdate(&sc.Update),
		rollback:     createUpdate(&sc.Rollback),
		condition:    func(s string) { sc.Restart.Condition = RestartCondition(s) },
		restartDelay: func(d time.Duration) { sc.Restart.Delay = d },
		maxAttempts:  func(n int) { sc.Restart.MaxAttempts = n },
		window:       func(d time.Duration) { sc.Restart.Window = d },
	})...)
	defs = append(defs, serviceObjectFlags(&sc)...)
	defs = append(defs, detachFlag(&sc.Detach), envFlag("env", "e", &sc.Env),
		int64Flag("limit-cpu", "0.5", value.cpu, func(n int64) { sc.LimitCPU = n }),
		int64Flag("limit-memory", "512M", value.memory, func(n int64) { sc.LimitMemory = n }))
	words, seen, err := parseFlags(cmd, args, defs, true)
	if err != nil {
		return nil, err
	}
	if err := checkHealthFlags(sc, seen); err != nil {
		return nil, err
	}
	switch {
	case len(words) > 1:
		return nil, errAt(words[1].col, "%q comes after the image %s; put flags before the image (a drill runs no container command)", words[1].text, words[0].text)
	case sc.Name == "":
		return nil, errAt(sub.col, "docker service create needs --name, like %s", createLike)
	case len(words) == 0:
		return nil, errAt(after(last(sub, args)), "docker service create needs an image after its flags, like %s", createLike)
	}
	if sc.Image, err = valueOf(words[0], "", "").image(); err != nil {
		return nil, err
	}
	if sc.Mode == ModeGlobal {
		// Docker refuses these too: a global service's task count is the
		// number of eligible nodes, at most one on each.
		if col, ok := seen["replicas"]; ok {
			return nil, errAt(col, "--replicas is for replicated services; a global service runs one task on every eligible node, so leave it out")
		}
		if col, ok := seen["replicas-max-per-node"]; ok {
			return nil, errAt(col, "--replicas-max-per-node is for replicated services; a global service runs at most one task on a node already")
		}
		sc.Replicas = 0
	}
	return sc, nil
}

func parseServiceScale(sub token, args []token) (Command, *Error) {
	const like = "docker service scale web=10"
	var s ServiceScale
	words, _, err := parseFlags("docker service scale", args, []flagDef{detachFlag(&s.Detach)}, false)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, errAt(after(sub), "docker service scale needs SERVICE=REPLICAS, like %s", like)
	}
	seen := map[string]bool{}
	for _, t := range words {
		name, n, ok := strings.Cut(t.text, "=")
		if !ok {
			return nil, errAt(t.col, "docker service scale takes SERVICE=REPLICAS, like %s", like)
		}
		svc, err := value{text: name, col: t.col}.serviceName()
		if err != nil {
			return nil, err
		}
		if seen[svc] {
			return nil, errAt(t.col, "%s is scaled twice; scale it once", svc)
		}
		seen[svc] = true
		r, err := value{text: n, col: t.col + runes(name) + 1, what: svc + "=", like: svc + "=10"}.count(0)
		if err != nil {
			return nil, err
		}
		s.Targets = append(s.Targets, ScaleTarget{Service: svc, Replicas: r})
	}
	return s, nil
}

func parseServiceUpdate(sub token, args []token) (Command, *Error) {
	const cmd = "docker service update"
	var su ServiceUpdate
	defs := []flagDef{
		{name: "image", example: "nginx:1.25", set: func(v value) (err *Error) {
			su.Image, err = v.image()
			return err
		}},
		countFlag("replicas", "6", ptr(&su.Replicas)),
		{name: "force", boolean: true, set: func(value) *Error { su.Force = true; return nil }},
		constraintFlag("constraint-add", func(c Constraint) { su.ConstraintAdd = append(su.ConstraintAdd, c) }),
		constraintFlag("constraint-rm", func(c Constraint) { su.ConstraintRm = append(su.ConstraintRm, c) }),
		prefFlag("placement-pref-add", func(p PlacementPref) { su.PlacementPrefAdd = append(su.PlacementPrefAdd, p) }),
		prefFlag("placement-pref-rm", func(p PlacementPref) { su.PlacementPrefRm = append(su.PlacementPrefRm, p) }),
	}
	defs = append(defs, tuningFlags(tuningDst{
		cpu:          ptr(&su.ReserveCPU),
		memory:       ptr(&su.ReserveMemory),
		maxPerNode:   ptr(&su.MaxReplicasPerNode),
		update:       changeUpdate(&su.Update),
		rollback:     changeUpdate(&su.Rollback),
		condition:    func(s string) { su.Restart.Condition = RestartCondition(s) },
		restartDelay: ptr(&su.Restart.Delay),
		maxAttempts:  ptr(&su.Restart.MaxAttempts),
		window:       ptr(&su.Restart.Window),
	})...)
	defs = append(defs, detachFlag(&su.Detach), envFlag("env-add", "", &su.EnvAdd), envKeyFlag(&su.EnvRm),
		portFlag("publish-add", "", &su.PublishAdd), publishRmFlag(&su.PublishRm),
		int64Flag("limit-cpu", "0.5", value.cpu, ptr(&su.LimitCPU)),
		int64Flag("limit-memory", "512M", value.memory, ptr(&su.LimitMemory)))
	words, _, err := parseFlags(cmd, args, defs, false)
	if err != nil {
		return nil, err
	}
	switch {
	case len(words) == 0:
		return nil, errAt(after(last(sub, args)), "docker service update needs the service's name, like docker service update --replicas 3 web")
	case len(words) > 1:
		return nil, errAt(words[1].col, "docker service update changes one service, and %q would be a second; write a line for each", words[1].text)
	}
	if su.Name, err = valueOf(words[0], "", "").serviceName(); err != nil {
		return nil, err
	}
	return su, nil
}

func parseNode(group token, args []token) (Command, *Error) {
	subs := []string{"update", "promote", "demote", "rm", "ls", "inspect"}
	if len(args) == 0 {
		return nil, errAt(after(group), "docker node needs %s, like docker node update --availability drain w3", prose.OrList(subs))
	}
	sub, rest := args[0], args[1:]
	switch {
	case sub.is("update"):
		return parseNodeUpdate(sub, rest)
	case sub.is("promote"):
		nodes, err := names("docker node promote", sub, rest, "docker node promote w1", value.nodeName)
		if err != nil {
			return nil, err
		}
		return NodePromote{Nodes: nodes}, nil
	case sub.is("demote"):
		nodes, err := names("docker node demote", sub, rest, "docker node demote m4", value.nodeName)
		if err != nil {
			return nil, err
		}
		return NodeDemote{Nodes: nodes}, nil
	case sub.is("rm"), sub.is("remove"):
		const cmd = "docker node rm"
		var nr NodeRemove
		defs := []flagDef{{name: "force", short: "f", boolean: true, set: func(value) *Error { nr.Force = true; return nil }}}
		words, _, err := parseFlags(cmd, rest, defs, false)
		if err != nil {
			return nil, err
		}
		if nr.Nodes, err = namesOf(cmd, sub, rest, words, "docker node rm w3", value.nodeName); err != nil {
			return nil, err
		}
		return nr, nil
	case sub.is("ls"), sub.is("list"):
		q, err := parseList("docker node ls", rest)
		return NodeList{Quiet: q}, err
	case sub.is("inspect"):
		nodes, pretty, err := parseInspect("docker node inspect", sub, rest, "docker node inspect --pretty m1", value.nodeName)
		return NodeInspect{Nodes: nodes, Pretty: pretty}, err
	}
	return nil, unknownSub("docker node", sub, subs)
}

func parseNodeUpdate(sub token, args []token) (Command, *Error) {
	const cmd = "docker node update"
	var nu NodeUpdate
	defs := []flagDef{
		enumFlag("availability", availabilities, "drain", func(s string) { nu.Availability = Availability(s) }),
		{name: "label-add", example: "zone=b", repeat: true, set: func(v value) *Error {
			l, err := v.label()
			if err == nil {
				nu.LabelAdd = append(nu.LabelAdd, l)
			}
			return err
		}},
		{name: "label-rm", example: "zone", repeat: true, set: func(v value) *Error {
			k, err := v.labelKey()
			if err == nil {
				nu.LabelRm = append(nu.LabelRm, k)
			}
			return err
		}},
	}
	words, _, err := parseFlags(cmd, args, defs, false)
	if err != nil {
		return nil, err
	}
	switch {
	case len(words) == 0:
		return nil, errAt(after(last(sub, args)), "docker node update needs the node's name, like docker node update --availability drain w3")
	case len(words) > 1:
		return nil, errAt(words[1].col, "docker node update changes one node, and %q would be a second; write a line for each", words[1].text)
	}
	if nu.Node, err = valueOf(words[0], "", "").nodeName(); err != nil {
		return nil, err
	}
	return nu, nil
}

func parseSwarm(group token, args []token) (Command, *Error) {
	subs := []string{"init", "join", "join-token", "update", "unlock-key", "unlock"}
	if len(args) == 0 {
		return nil, errAt(after(group), "docker swarm needs %s, like docker swarm join --token worker", prose.OrList(subs))
	}
	sub, rest := args[0], args[1:]
	switch {
	case sub.is("init"):
		const cmd = "docker swarm init"
		var force bool
		var f ForceNewCluster
		defs := []flagDef{
			{name: "force-new-cluster", boolean: true, set: func(value) *Error { force = true; return nil }},
			{name: "autolock", boolean: true, set: func(v value) *Error {
				return errAt(v.col, "a drill's swarm is initialized by its cluster line: turn autolock on there, like cluster managers=3 autolock=true, or later with %s", updateLike)
			}},
			{name: "advertise-addr", example: "m3", set: func(v value) (err *Error) {
				f.Node, err = v.nodeName()
				return err
			}},
		}
		words, _, err := parseFlags(cmd, rest, defs, false)
		if err != nil {
			return nil, err
		}
		if len(words) > 0 {
			return nil, errAt(words[0].col, "docker swarm init takes only flags, like docker swarm init --force-new-cluster --advertise-addr m3")
		}
		if !force {
			return nil, errAt(sub.col, "a drill runs docker swarm init only to recover lost quorum, with --force-new-cluster; the cluster line builds the swarm")
		}
		return f, nil
	case sub.is("join"):
		const cmd = "docker swarm join"
		var j SwarmJoin
		defs := []flagDef{
			enumFlag("token", roles, "worker", func(s string) { j.Role = Role(s) }),
			{name: "zone", example: "b", set: func(v value) (err *Error) {
				j.Zone, err = v.zoneName()
				return err
			}},
			{name: "name", example: "w7", set: func(v value) (err *Error) {
				j.Name, err = v.nodeName()
				return err
			}},
		}
		words, _, err := parseFlags(cmd, rest, defs, false)
		if err != nil {
			return nil, err
		}
		if len(words) > 0 {
			return nil, errAt(words[0].col, "a drill's docker swarm join takes no manager address, since the node joins the simulated swarm; write docker swarm join --token worker")
		}
		if j.Role == "" {
			return nil, errAt(sub.col, "docker swarm join needs --token worker or --token manager, like docker swarm join --token worker --zone b")
		}
		return j, nil
	case sub.is("update"):
		return parseSwarmUpdate(sub, rest)
	case sub.is("unlock-key"):
		return parseUnlockKey(rest)
	case sub.is("unlock"):
		return parseUnlock(sub, rest)
	case sub.is("join-token"):
		return parseJoinToken(sub, rest)
	}
	return nil, unknownSub("docker swarm", sub, subs)
}
