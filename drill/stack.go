package drill

import (
	"strconv"
	"strings"

	"github.com/swarmsim/swarmsim/internal/prose"
)

// ---- Stacks ----

// StackDeploy is `docker stack deploy -c FILE [-c FILE…] NAME`: the
// services of one or more compose files, merged in order as Docker merges
// them, deployed as a stack.
type StackDeploy struct {
	// Files are the compose files as written, at least one. Relative paths
	// are the runner's to resolve (swarmsim resolves them against the
	// drill's directory).
	Files []string
	Name  string // the stack: its services are named NAME_SERVICE
}

// StackList is `docker stack ls`.
type StackList struct{}

// StackServices is `docker stack services NAME`.
type StackServices struct{ Name string }

// StackPS is `docker stack ps NAME`.
type StackPS struct{ Name string }

// StackRemove is `docker stack rm NAME…` (also remove, down).
type StackRemove struct {
	Names []string // at least one, no repeats
}

// ExpectPort is `expect port 8080 open on w2` or `expect port 8080 closed
// on w2`: whether a node listens on a published port.
type ExpectPort struct {
	Port int // 1–65535
	Open bool
	Node string
}

func (StackDeploy) command()   {}
func (StackList) command()     {}
func (StackServices) command() {}
func (StackPS) command()       {}
func (StackRemove) command()   {}
func (ExpectPort) command()    {}

const deployLike = "docker stack deploy -c stack.yml shop"

// parseStack reads docker stack's subcommands.
func parseStack(group token, args []token) (Command, *Error) {
	subs := []string{"deploy", "ls", "services", "ps", "rm"}
	if len(args) == 0 {
		return nil, errAt(after(group), "docker stack needs %s, like %s", prose.OrList(subs), deployLike)
	}
	sub, rest := args[0], args[1:]
	switch {
	case sub.is("deploy"), sub.is("up"):
		return parseStackDeploy(sub, rest)
	case sub.is("ls"), sub.is("list"):
		if _, err := noWords("docker stack ls", sub, rest); err != nil {
			return nil, err
		}
		return StackList{}, nil
	case sub.is("services"), sub.is("ps"):
		cmd := "docker stack " + sub.text
		stacks, err := names(cmd, sub, rest, cmd+" shop", value.stackName)
		if err != nil {
			return nil, err
		}
		if len(stacks) > 1 {
			return nil, errAt(rest[1].col, "%s takes one stack; write a line for each", cmd)
		}
		if sub.is("ps") {
			return StackPS{Name: stacks[0]}, nil
		}
		return StackServices{Name: stacks[0]}, nil
	case sub.is("rm"), sub.is("remove"), sub.is("down"):
		stacks, err := names("docker stack rm", sub, rest, "docker stack rm shop", value.stackName)
		if err != nil {
			return nil, err
		}
		return StackRemove{Names: stacks}, nil
	}
	return nil, unknownSub("docker stack", sub, subs)
}

func parseStackDeploy(sub token, args []token) (Command, *Error) {
	const cmd = "docker stack deploy"
	var d StackDeploy
	defs := []flagDef{{name: "compose-file", short: "c", example: "stack.yml", repeat: true, set: func(v value) *Error {
		if v.text == "-" {
			return errAt(v.col, "a drill has no standard input to read a compose file from; name the file, like %s", deployLike)
		}
		if v.text == "" {
			return errAt(v.col, "%s needs a file name, like %s", v.what, deployLike)
		}
		d.Files = append(d.Files, v.text)
		return nil
	}}}
	words, _, err := parseFlags(cmd, args, defs, false)
	if err != nil {
		return nil, err
	}
	switch {
	case len(words) == 0:
		return nil, errAt(after(last(sub, args)), "docker stack deploy needs the stack's name, like %s", deployLike)
	case len(words) > 1:
		return nil, errAt(words[1].col, "docker stack deploy deploys one stack, and %q would be a second; write a line for each", words[1].text)
	case len(d.Files) == 0:
		return nil, errAt(sub.col, "docker stack deploy needs a compose file, like %s", deployLike)
	}
	if d.Name, err = valueOf(words[0], "", "").stackName(); err != nil {
		return nil, err
	}
	return d, nil
}

// noWords reads a command that takes nothing.
func noWords(cmd string, sub token, args []token) ([]token, *Error) {
	words, _, err := parseFlags(cmd, args, nil, false)
	if err != nil {
		return nil, err
	}
	if len(words) > 0 {
		return nil, errAt(words[0].col, "%s takes nothing after it", cmd)
	}
	return nil, nil
}

// stackName is a service name, since the stack's name starts each of its
// services' names.
func (v value) stackName() (string, *Error) {
	if _, err := v.serviceName(); err != nil {
		return "", errAt(v.col, `%q is not a stack name; its services are named %s_SERVICE, so use letters, digits, "-" and "_" (not first or last), like shop`, v.text, v.text)
	}
	return v.text, nil
}

const expectPortLike = "expect port 8080 open on w2"

func parseExpectPort(kw token, rest []token) (Command, *Error) {
	if len(rest) == 0 {
		return nil, errAt(after(kw), "expect port needs a port, open or closed, and a node, like %s", expectPortLike)
	}
	port := portNumber(rest[0].text)
	if port == 0 || rest[0].quoted {
		return nil, errAt(rest[0].col, "expect port needs a port from 1 to 65535, like %s", expectPortLike)
	}
	if len(rest) == 1 {
		return nil, errAt(after(rest[0]), "expect port %d needs open or closed and a node, like %s", port, expectPortLike)
	}
	state, err := valueOf(rest[1], "the state in expect port", expectPortLike).enum([]string{"open", "closed"})
	if err != nil {
		return nil, err
	}
	if len(rest) == 2 || !rest[2].is("on") {
		col := after(rest[1])
		if len(rest) > 2 {
			col = rest[2].col
		}
		return nil, errAt(col, `expected "on" and a node after expect port %d %s, like %s`, port, state, expectPortLike)
	}
	if len(rest) == 3 {
		return nil, errAt(after(rest[2]), "expect port %d %s on needs a node, like %s", port, state, expectPortLike)
	}
	node, err := valueOf(rest[3], "", "").nodeName()
	if err != nil {
		return nil, err
	}
	if len(rest) > 4 {
		return nil, errAt(rest[4].col, "expect port %d %s on %s takes nothing after it", port, state, node)
	}
	return ExpectPort{Port: port, Open: state == "open", Node: node}, nil
}

func (d StackDeploy) String() string {
	w := words{"docker", "stack", "deploy"}
	for _, f := range d.Files {
		w.flag("compose-file", f)
	}
	w.add(quote(d.Name))
	return w.String()
}

func (StackList) String() string { return "docker stack ls" }

func (s StackServices) String() string { return "docker stack services " + quote(s.Name) }

func (s StackPS) String() string { return "docker stack ps " + quote(s.Name) }

func (s StackRemove) String() string {
	return words(append([]string{"docker", "stack", "rm"}, quoteAll(s.Names)...)).String()
}

func (e ExpectPort) String() string {
	state := "closed"
	if e.Open {
		state = "open"
	}
	return strings.Join([]string{"expect", "port", strconv.Itoa(e.Port), state, "on", name(e.Node)}, " ")
}
