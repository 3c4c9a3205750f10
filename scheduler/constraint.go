package scheduler

import (
	"fmt"
	"strings"
)

// Constraint is one placement constraint as written after --constraint:
// node.labels.zone==a, node.role != manager.
//
// Keys are node.id, node.hostname, node.role, node.platform.os,
// node.platform.arch, node.labels.KEY and engine.labels.KEY. As in swarmkit,
// the key's fixed part and the value compare without regard to case, label
// names with regard to it, and a node without the label never equals a
// value and always differs from it.
type Constraint struct {
	Key   string
	Value string
	Equal bool // true for ==, false for !=
}

const (
	nodeLabelPrefix   = "node.labels."
	engineLabelPrefix = "engine.labels."

	constraintExample = "like node.labels.zone==a or node.role!=manager"
	knownKeys         = "node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.KEY or engine.labels.KEY"
	valueChars        = `letters, digits, spaces and the characters :-_.*()?+[]\^$|/`
)

// ParseConstraint reads one constraint as Docker accepts it: a key, == or
// !=, and a value, with optional spaces around the operator. It checks what
// swarmkit's parser checks (the characters of key and value) and, unlike
// swarmkit, also rejects keys no node can match, since a typo there would
// otherwise leave tasks pending forever. The fixed part of the key comes
// back in lower case; Parse(c.String()) gives c back.
func ParseConstraint(s string) (Constraint, error) {
	at, op := -1, ""
	for _, o := range [...]string{"==", "!="} {
		if i := strings.Index(s, o); i >= 0 && (at < 0 || i < at) {
			at, op = i, o
		}
	}
	if at < 0 {
		return Constraint{}, fmt.Errorf("constraint %q has no == or != between key and value; write it %s", s, constraintExample)
	}
	key := trimSpace(s[:at])
	value := trimSpace(s[at+len(op):])
	switch {
	case key == "":
		return Constraint{}, fmt.Errorf("constraint %q has no key before %s; write it %s", s, op, constraintExample)
	case value == "":
		return Constraint{}, fmt.Errorf("constraint %q has no value after %s; write it %s", s, op, constraintExample)
	}
	a, label := classify(key)
	switch {
	case a == attrUnknown:
		return Constraint{}, fmt.Errorf("constraint key %q is not one a node has; use %s, %s", key, knownKeys, constraintExample)
	case (a == attrNodeLabel || a == attrEngineLabel) && !isLabelName(label):
		return Constraint{}, fmt.Errorf("label name %q in constraint %q may only use letters, digits, '-', '_' and '.'; write it %s", label, s, constraintExample)
	}
	for i := 0; i < len(value); i++ {
		if !isValueChar(value[i]) {
			return Constraint{}, fmt.Errorf("constraint value %q may only use %s; write it %s", value, valueChars, constraintExample)
		}
	}
	return Constraint{Key: canonicalKey(a, label), Value: value, Equal: op == "=="}, nil
}

// String writes c back the way ParseConstraint reads it, without spaces
// around the operator.
func (c Constraint) String() string {
	op := "!="
	if c.Equal {
		op = "=="
	}
	return c.Key + op + c.Value
}

// Match reports whether node n satisfies c. An unknown key matches no node,
// whichever the operator, as in swarmkit.
func (c Constraint) Match(n Node) bool {
	m := compile(c)
	return m.match(&n)
}

// attr is the node attribute a constraint key names.
type attr uint8

const (
	attrUnknown attr = iota // a key no node has
	attrID
	attrHostname
	attrRole
	attrOS
	attrArch
	attrNodeLabel
	attrEngineLabel
)

// classify finds the attribute a key names, and the label name for label
// keys. The fixed part compares case-insensitively, as in swarmkit.
func classify(key string) (attr, string) {
	switch {
	case strings.EqualFold(key, "node.id"):
		return attrID, ""
	case strings.EqualFold(key, "node.hostname"):
		return attrHostname, ""
	case strings.EqualFold(key, "node.role"):
		return attrRole, ""
	case strings.EqualFold(key, "node.platform.os"):
		return attrOS, ""
	case strings.EqualFold(key, "node.platform.arch"):
		return attrArch, ""
	}
	if l, ok := cutPrefixFold(key, nodeLabelPrefix); ok && l != "" {
		return attrNodeLabel, l
	}
	if l, ok := cutPrefixFold(key, engineLabelPrefix); ok && l != "" {
		return attrEngineLabel, l
	}
	return attrUnknown, ""
}

func canonicalKey(a attr, label string) string {
	switch a {
	case attrID:
		return "node.id"
	case attrHostname:
		return "node.hostname"
	case attrRole:
		return "node.role"
	case attrOS:
		return "node.platform.os"
	case attrArch:
		return "node.platform.arch"
	case attrNodeLabel:
		return nodeLabelPrefix + label
	case attrEngineLabel:
		return engineLabelPrefix + label
	}
	return ""
}

// matcher is a Constraint with its key already classified, so that a
// service's constraints are parsed once per call, not once per node.
type matcher struct {
	attr  attr
	label string
	value string
	equal bool
}

func compile(c Constraint) matcher {
	a, label := classify(c.Key)
	return matcher{attr: a, label: label, value: c.Value, equal: c.Equal}
}

func (m *matcher) match(n *Node) bool {
	var got string
	switch m.attr {
	case attrID:
		got = n.ID
		if n.DockerID != "" {
			got = n.DockerID
		}
	case attrHostname:
		got = n.Hostname
	case attrRole:
		got = n.Role
	case attrOS:
		got = n.OS
	case attrArch:
		got = n.Arch
	case attrNodeLabel, attrEngineLabel:
		labels := n.Labels
		if m.attr == attrEngineLabel {
			labels = n.EngineLabels
		}
		v, ok := labels[m.label]
		if !ok {
			return !m.equal
		}
		got = v
	default:
		return false
	}
	return strings.EqualFold(got, m.value) == m.equal
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

// isLabelName applies swarmkit's key pattern to a label name: letters,
// digits, '-', '_' and '.'.
func isLabelName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// isValueChar is swarmkit's value pattern, ASCII only: it leaves out the
// operators (=, !, <, >, ~) so that a value can never hide a second one.
func isValueChar(c byte) bool {
	if isAlnum(c) || isSpaceChar(c) {
		return true
	}
	return strings.IndexByte(`:-_.*()?+[]\^$|/`, c) >= 0
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isSpaceChar is the space class of swarmkit's (RE2) pattern, \s.
func isSpaceChar(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// trimSpace trims exactly the spaces a value may contain, so that what
// ParseConstraint trims and what it accepts agree and String round-trips.
func trimSpace(s string) string {
	for len(s) > 0 && isSpaceChar(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpaceChar(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}
