package drill

// ---- Read commands ----
//
// The commands that read the swarm and print, as a shell session types
// them. They change nothing; a runner returns what they print, so a
// transcript shows it and a recorded session replays.

// NodeList is `docker node ls [-q]`.
type NodeList struct {
	Quiet bool // -q: only the IDs
}

// ServiceList is `docker service ls [-q]`.
type ServiceList struct {
	Quiet bool // -q: only the IDs
}

// ServicePS is `docker service ps NAME`: the service's tasks.
type ServicePS struct {
	Name string
}

// ServiceInspect is `docker service inspect [--pretty] NAME…`.
type ServiceInspect struct {
	Names  []string // at least one, no repeats
	Pretty bool     // --pretty: Docker's text instead of its JSON
}

// NodeInspect is `docker node inspect [--pretty] NODE…`.
type NodeInspect struct {
	Nodes  []string // at least one, no repeats
	Pretty bool
}

// ServiceLogs is `docker service logs NAME`: in the simulation, the task
// events a real one's containers would leave, as log lines.
type ServiceLogs struct {
	Name string
}

// Info is `docker info`: its Swarm section.
type Info struct{}

// SwarmJoinToken is `docker swarm join-token [-q] worker|manager`.
type SwarmJoinToken struct {
	Role  Role
	Quiet bool // -q: only the token
}

func (NodeList) command()       {}
func (ServiceList) command()    {}
func (ServicePS) command()      {}
func (ServiceInspect) command() {}
func (NodeInspect) command()    {}
func (ServiceLogs) command()    {}
func (Info) command()           {}
func (SwarmJoinToken) command() {}

// parseList reads `ls [-q]` of docker node and docker service.
func parseList(cmd string, args []token) (quiet bool, err *Error) {
	defs := []flagDef{{name: "quiet", short: "q", boolean: true, set: func(value) *Error { quiet = true; return nil }}}
	words, _, err := parseFlags(cmd, args, defs, false)
	if err != nil {
		return false, err
	}
	if len(words) > 0 {
		return false, errAt(words[0].col, "%s takes only -q, like %s -q", cmd, cmd)
	}
	return quiet, nil
}

// parseInspect reads `inspect [--pretty] NAME…` of docker node and docker
// service.
func parseInspect(cmd string, sub token, args []token, like string, read func(value) (string, *Error)) ([]string, bool, *Error) {
	var pretty bool
	defs := []flagDef{{name: "pretty", boolean: true, set: func(value) *Error { pretty = true; return nil }}}
	words, _, err := parseFlags(cmd, args, defs, false)
	if err != nil {
		return nil, false, err
	}
	names, err := namesOf(cmd, sub, args, words, like, read)
	return names, pretty, err
}

// oneName reads a command that takes exactly one name.
func oneName(cmd string, sub token, args []token, like string, read func(value) (string, *Error)) (string, *Error) {
	ns, err := names(cmd, sub, args, like, read)
	if err != nil {
		return "", err
	}
	if len(ns) > 1 {
		return "", errAt(args[1].col, "%s takes one name; write a line for each", cmd)
	}
	return ns[0], nil
}

func parseJoinToken(sub token, args []token) (Command, *Error) {
	const cmd = "docker swarm join-token"
	var j SwarmJoinToken
	defs := []flagDef{{name: "quiet", short: "q", boolean: true, set: func(value) *Error { j.Quiet = true; return nil }}}
	words, _, err := parseFlags(cmd, args, defs, false)
	if err != nil {
		return nil, err
	}
	if len(words) != 1 {
		col := after(last(sub, args))
		if len(words) > 1 {
			col = words[1].col
		}
		return nil, errAt(col, "docker swarm join-token takes worker or manager, like docker swarm join-token worker")
	}
	role, err := valueOf(words[0], "docker swarm join-token", "docker swarm join-token worker").enum(roles)
	if err != nil {
		return nil, err
	}
	j.Role = Role(role)
	return j, nil
}

func quiet(w words, q bool) string {
	if q {
		w.add("-q")
	}
	return w.String()
}

func (l NodeList) String() string    { return quiet(words{"docker", "node", "ls"}, l.Quiet) }
func (l ServiceList) String() string { return quiet(words{"docker", "service", "ls"}, l.Quiet) }
func (p ServicePS) String() string   { return "docker service ps " + quote(p.Name) }
func (l ServiceLogs) String() string { return "docker service logs " + quote(l.Name) }
func (Info) String() string          { return "docker info" }

func (i ServiceInspect) String() string {
	w := words{"docker", "service", "inspect"}
	if i.Pretty {
		w.add("--pretty")
	}
	w.add(quoteAll(i.Names)...)
	return w.String()
}

func (i NodeInspect) String() string {
	w := words{"docker", "node", "inspect"}
	if i.Pretty {
		w.add("--pretty")
	}
	w.add(quoteAll(i.Nodes)...)
	return w.String()
}

func (j SwarmJoinToken) String() string {
	return quiet(words{"docker", "swarm", "join-token"}, j.Quiet) + " " + string(j.Role)
}
