package drill

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/scheduler"
)

// MaxCount bounds every count a drill can ask for (replicas, workers,
// attempts, …). It is far above what the simulator is benchmarked at, and
// exists so that a typo like --replicas 10000000000 is an error on its line
// instead of a run that never ends.
const MaxCount = 1_000_000

// value is a word being read as a typed value, with what its error messages
// need: the name of what it is for and a complete, correct example.
type value struct {
	text string
	col  int
	what string // "--replicas", "managers", "wait"
	like string // "--replicas 6", "managers=5"

	quoted bool // written as a quoted string: a name in it may be any name
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// count reads a whole number from min up to MaxCount. Only digits: strconv
// would also take "+5", which Format could not give back as written.
func (v value) count(min int) (int, *Error) {
	if !isDigits(v.text) {
		return 0, errAt(v.col, "%s needs a whole number, like %s", v.what, v.like)
	}
	n, err := strconv.Atoi(v.text)
	if err != nil || n > MaxCount {
		return 0, errAt(v.col, "%s can be at most %d, like %s", v.what, MaxCount, v.like)
	}
	if n < min {
		return 0, errAt(v.col, "%s needs at least %d, like %s", v.what, min, v.like)
	}
	return n, nil
}

// duration reads Go's duration syntax (500ms, 30s, 1h30m), never negative,
// and above zero when positive is set.
func (v value) duration(positive bool) (time.Duration, *Error) {
	// "30" is the likeliest mistake; say so instead of quoting Go's error.
	if isDigits(v.text) && strings.Trim(v.text, "0") != "" {
		return 0, errAt(v.col, "%s needs a unit after %s, like %s", v.what, v.text, v.like)
	}
	d, err := time.ParseDuration(v.text)
	switch {
	case err != nil:
		return 0, errAt(v.col, "%s needs a duration such as 500ms, 30s, 2m or 1h30m, like %s", v.what, v.like)
	case d < 0:
		return 0, errAt(v.col, "%s cannot be negative, like %s", v.what, v.like)
	case positive && d == 0:
		return 0, errAt(v.col, "%s needs a duration above 0, like %s", v.what, v.like)
	}
	return d, nil
}

// cpu reads a decimal count of CPUs into nano-CPUs, exactly, as Docker's
// NanoCPUs does: 0.5 is 500000000. More than nine decimals cannot be
// represented, and Docker refuses them too.
func (v value) cpu() (int64, *Error) {
	whole, frac, dot := strings.Cut(v.text, ".")
	if whole == "" && frac == "" || whole != "" && !isDigits(whole) || dot && frac != "" && !isDigits(frac) {
		return 0, errAt(v.col, "%s needs a number of CPUs, like %s", v.what, v.like)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 9 {
		return 0, errAt(v.col, "%s has more than 9 decimal places, finer than Docker counts CPUs; write fewer, like %s", v.what, v.like)
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
	}
	var w int64
	if whole != "" {
		var err error
		if w, err = strconv.ParseInt(whole, 10, 64); err != nil {
			w = math.MaxInt64
		}
	}
	if w > (math.MaxInt64-f)/1e9 {
		return 0, errAt(v.col, "%s is more CPUs than can be counted; write a smaller number, like %s", v.what, v.like)
	}
	return w*1e9 + f, nil
}

// ratio reads --update-max-failure-ratio, a fraction from 0 to 1, into
// whole millionths (0.25 is 250000), exactly: the decision it feeds must
// not depend on how a machine rounds floats.
func (v value) ratio() (int64, *Error) {
	whole, frac, dot := strings.Cut(v.text, ".")
	if whole == "" && frac == "" || whole != "" && !isDigits(whole) || dot && frac != "" && !isDigits(frac) {
		return 0, errAt(v.col, "%s needs a fraction from 0 to 1, like %s", v.what, v.like)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 6 {
		return 0, errAt(v.col, "%s has more than 6 decimal places; write fewer, like %s", v.what, v.like)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 1 || whole == "1" && frac != "" {
		// Docker's daemon: "update-maxfailureratio cannot be less than 0
		// or bigger than 1".
		return 0, errAt(v.col, "%s cannot be bigger than 1; write a fraction of the tasks, like %s", v.what, v.like)
	}
	var n int64
	if frac != "" {
		n, _ = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
	}
	if whole == "1" {
		n = 1_000_000
	}
	return n, nil
}

// memUnits are Docker's memory units, which are powers of 1024 whatever
// the letter's case.
var memUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30,
}

// memory reads a size the way Docker's --reserve-memory does: a number,
// possibly with a fraction, and a unit; 512M is 536870912 bytes. A
// fraction of a byte is dropped, as Docker drops it.
func (v value) memory() (int64, *Error) {
	s := strings.ToLower(v.text)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, unit := s[:i], s[i:]
	mult, okUnit := memUnits[unit]
	whole, frac, dot := strings.Cut(num, ".")
	if !okUnit || !isDigits(whole) || dot && !isDigits(frac) {
		return 0, errAt(v.col, "%s needs a size in bytes, optionally with a unit b, k, m or g (each 1024 times the last), like %s", v.what, v.like)
	}
	// Nine digits of fraction resolve a byte even in gigabytes, and keep
	// fraction × unit inside int64.
	if len(frac) > 9 {
		frac = frac[:9]
	}
	var fb int64
	if frac != "" {
		f, _ := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		fb = f * mult / 1e9
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > (math.MaxInt64-fb)/mult {
		return 0, errAt(v.col, "%s is more memory than can be counted; write a smaller size, like %s", v.what, v.like)
	}
	return w*mult + fb, nil
}

// enum reads one of a fixed set of words.
func (v value) enum(options []string) (string, *Error) {
	if slices.Contains(options, v.text) {
		return v.text, nil
	}
	if s := prose.Suggest(v.text, options); s != "" {
		return "", errAt(v.col, "%s must be %s; did you mean %s?", v.what, prose.OrList(options), s)
	}
	return "", errAt(v.col, "%s must be %s, like %s", v.what, prose.OrList(options), v.like)
}

// constraint reads a --constraint with the scheduler's own parser, so a
// drill accepts exactly the constraints the simulation can place, and a
// mistake is reported on its line instead of when the step runs.
func (v value) constraint() (Constraint, *Error) {
	c, err := scheduler.ParseConstraint(v.text)
	if err != nil {
		return Constraint{}, errAt(v.col, "%s: %s", v.what, err.Error())
	}
	return Constraint(c), nil
}

// pref reads a --placement-pref with the scheduler's parser, for the same
// reason as constraint.
func (v value) pref() (PlacementPref, *Error) {
	d, err := scheduler.ParseSpread(v.text)
	if err != nil {
		return PlacementPref{}, errAt(v.col, "%s: %s", v.what, err.Error())
	}
	return PlacementPref{Spread: d}, nil
}

// port reads Docker's two spellings of a published port: the long form
// published=8080,target=80,mode=host,protocol=udp and the short form
// [published:]target[/protocol].
func (v value) port() (Port, *Error) {
	p := Port{Protocol: TCP, Mode: PortIngress}
	if !strings.Contains(v.text, "=") {
		rest, proto, hasProto := strings.Cut(v.text, "/")
		if hasProto {
			pv := value{text: proto, col: v.col, what: "the protocol after / in " + v.what, like: "-p 53:53/udp"}
			s, err := pv.enum([]string{"tcp", "udp", "sctp"})
			if err != nil {
				return Port{}, err
			}
			p.Protocol = Protocol(s)
		}
		parts := strings.Split(rest, ":")
		ok := len(parts) <= 2
		for i := 0; ok && i < len(parts); i++ {
			ok = portNumber(parts[i]) > 0
		}
		if !ok {
			return Port{}, errAt(v.col, "%s needs ports from 1 to 65535, written published:target or published=N,target=N, like %s", v.what, v.like)
		}
		p.Target = portNumber(parts[len(parts)-1])
		if len(parts) == 2 {
			p.Published = portNumber(parts[0])
		}
		return p, nil
	}
	keys := []string{"published", "target", "protocol", "mode"}
	seen := map[string]bool{}
	for _, field := range strings.Split(v.text, ",") {
		k, val, ok := strings.Cut(field, "=")
		if !ok {
			return Port{}, errAt(v.col, "%s settings are written key=value and separated by commas, like %s", v.what, v.like)
		}
		if !slices.Contains(keys, k) {
			if s := prose.Suggest(k, keys); s != "" {
				return Port{}, errAt(v.col, "%s has no setting %q; did you mean %s?", v.what, k, s)
			}
			return Port{}, errAt(v.col, "%s has no setting %q; its settings are %s, like %s", v.what, k, prose.AndList(keys), v.like)
		}
		if seen[k] {
			return Port{}, errAt(v.col, "%s sets %s twice; set it once", v.what, k)
		}
		seen[k] = true
		sub := value{text: val, col: v.col, what: v.what + " " + k, like: v.like}
		switch k {
		case "published", "target":
			n := portNumber(val)
			if n == 0 {
				return Port{}, errAt(v.col, "%s= needs a port from 1 to 65535, like %s", k, v.like)
			}
			if k == "published" {
				p.Published = n
			} else {
				p.Target = n
			}
		case "protocol":
			s, err := sub.enum([]string{"tcp", "udp", "sctp"})
			if err != nil {
				return Port{}, err
			}
			p.Protocol = Protocol(s)
		case "mode":
			s, err := sub.enum([]string{"ingress", "host"})
			if err != nil {
				return Port{}, err
			}
			p.Mode = PortMode(s)
		}
	}
	if !seen["target"] {
		return Port{}, errAt(v.col, "%s needs target=, the container's port, like %s", v.what, v.like)
	}
	return p, nil
}

// portNumber is the port s names, or 0 when it names none.
func portNumber(s string) int {
	if !isDigits(s) || len(s) > 5 {
		return 0
	}
	n, _ := strconv.Atoi(s)
	if n < 1 || n > 65535 {
		return 0
	}
	return n
}

// label reads KEY=VALUE, or KEY alone for an empty value, as Docker does.
func (v value) label() (Label, *Error) {
	k, val, _ := strings.Cut(v.text, "=")
	if k == "" {
		return Label{}, errAt(v.col, "%s needs KEY=VALUE, like %s", v.what, v.like)
	}
	return Label{Key: k, Value: val}, nil
}

func (v value) labelKey() (string, *Error) {
	if v.text == "" || strings.Contains(v.text, "=") {
		return "", errAt(v.col, "%s takes a label key alone, like %s", v.what, v.like)
	}
	return v.text, nil
}

// image accepts the characters of a Docker image reference. It does not
// check the reference's grammar: runners may give images a meaning of
// their own, like fail:nginx:2 for an image whose tasks fail.
func (v value) image() (string, *Error) {
	ok := v.text != "" && len(v.text) <= 255 && isAlnum(v.text[0])
	for i := 0; ok && i < len(v.text); i++ {
		c := v.text[i]
		ok = isAlnum(c) || strings.IndexByte("._/:@-", c) >= 0
	}
	if !ok {
		return "", errAt(v.col, "%q is not an image name; write one like nginx or nginx:1.25", v.text)
	}
	return v.text, nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// serviceName applies Docker's rule for service names (swarmkit's
// isValidDNSName). "_" is allowed inside a name because a stack's services
// are named STACK_SERVICE.
func (v value) serviceName() (string, *Error) {
	s := v.text
	ok := s != "" && len(s) <= 63 && isAlnum(s[0]) && isAlnum(s[len(s)-1])
	for i := 0; ok && i < len(s); i++ {
		ok = isAlnum(s[i]) || s[i] == '-' || s[i] == '_'
	}
	if !ok {
		return "", errAt(v.col, `%q is not a service name; use letters, digits, "-" and "_" (not first or last), up to 63 characters, like web`, s)
	}
	return s, nil
}

// reservedNodeNames are words that mean something where node names go
// (kill leader, kill az a); a node with one of these names could not be
// told apart from them.
var reservedNodeNames = []string{"leader", "az"}

// nodeName requires a letter first so that a node can never be mistaken
// for a count (kill 2 managers).
//
// A node named outside that shape (imported from a swarm whose hostnames
// have spaces, quotes or stranger bytes) is written as a quoted string,
// like kill "web 1": quoted, any name but the empty one and the keywords
// is a name. Format writes such names quoted, so they read back.
func (v value) nodeName() (string, *Error) {
	if slices.Contains(reservedNodeNames, v.text) {
		return "", errAt(v.col, "%q is a keyword, so it cannot name a node; name nodes like m1 or w3", v.text)
	}
	if v.quoted && v.text != "" {
		return v.text, nil
	}
	if !isName(v.text) {
		return "", errAt(v.col, `%q is not a node name; write a letter, then letters, digits, "-", "_" or ".", like m1 or w3`, v.text)
	}
	return v.text, nil
}

func (v value) zoneName() (string, *Error) {
	if v.quoted && v.text != "" {
		return v.text, nil // as with node names
	}
	if !isName(v.text) {
		return "", errAt(v.col, `%q is not a zone name; write a letter, then letters, digits, "-", "_" or ".", like a`, v.text)
	}
	return v.text, nil
}

// isName is the shape of node and zone names: a letter, then letters,
// digits, '-', '_' or '.', at most 63 characters like a hostname label.
func isName(s string) bool {
	if s == "" || len(s) > 63 || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.' {
			return false
		}
	}
	return true
}
