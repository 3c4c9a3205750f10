package cluster

import (
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

func TestParseRTT(t *testing.T) {
	abc := []string{"a", "b", "c"}
	for _, tc := range []struct {
		in    string
		zones []string
		want  string // RTT.String(), or the error's distinctive part
		ok    bool
	}{
		{"a-b=40ms,a-c=40ms,b-c=12ms", abc, "a-b=40ms,a-c=40ms,b-c=12ms", true},
		{"c-a=40ms, b-a=1.5ms", abc, "a-b=1.5ms,a-c=40ms", true},
		{"a-a=500us", abc, "a-a=500µs", true},
		{"eu-west-1a-eu-west-1b=2ms", []string{"eu-west-1a", "eu-west-1b"}, "eu-west-1a-eu-west-1b=2ms", true},
		{"", abc, "no round trips are given", false},
		{"a-b=40ms,", abc, "has an empty pair", false},
		{"a-b", abc, `"a-b" has no round-trip time`, false},
		{"ab=40ms", abc, `"ab" is not a pair of zones`, false},
		{"a-d=40ms", abc, `"a-d" does not name two zones: the zones are a, b, c; write pairs of them like a-b=40ms`, false},
		{"a-b=40", abc, `"40" is not a round-trip time; write a duration with its unit`, false},
		{"a-b=0s", abc, "the round trip a-b is 0s; give one from 1µs to 1s", false},
		{"a-b=-5ms", abc, "give one from 1µs to 1s", false},
		{"a-b=2s", abc, "the round trip a-b is 2s", false},
		{"a-b=4ms,b-a=5ms", abc, "the round trip between a and b is given twice", false},
		{"a-b-c=4ms", []string{"a", "b", "c", "a-b", "b-c"}, "can be read as a and b-c or as a-b and c", false},
	} {
		r, err := ParseRTT(tc.in, tc.zones)
		switch {
		case tc.ok && err != nil:
			t.Errorf("ParseRTT(%q): %v", tc.in, err)
		case tc.ok && r.String() != tc.want:
			t.Errorf("ParseRTT(%q) = %s, want %s", tc.in, r, tc.want)
		case !tc.ok && err == nil:
			t.Errorf("ParseRTT(%q) = %s, want an error", tc.in, r)
		case !tc.ok && !strings.Contains(err.Error(), tc.want):
			t.Errorf("ParseRTT(%q) error %q lacks %q", tc.in, err, tc.want)
		}
	}
}

// FuzzParseRTT: any text gives an RTT that New accepts, or a one-line error.
func FuzzParseRTT(f *testing.F) {
	for _, s := range []string{"a-b=40ms,a-c=40ms,b-c=12ms", "a-a=1us", "a-b=", "=,", "a--b=1ms", "a-b=1e3ms", "a-b=9223372036854775807ns"} {
		f.Add(s)
	}
	l := az.Even(3, 3)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRTT(s, l.Names())
		if err != nil {
			if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") {
				t.Errorf("ParseRTT(%q): error is not one line: %q", s, msg)
			}
			return
		}
		if err := r.Check(l.Names()); err != nil {
			t.Errorf("ParseRTT(%q) = %s, which Check refuses: %v", s, r, err)
		}
		again, err := ParseRTT(r.String(), l.Names())
		if err != nil || again.String() != r.String() {
			t.Errorf("ParseRTT(%q) = %s, which does not read back: %s, %v", s, r, again, err)
		}
	})
}

func TestRTTWithin(t *testing.T) {
	r, err := ParseRTT("a-b=40ms,a-c=40ms,b-c=12ms,c-c=1ms", []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Within([]string{"a", "b"}).String(); got != "a-b=40ms" {
		t.Errorf("Within(a, b) = %s, want a-b=40ms", got)
	}
	if got := r.Within([]string{"c"}).String(); got != "c-c=1ms" {
		t.Errorf("Within(c) = %s, want c-c=1ms", got)
	}
}

// An RTT built by hand may name a pair in either order.
func TestRTTOfEitherOrder(t *testing.T) {
	r := RTT{{"b", "a"}: 7 * time.Millisecond}
	for _, p := range [][2]string{{"a", "b"}, {"b", "a"}} {
		if d, ok := r.Of(p[0], p[1]); !ok || d != 7*time.Millisecond {
			t.Errorf("Of(%s, %s) = %v, %v", p[0], p[1], d, ok)
		}
	}
	c, err := New(Config{Layout: az.Even(2, 2), RTT: r})
	if err != nil || c.rtt[0][1] != 7*time.Millisecond || c.rtt[1][0] != 7*time.Millisecond {
		t.Errorf("New with b-a given: %v, table %v", err, c.rtt)
	}
}

func TestNewRefusesABadNetwork(t *testing.T) {
	l := az.Even(3, 3)
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Layout: l, RTT: RTT{Pair("a", "d"): time.Millisecond}}, "zone d, which the swarm does not have"},
		{Config{Layout: l, RTT: RTT{Pair("a", "b"): 0}}, "the round trip a-b is 0s"},
		{Config{Layout: l, Init: "m9"}, "m9 cannot run docker swarm init"},
		{Config{Layout: l, RTT: RTT{{"a", "b"}: time.Millisecond, {"b", "a"}: 2 * time.Millisecond}}, "between a and b is given twice"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error with %q", tc.cfg, err, tc.want)
		}
	}
}

func TestInitChoosesTheFirstLeader(t *testing.T) {
	for _, init := range []string{"m1", "m3", "m5"} {
		c, err := New(Config{Seed: 4, Layout: az.Even(5, 3), Init: init})
		if err != nil {
			t.Fatal(err)
		}
		mustRun(t, c, time.Second)
		if c.leader != init {
			t.Errorf("Init %s: %q leads", init, c.leader)
		}
	}
}

// A round trip given for a pair sets the delay of every message between
// them to half of it, give or take a tenth of that half: two managers in
// zones 40 ms apart commit in 36 to 44 ms, whichever leads.
func TestRTTSetsTheDelay(t *testing.T) {
	l := az.Even(2, 2)
	for _, init := range []string{"m1", "m2"} {
		c, err := New(Config{Seed: 2, Layout: l, RTT: RTT{Pair("a", "b"): 40 * time.Millisecond}, Init: init})
		if err != nil {
			t.Fatal(err)
		}
		mustRun(t, c, 10*time.Second)
		got, err := c.MeasureCommits(50)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := got.Latencies[0], got.Latencies[0]
		for _, d := range got.Latencies {
			lo, hi = min(lo, d), max(hi, d)
		}
		if lo < 36*time.Millisecond || hi > 44*time.Millisecond || hi-lo < time.Millisecond {
			t.Errorf("leader %s: commits took %v to %v, want 36–44 ms with some jitter", init, lo, hi)
		}
	}
}
