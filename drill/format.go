package drill

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Format writes a script in canonical form: one command a line as its
// String gives it, comments where they were (after a command or on a line
// of their own, placed by line number), and one blank line wherever the
// source had any. Trailing comments on adjacent lines are aligned, as
// gofmt aligns them. Parsing the result gives the same commands and
// comments, and formatting that again gives the same bytes.
func Format(s *Script) []byte {
	type outLine struct {
		blankBefore bool
		code        string
		comment     string // a trailing comment, or a whole-line one when code is ""
	}
	var out []outLine
	comments := s.Comments
	prev := 0
	emit := func(line int, code, comment string) {
		out = append(out, outLine{blankBefore: prev > 0 && line > prev+1, code: code, comment: comment})
		prev = line
	}
	for _, st := range s.Steps {
		for len(comments) > 0 && comments[0].Pos.Line < st.Pos.Line {
			emit(comments[0].Pos.Line, "", comments[0].Text)
			comments = comments[1:]
		}
		trailing := ""
		if len(comments) > 0 && st.Pos.Line > 0 && comments[0].Pos.Line == st.Pos.Line {
			trailing = comments[0].Text
			comments = comments[1:]
		}
		emit(st.Pos.Line, st.Cmd.String(), trailing)
	}
	for _, c := range comments {
		emit(c.Pos.Line, "", c.Text)
	}

	var b bytes.Buffer
	for i := 0; i < len(out); {
		// A run of adjacent commands with trailing comments shares one
		// comment column, two blanks past its longest command.
		j, width := i, 0
		for j < len(out) && out[j].code != "" && out[j].comment != "" && (j == i || !out[j].blankBefore) {
			width = max(width, utf8.RuneCountInString(out[j].code))
			j++
		}
		if j == i {
			j = i + 1
		}
		for k := i; k < j; k++ {
			l := out[k]
			if l.blankBefore {
				b.WriteByte('\n')
			}
			b.WriteString(l.code)
			if l.code != "" && l.comment != "" {
				b.WriteString(strings.Repeat(" ", width-utf8.RuneCountInString(l.code)+2))
			}
			b.WriteString(l.comment)
			b.WriteByte('\n')
		}
		i = j
	}
	return b.Bytes()
}

// quote writes s as one word: bare when the lexer would read it back
// unchanged and as a value, quoted otherwise. A leading '-' is quoted so
// that a value never reads as a flag.
func quote(s string) string {
	if s != "" && s[0] != '-' && !strings.ContainsFunc(s, func(r rune) bool {
		return isBlank(r) || r == '"' || r == '#' || r == '\\' || r < 0x20 || r == 0x7f
	}) {
		return s
	}
	return quoteAlways(s)
}

// name writes a node's or zone's name: bare in the shape the drill reads
// bare, quoted otherwise (see nodeName), so that every name reads back.
func name(s string) string {
	if isName(s) && !slices.Contains(reservedNodeNames, s) {
		return s
	}
	return quoteAlways(s)
}

func nameList(ns []string) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = name(n)
	}
	return out
}

// quoteAlways writes s as a quoted string, for the places that require one.
func quoteAlways(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 && c != '\t' || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c) // a line feed would end the line
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// formatDuration writes whole seconds the way people write them (90s is
// 1m30s, not 1m30.000s; 1h is 1h, not 1h0m0s) and anything finer as Go
// does. Both forms parse back to the same duration.
func formatDuration(d time.Duration) string {
	if d <= 0 || d%time.Second != 0 {
		return d.String()
	}
	var b strings.Builder
	for _, u := range []struct {
		d    time.Duration
		unit string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.unit)
			d -= n * u.d
		}
	}
	return b.String()
}

// formatCPU writes nano-CPUs as a decimal count of CPUs: 500000000 is 0.5.
func formatCPU(n int64) string {
	s := strconv.FormatInt(n/1e9, 10)
	if f := n % 1e9; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%09d", f), "0")
	}
	return s
}

// formatMemory writes bytes in the largest unit that divides them exactly,
// so 536870912 is 512M and nothing is rounded.
func formatMemory(n int64) string {
	for _, u := range []struct {
		size int64
		unit string
	}{{1 << 30, "G"}, {1 << 20, "M"}, {1 << 10, "K"}} {
		if n != 0 && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.unit
		}
	}
	return strconv.FormatInt(n, 10)
}

// words builds a command line word by word.
type words []string

func (w *words) add(s ...string) { *w = append(*w, s...) }

func (w *words) flag(name, value string) { w.add("--"+name, quote(value)) }

func (w words) String() string { return strings.Join(w, " ") }

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quote(n)
	}
	return out
}

func (c Cluster) String() string {
	w := words{"cluster"}
	if c.From != "" {
		w.add("from=" + quote(c.From))
	} else {
		w.add("managers=" + strconv.Itoa(c.Managers))
	}
	if c.Services != "" {
		w.add("services=" + quote(c.Services))
	}
	if c.AZ != "" {
		w.add("az=" + quote(c.AZ))
	}
	if c.Workers != 0 {
		w.add("workers=" + strconv.Itoa(c.Workers))
	}
	if c.Seed != nil {
		w.add("seed=" + strconv.FormatUint(*c.Seed, 10))
	}
	if c.Autolock {
		w.add("autolock=true")
	}
	return w.String()
}

func (k Kill) String() string { return words(append([]string{"kill"}, nameList(k.Nodes)...)).String() }

func (k KillZone) String() string { return "kill az " + name(k.Zone) }

func (KillLeader) String() string { return "kill leader" }

func (k KillManagers) String() string {
	if k.N == 1 {
		return "kill 1 manager"
	}
	return "kill " + strconv.Itoa(k.N) + " managers"
}

func (r Restart) String() string {
	return words(append([]string{"restart"}, nameList(r.Nodes)...)).String()
}

func (r RestartZone) String() string { return "restart az " + name(r.Zone) }

func (p Partition) String() string {
	w := words{"partition"}
	w.add(quoteAll(p.A)...)
	w.add("|")
	w.add(quoteAll(p.B)...)
	return w.String()
}

func (Heal) String() string { return "heal" }

func (w Wait) String() string { return "wait " + formatDuration(w.Duration) }

func (w WaitUntil) String() string {
	s := "wait until " + quote(string(w.What))
	if w.Within != 0 {
		s += " within " + formatDuration(w.Within)
	}
	return s
}

// String leaves out every value that equals Docker's default, since Parse
// fills those back in.
func (s ServiceCreate) String() string {
	w := words{"docker", "service", "create"}
	w.flag("name", s.Name)
	if s.Mode != ModeReplicated && s.Mode != "" {
		w.flag("mode", string(s.Mode))
	}
	if s.Mode != ModeGlobal && s.Replicas != 1 {
		w.flag("replicas", strconv.Itoa(s.Replicas))
	}
	for _, c := range s.Constraints {
		w.flag("constraint", c.String())
	}
	for _, p := range s.PlacementPrefs {
		w.flag("placement-pref", p.String())
	}
	if s.ReserveCPU != 0 {
		w.flag("reserve-cpu", formatCPU(s.ReserveCPU))
	}
	if s.ReserveMemory != 0 {
		w.flag("reserve-memory", formatMemory(s.ReserveMemory))
	}
	if s.MaxReplicasPerNode != 0 {
		w.flag("replicas-max-per-node", strconv.Itoa(s.MaxReplicasPerNode))
	}
	for _, p := range s.Publish {
		w.flag("publish", p.String())
	}
	w.updateConfig("update", s.Update, defaultUpdate)
	w.updateConfig("rollback", s.Rollback, defaultRollback)
	r, dr := s.Restart, defaultRestart
	if r.Condition != dr.Condition {
		w.flag("restart-condition", string(r.Condition))
	}
	if r.Delay != dr.Delay {
		w.flag("restart-delay", formatDuration(r.Delay))
	}
	if r.MaxAttempts != dr.MaxAttempts {
		w.flag("restart-max-attempts", strconv.Itoa(r.MaxAttempts))
	}
	if r.Window != dr.Window {
		w.flag("restart-window", formatDuration(r.Window))
	}
	w.objectFlags(s)
	for _, e := range s.Env {
		w.flag("env", e)
	}
	if s.LimitCPU != 0 {
		w.flag("limit-cpu", formatCPU(s.LimitCPU))
	}
	if s.LimitMemory != 0 {
		w.flag("limit-memory", formatMemory(s.LimitMemory))
	}
	w.detach(s.Detach)
	w.add(quote(s.Image))
	return w.String()
}

func (s ServiceScale) String() string {
	w := words{"docker", "service", "scale"}
	w.detach(s.Detach)
	for _, t := range s.Targets {
		w.add(quote(t.String()))
	}
	return w.String()
}

func (s ServiceUpdate) String() string {
	w := words{"docker", "service", "update"}
	if s.Image != "" {
		w.flag("image", s.Image)
	}
	if s.Replicas != nil {
		w.flag("replicas", strconv.Itoa(*s.Replicas))
	}
	if s.Force {
		w.add("--force")
	}
	for _, c := range s.ConstraintAdd {
		w.flag("constraint-add", c.String())
	}
	for _, c := range s.ConstraintRm {
		w.flag("constraint-rm", c.String())
	}
	for _, p := range s.PlacementPrefAdd {
		w.flag("placement-pref-add", p.String())
	}
	for _, p := range s.PlacementPrefRm {
		w.flag("placement-pref-rm", p.String())
	}
	if s.ReserveCPU != nil {
		w.flag("reserve-cpu", formatCPU(*s.ReserveCPU))
	}
	if s.ReserveMemory != nil {
		w.flag("reserve-memory", formatMemory(*s.ReserveMemory))
	}
	if s.MaxReplicasPerNode != nil {
		w.flag("replicas-max-per-node", strconv.Itoa(*s.MaxReplicasPerNode))
	}
	w.updateChange("update", s.Update)
	w.updateChange("rollback", s.Rollback)
	r := s.Restart
	if r.Condition != "" {
		w.flag("restart-condition", string(r.Condition))
	}
	if r.Delay != nil {
		w.flag("restart-delay", formatDuration(*r.Delay))
	}
	if r.MaxAttempts != nil {
		w.flag("restart-max-attempts", strconv.Itoa(*r.MaxAttempts))
	}
	if r.Window != nil {
		w.flag("restart-window", formatDuration(*r.Window))
	}
	for _, e := range s.EnvAdd {
		w.flag("env-add", e)
	}
	for _, e := range s.EnvRm {
		w.flag("env-rm", e)
	}
	for _, p := range s.PublishAdd {
		w.flag("publish-add", p.String())
	}
	for _, p := range s.PublishRm {
		w.flag("publish-rm", removal(p))
	}
	if s.LimitCPU != nil {
		w.flag("limit-cpu", formatCPU(*s.LimitCPU))
	}
	if s.LimitMemory != nil {
		w.flag("limit-memory", formatMemory(*s.LimitMemory))
	}
	w.detach(s.Detach)
	w.add(quote(s.Name))
	return w.String()
}

func (s ServiceRollback) String() string {
	w := words{"docker", "service", "rollback"}
	w.detach(s.Detach)
	w.add(quote(s.Name))
	return w.String()
}

func (s ServiceRemove) String() string {
	return words(append([]string{"docker", "service", "rm"}, quoteAll(s.Names)...)).String()
}

func (n NodeUpdate) String() string {
	w := words{"docker", "node", "update"}
	if n.Availability != "" {
		w.flag("availability", string(n.Availability))
	}
	for _, l := range n.LabelAdd {
		w.flag("label-add", l.String())
	}
	for _, k := range n.LabelRm {
		w.flag("label-rm", k)
	}
	w.add(name(n.Node))
	return w.String()
}

func (n NodePromote) String() string {
	return words(append([]string{"docker", "node", "promote"}, nameList(n.Nodes)...)).String()
}

func (n NodeDemote) String() string {
	return words(append([]string{"docker", "node", "demote"}, nameList(n.Nodes)...)).String()
}

func (n NodeRemove) String() string {
	w := words{"docker", "node", "rm"}
	if n.Force {
		w.add("--force")
	}
	w.add(nameList(n.Nodes)...)
	return w.String()
}

func (f ForceNewCluster) String() string {
	w := words{"docker", "swarm", "init", "--force-new-cluster"}
	if f.Node != "" {
		w.add("--advertise-addr", name(f.Node))
	}
	return w.String()
}

func (j SwarmJoin) String() string {
	w := words{"docker", "swarm", "join"}
	w.flag("token", string(j.Role))
	if j.Zone != "" {
		w.add("--zone", name(j.Zone))
	}
	if j.Name != "" {
		w.add("--name", name(j.Name))
	}
	return w.String()
}

func (e ExpectQuorum) String() string {
	if e.Holds {
		return "expect quorum holds"
	}
	return "expect quorum lost"
}

func (e ExpectLeader) String() string {
	switch {
	case e.None:
		return "expect no leader"
	case e.Zone != "":
		return "expect leader in " + name(e.Zone)
	}
	return "expect leader"
}

func (e ExpectService) String() string {
	w := words{"expect", "service", quote(e.Name), "running", strconv.Itoa(e.Running)}
	if len(e.Spread) > 0 {
		w.add("spread")
		for _, z := range e.Spread {
			w.add(quote(z.String()))
		}
	}
	return w.String()
}

func (e ExpectTaskPending) String() string {
	s := "expect task pending " + quote(e.Service)
	if e.Reason != "" {
		s += " " + quoteAlways(e.Reason)
	}
	return s
}

func (e ExpectNode) String() string {
	return "expect node " + name(e.Node) + " " + quote(string(e.State))
}

func (e ExpectError) String() string {
	s := "expect error " + quoteAlways(e.Text) + ":"
	if e.Cmd != nil {
		s += " " + e.Cmd.String()
	}
	return s
}

// updateConfig writes the --update-* or --rollback-* flags whose values are
// not Docker's defaults.
func (w *words) updateConfig(prefix string, u, d UpdateConfig) {
	if u.Parallelism != d.Parallelism {
		w.flag(prefix+"-parallelism", strconv.Itoa(u.Parallelism))
	}
	if u.Delay != d.Delay {
		w.flag(prefix+"-delay", formatDuration(u.Delay))
	}
	if u.FailureAction != d.FailureAction {
		w.flag(prefix+"-failure-action", string(u.FailureAction))
	}
	if u.Order != d.Order {
		w.flag(prefix+"-order", string(u.Order))
	}
	if u.Monitor != d.Monitor {
		w.flag(prefix+"-monitor", formatDuration(u.Monitor))
	}
	if u.MaxFailureRatio != d.MaxFailureRatio {
		w.flag(prefix+"-max-failure-ratio", formatRatio(u.MaxFailureRatio))
	}
}

// updateChange writes the --update-* or --rollback-* flags given.
func (w *words) updateChange(prefix string, u UpdateChange) {
	if u.Parallelism != nil {
		w.flag(prefix+"-parallelism", strconv.Itoa(*u.Parallelism))
	}
	if u.Delay != nil {
		w.flag(prefix+"-delay", formatDuration(*u.Delay))
	}
	if u.FailureAction != "" {
		w.flag(prefix+"-failure-action", string(u.FailureAction))
	}
	if u.Order != "" {
		w.flag(prefix+"-order", string(u.Order))
	}
	if u.Monitor != nil {
		w.flag(prefix+"-monitor", formatDuration(*u.Monitor))
	}
	if u.MaxFailureRatio != nil {
		w.flag(prefix+"-max-failure-ratio", formatRatio(*u.MaxFailureRatio))
	}
}

// formatRatio writes millionths as the fraction Docker takes: 250000 is
// 0.25.
func formatRatio(n int) string {
	s := strconv.Itoa(n / 1_000_000)
	if f := n % 1_000_000; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%06d", f), "0")
	}
	return s
}
