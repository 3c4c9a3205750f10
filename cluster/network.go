package cluster

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// The network model: how long a Raft message takes from one manager to
// another.
//
// Without Config.RTT a message takes 0.2 to 1 ms inside a zone and 1 to 5 ms
// between zones, one way (round trips of about 1.2 ms and 6 ms on average).
// A round-trip time given for a pair of zones replaces that pair's default:
// each message then takes half of it, give or take a tenth of that half,
// drawn from the network's seeded stream. Only integers are involved, so
// the same seed gives the same delays on every architecture.

// RTT limits: a round trip must take some time, and one longer than a Raft
// tick (a second) is not a link between availability zones.
const (
	MinRTT = time.Microsecond
	MaxRTT = time.Second
)

// RTT gives the round-trip times between pairs of zones; a pair of the same
// zone twice ("a-a") is the round trip inside that zone. Keys are zone
// names with the smaller name first (see Pair); pairs not given keep the
// default delays.
type RTT map[[2]string]time.Duration

// Pair is the key of the link between zones a and b, whichever order they
// are named in.
func Pair(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

// Of is the round trip between zones a and b, and whether it was given,
// under either order of the names.
func (r RTT) Of(a, b string) (time.Duration, bool) {
	if d, ok := r[[2]string{a, b}]; ok {
		return d, true
	}
	d, ok := r[[2]string{b, a}]
	return d, ok
}

// Pairs lists the pairs given, sorted, so that anything printed from an RTT
// does not depend on map order.
func (r RTT) Pairs() [][2]string {
	return slices.SortedFunc(maps.Keys(r), func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
}

// String writes the RTT the way ParseRTT reads it, pairs sorted:
// "a-b=40ms,a-c=40ms,b-c=12ms".
func (r RTT) String() string {
	parts := make([]string, 0, len(r))
	for _, p := range r.Pairs() {
		parts = append(parts, p[0]+"-"+p[1]+"="+r[p].String())
	}
	return strings.Join(parts, ",")
}

// Within is the part of r between zones among zones: what applies to a
// swarm with only those zones.
func (r RTT) Within(zones []string) RTT {
	out := RTT{}
	for p, d := range r {
		if slices.Contains(zones, p[0]) && slices.Contains(zones, p[1]) {
			out[p] = d
		}
	}
	return out
}

// Check says whether every pair names zones among zones and every round
// trip is within MinRTT and MaxRTT. The error is one sentence.
func (r RTT) Check(zones []string) error {
	for _, p := range r.Pairs() {
		for _, z := range p {
			if !slices.Contains(zones, z) {
				return fmt.Errorf("a round trip is given for zone %s, which the swarm does not have; the zones are %s", z, strings.Join(zones, ", "))
			}
		}
		if d := r[p]; d < MinRTT || d > MaxRTT {
			return fmt.Errorf("the round trip %s-%s is %s; give one from %s to %s", p[0], p[1], d, MinRTT, MaxRTT)
		}
		if _, twice := r[[2]string{p[1], p[0]}]; twice && p[0] != p[1] {
			return fmt.Errorf("the round trip between %s and %s is given twice; give each pair once", p[0], p[1])
		}
	}
	return nil
}

const rttExample = "like a-b=40ms,a-c=40ms,b-c=12ms"

// ParseRTT reads round-trip times between zones, "a-b=40ms,a-c=40ms,b-c=12ms":
// pairs of zone names joined by "-", each with a duration Go can read, the
// pairs separated by commas. Zone names may hold dashes themselves
// ("eu-west-1a-eu-west-1b=2ms"): a pair is read at the one dash that leaves
// a zone of zones on either side. Every error is one sentence saying what
// is wrong and how to write it, without naming a flag.
func ParseRTT(s string, zones []string) (RTT, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("no round trips are given; write pairs of zones with a round-trip time, " + rttExample)
	}
	out := RTT{}
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("%q has an empty pair; separate pairs with single commas, %s", s, rttExample)
		}
		pair, dur, ok := strings.Cut(item, "=")
		if !ok {
			return nil, fmt.Errorf("%q has no round-trip time; write the zones, \"=\" and a time, %s", item, rttExample)
		}
		a, b, err := splitPair(strings.TrimSpace(pair), zones)
		if err != nil {
			return nil, err
		}
		dur = strings.TrimSpace(dur)
		d, err := time.ParseDuration(dur)
		if err != nil {
			return nil, fmt.Errorf("%q is not a round-trip time; write a duration with its unit, like 40ms or 500us, %s", dur, rttExample)
		}
		if d < MinRTT || d > MaxRTT {
			return nil, fmt.Errorf("the round trip %s-%s is %s; give one from %s to %s, %s", a, b, dur, MinRTT, MaxRTT, rttExample)
		}
		key := Pair(a, b)
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("the round trip between %s and %s is given twice; give each pair once, %s", key[0], key[1], rttExample)
		}
		out[key] = d
	}
	return out, nil
}

// splitPair reads "a-b" as two of zones.
func splitPair(pair string, zones []string) (string, string, error) {
	var found [][2]string
	for i := 0; i < len(pair); i++ {
		if pair[i] == '-' && slices.Contains(zones, pair[:i]) && slices.Contains(zones, pair[i+1:]) {
			found = append(found, [2]string{pair[:i], pair[i+1:]})
		}
	}
	switch {
	case len(found) == 1:
		return found[0][0], found[0][1], nil
	case len(found) > 1:
		return "", "", fmt.Errorf("%q can be read as %s and %s or as %s and %s; the zone names leave it ambiguous", pair, found[0][0], found[0][1], found[1][0], found[1][1])
	case !strings.Contains(pair, "-"):
		return "", "", fmt.Errorf("%q is not a pair of zones; join two zone names with \"-\", %s", pair, rttExample)
	}
	return "", "", fmt.Errorf("%q does not name two zones: the zones are %s; write pairs of them %s", pair, strings.Join(zones, ", "), rttExample)
}

// delay draws how long a message takes one way from zone a to zone b.
func (c *network) delay(a, b int) time.Duration {
	if c.rtt != nil {
		if rtt := c.rtt[a][b]; rtt > 0 {
			half := rtt / 2
			spread := half / 10
			return half - spread + time.Duration(c.netRand.Int64N(int64(2*spread)+1))
		}
	}
	if a == b {
		return intraZoneMin + time.Duration(c.netRand.Int64N(int64(intraZoneMax-intraZoneMin)))
	}
	return crossZoneMin + time.Duration(c.netRand.Int64N(int64(crossZoneMax-crossZoneMin)))
}

// setRTT turns Config.RTT into a table by zone index.
func (c *network) setRTT(r RTT) error {
	if len(r) == 0 {
		return nil
	}
	if err := r.Check(c.zones); err != nil {
		return err
	}
	c.rtt = make([][]time.Duration, len(c.zones))
	for i, a := range c.zones {
		c.rtt[i] = make([]time.Duration, len(c.zones))
		for j, b := range c.zones {
			c.rtt[i][j], _ = r.Of(a, b)
		}
	}
	return nil
}
