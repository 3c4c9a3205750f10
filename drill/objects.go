package drill

import (
	"regexp"
	"strconv"
	"time"

	"github.com/swarmsim/swarmsim/internal/prose"
)

// ---- Secrets and configs ----

// SecretCreate is `docker secret create NAME FILE`, or NAME - to read the
// data from standard input, which a drill does not have: the secret is
// then empty. The simulation keeps no data, only whether it changed.
type SecretCreate struct {
	Name string
	File string // "-" or a path, the runner's to resolve
}

// SecretList is `docker secret ls`.
type SecretList struct{}

// SecretRemove is `docker secret rm NAME…`.
type SecretRemove struct {
	Names []string // at least one, no repeats
}

// ConfigCreate is `docker config create NAME FILE` (or NAME -).
type ConfigCreate struct {
	Name string
	File string
}

// ConfigList is `docker config ls`.
type ConfigList struct{}

// ConfigRemove is `docker config rm NAME…`.
type ConfigRemove struct {
	Names []string // at least one, no repeats
}

// HealthCheck is docker service create's --health-* flags. Zero durations
// and retries mean Docker's defaults (30s interval and timeout, 3
// retries, no start period); Cmd "" means no health check.
type HealthCheck struct {
	Cmd           string
	Interval      time.Duration
	Timeout       time.Duration
	StartPeriod   time.Duration
	StartInterval time.Duration // between probes in the start period
	Retries       int
}

func (SecretCreate) command() {}
func (SecretList) command()   {}
func (SecretRemove) command() {}
func (ConfigCreate) command() {}
func (ConfigList) command()   {}
func (ConfigRemove) command() {}

// isObjectName is swarmkit's rule for secret and config names.
var isObjectName = regexp.MustCompile(`^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$`)

func (v value) objectName() (string, *Error) {
	if len(v.text) > 64 || !isObjectName.MatchString(v.text) {
		return "", errAt(v.col, `%q is not a secret or config name; use up to 64 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, like db_pass`, v.text)
	}
	return v.text, nil
}

// parseObject reads docker secret's and docker config's subcommands, which
// are the same.
func parseObject(group token, args []token) (Command, *Error) {
	kind := group.text
	example := map[string]string{"secret": "db_pass", "config": "nginx_conf"}[kind]
	like := "docker " + kind + " create " + example + " -"
	subs := []string{"create", "ls", "rm"}
	if len(args) == 0 {
		return nil, errAt(after(group), "docker %s needs %s, like %s", kind, prose.OrList(subs), like)
	}
	sub, rest := args[0], args[1:]
	switch {
	case sub.is("create"):
		cmd := "docker " + kind + " create"
		words, _, err := parseFlags(cmd, rest, nil, false)
		if err != nil {
			return nil, err
		}
		switch {
		case len(words) == 0:
			return nil, errAt(after(last(sub, rest)), "%s needs a name and a file (or - for standard input), like %s", cmd, like)
		case len(words) == 1:
			return nil, errAt(after(words[0]), "%s needs a file after the name (or - for standard input), like %s", cmd, like)
		case len(words) > 2:
			return nil, errAt(words[2].col, "%s takes a name and a file; write a line for each %s", cmd, kind)
		}
		name, err := valueOf(words[0], "", "").objectName()
		if err != nil {
			return nil, err
		}
		if words[1].text == "" {
			return nil, errAt(words[1].col, "%s needs a file, or - for standard input, like %s", cmd, like)
		}
		if kind == "secret" {
			return SecretCreate{Name: name, File: words[1].text}, nil
		}
		return ConfigCreate{Name: name, File: words[1].text}, nil
	case sub.is("ls"), sub.is("list"):
		if _, err := noWords("docker "+kind+" ls", sub, rest); err != nil {
			return nil, err
		}
		if kind == "secret" {
			return SecretList{}, nil
		}
		return ConfigList{}, nil
	case sub.is("rm"), sub.is("remove"):
		cmd := "docker " + kind + " rm"
		objs, err := names(cmd, sub, rest, cmd+" "+example, value.objectName)
		if err != nil {
			return nil, err
		}
		if kind == "secret" {
			return SecretRemove{Names: objs}, nil
		}
		return ConfigRemove{Names: objs}, nil
	}
	return nil, unknownSub("docker "+kind, sub, subs)
}

// serviceObjectFlags are docker service create's --secret, --config and
// --health-* flags.
func serviceObjectFlags(sc *ServiceCreate) []flagDef {
	obj := func(name string, dst *[]string) flagDef {
		return flagDef{name: name, example: "db_pass", repeat: true, set: func(v value) *Error {
			n, err := v.objectName()
			if err == nil {
				*dst = append(*dst, n)
			}
			return err
		}}
	}
	return []flagDef{
		obj("secret", &sc.Secrets),
		obj("config", &sc.Configs),
		{name: "health-cmd", example: `"curl -f http://localhost"`, set: func(v value) *Error {
			if v.text == "" {
				return errAt(v.col, "--health-cmd needs a command, like --health-cmd \"curl -f http://localhost\"")
			}
			sc.Health.Cmd = v.text
			return nil
		}},
		durationFlag("health-interval", "5s", func(d time.Duration) { sc.Health.Interval = d }),
		durationFlag("health-timeout", "3s", func(d time.Duration) { sc.Health.Timeout = d }),
		durationFlag("health-start-period", "10s", func(d time.Duration) { sc.Health.StartPeriod = d }),
		durationFlag("health-start-interval", "2s", func(d time.Duration) { sc.Health.StartInterval = d }),
		countFlag("health-retries", "3", func(n int) { sc.Health.Retries = n }),
	}
}

// checkHealthFlags refuses --health-* settings without --health-cmd: the
// simulated images have no health check of their own to tune.
func checkHealthFlags(sc ServiceCreate, seen map[string]int) *Error {
	if sc.Health.Cmd != "" {
		return nil
	}
	for _, f := range []string{"health-interval", "health-timeout", "health-start-period", "health-start-interval", "health-retries"} {
		if col, ok := seen[f]; ok {
			return errAt(col, "--%s needs --health-cmd beside it, since the simulated images have no health check of their own, like --health-cmd \"curl -f http://localhost\" --%s …", f, f)
		}
	}
	return nil
}

// objectFlags writes --secret, --config and --health-* for String.
func (w *words) objectFlags(s ServiceCreate) {
	h := s.Health
	if h.Cmd != "" {
		w.flag("health-cmd", h.Cmd)
	}
	if h.Interval != 0 {
		w.flag("health-interval", formatDuration(h.Interval))
	}
	if h.Timeout != 0 {
		w.flag("health-timeout", formatDuration(h.Timeout))
	}
	if h.StartPeriod != 0 {
		w.flag("health-start-period", formatDuration(h.StartPeriod))
	}
	if h.StartInterval != 0 {
		w.flag("health-start-interval", formatDuration(h.StartInterval))
	}
	if h.Retries != 0 {
		w.flag("health-retries", strconv.Itoa(h.Retries))
	}
	for _, n := range s.Secrets {
		w.flag("secret", n)
	}
	for _, n := range s.Configs {
		w.flag("config", n)
	}
}

func (s SecretCreate) String() string {
	return "docker secret create " + quote(s.Name) + " " + quoteFile(s.File)
}

func (SecretList) String() string { return "docker secret ls" }

func (s SecretRemove) String() string {
	return words(append([]string{"docker", "secret", "rm"}, quoteAll(s.Names)...)).String()
}

func (c ConfigCreate) String() string {
	return "docker config create " + quote(c.Name) + " " + quoteFile(c.File)
}

// quoteFile leaves "-", standard input, as Docker's users write it; a
// word of one dash is never read as a flag.
func quoteFile(f string) string {
	if f == "-" {
		return f
	}
	return quote(f)
}

func (ConfigList) String() string { return "docker config ls" }

func (c ConfigRemove) String() string {
	return words(append([]string{"docker", "config", "rm"}, quoteAll(c.Names)...)).String()
}
