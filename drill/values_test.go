package drill

import (
	"math"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/scheduler"
)

func TestCPU(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"0.5", 5e8, true},
		{".5", 5e8, true},
		{"1.", 1e9, true},
		{"2", 2e9, true},
		{"0.000000001", 1, true},
		{"1.250000000000", 125e7, true},
		{"9223372036.854775807", math.MaxInt64, true},
		{"9223372036.854775808", 0, false},
		{"99999999999999999999", 0, false},
		{"0.0000000001", 0, false},
		{".", 0, false},
		{"", 0, false},
		{"-1", 0, false},
		{"1.2.3", 0, false},
		{"1e3", 0, false},
		{"+1", 0, false},
	}
	for _, c := range cases {
		got, err := value{text: c.in, what: "--reserve-cpu"}.cpu()
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("cpu(%q) = %d, %v; want %d, ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestMemory(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1024", 1024, true},
		{"1b", 1, true},
		{"1k", 1 << 10, true},
		{"1KB", 1 << 10, true},
		{"512M", 512 << 20, true},
		{"512mb", 512 << 20, true},
		{"2g", 2 << 30, true},
		{"2GB", 2 << 30, true},
		{"1.5g", 3 << 29, true},
		{"1.5", 1, true},
		{"1.0000000001g", 1 << 30, true},
		{"8589934591g", 8589934591 << 30, true},
		{"8589934592g", 0, false},
		{"9223372036854775807", math.MaxInt64, true},
		{"9223372036854775808", 0, false},
		{"512x", 0, false},
		{"512 m", 0, false},
		{"m", 0, false},
		{".5g", 0, false},
		{"1.g", 0, false},
		{"-1m", 0, false},
		{"512MiB", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		got, err := value{text: c.in, what: "--reserve-memory"}.memory()
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("memory(%q) = %d, %v; want %d, ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestDuration(t *testing.T) {
	cases := []struct {
		in       string
		positive bool
		want     time.Duration
		ok       bool
	}{
		{"30s", true, 30 * time.Second, true},
		{"0", false, 0, true},
		{"0s", false, 0, true},
		{"0", true, 0, false},
		{"00", false, 0, false},
		{"30", false, 0, false},
		{"1h2m3.5s", true, time.Hour + 2*time.Minute + 3500*time.Millisecond, true},
		{"-1s", false, 0, false},
		{"1d", true, 0, false},
		{"", true, 0, false},
	}
	for _, c := range cases {
		got, err := value{text: c.in, what: "wait"}.duration(c.positive)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("duration(%q, %v) = %v, %v; want %v, ok=%v", c.in, c.positive, got, err, c.want, c.ok)
		}
	}
}

func TestCounts(t *testing.T) {
	cases := []struct {
		in   string
		min  int
		want int
		ok   bool
	}{
		{"0", 0, 0, true},
		{"007", 0, 7, true},
		{"1000000", 0, MaxCount, true},
		{"1000001", 0, 0, false},
		{"99999999999999999999999", 0, 0, false},
		{"0", 1, 0, false},
		{"+5", 0, 0, false},
		{"-5", 0, 0, false},
		{"5.0", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, c := range cases {
		got, err := value{text: c.in, what: "--replicas"}.count(c.min)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("count(%q, %d) = %d, %v; want %d, ok=%v", c.in, c.min, got, err, c.want, c.ok)
		}
	}
}

func TestNames(t *testing.T) {
	cases := []struct {
		in                  string
		service, node, zone bool
	}{
		{"web", true, true, true},
		{"web-1", true, true, true},
		{"1web", true, false, false},
		{"w3.example_x", false, true, true},
		{"-web", false, false, false},
		{"web-", false, true, true},
		{"shop_web", true, true, true},
		{"shop_", false, true, true},
		{"leader", true, false, true},
		{"az", true, false, true},
		{"", false, false, false},
		{"a b", false, false, false},
		{"é", false, false, false},
		{"a123456789012345678901234567890123456789012345678901234567890123", false, false, false},
		{"a12345678901234567890123456789012345678901234567890123456789012", true, true, true},
	}
	for _, c := range cases {
		v := value{text: c.in}
		if _, err := v.serviceName(); (err == nil) != c.service {
			t.Errorf("serviceName(%q) err = %v, want ok=%v", c.in, err, c.service)
		}
		if _, err := v.nodeName(); (err == nil) != c.node {
			t.Errorf("nodeName(%q) err = %v, want ok=%v", c.in, err, c.node)
		}
		if _, err := v.zoneName(); (err == nil) != c.zone {
			t.Errorf("zoneName(%q) err = %v, want ok=%v", c.in, err, c.zone)
		}
	}
}

func TestFormatValues(t *testing.T) {
	durations := map[time.Duration]string{
		0: "0s", time.Second: "1s", 90 * time.Second: "1m30s", time.Hour: "1h",
		time.Hour + time.Second: "1h1s", 1500 * time.Millisecond: "1.5s", time.Millisecond: "1ms",
		25 * time.Hour: "25h",
	}
	for d, want := range durations {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
	cpus := map[int64]string{0: "0", 5e8: "0.5", 1e9: "1", 1: "0.000000001", 125e7: "1.25", math.MaxInt64: "9223372036.854775807"}
	for n, want := range cpus {
		if got := formatCPU(n); got != want {
			t.Errorf("formatCPU(%d) = %q, want %q", n, got, want)
		}
	}
	mems := map[int64]string{0: "0", 1: "1", 1023: "1023", 1024: "1K", 1536 << 10: "1536K", 512 << 20: "512M", 3 << 29: "1536M", 1 << 30: "1G", math.MaxInt64: "9223372036854775807"}
	for n, want := range mems {
		if got := formatMemory(n); got != want {
			t.Errorf("formatMemory(%d) = %q, want %q", n, got, want)
		}
	}
	quotes := map[string]string{
		"web": "web", "": `""`, "a b": `"a b"`, "a#b": `"a#b"`, `a"b`: `"a\"b"`, `a\b`: `"a\\b"`,
		"-x": `"-x"`, "a\tb": "\"a\tb\"", "é": "é", "x-": "x-",
	}
	for s, want := range quotes {
		if got := quote(s); got != want {
			t.Errorf("quote(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestConstraintMatchesScheduler pins the promise on Constraint: the
// runner converts it to scheduler.Constraint, and both parsers agree.
func TestConstraintMatchesScheduler(t *testing.T) {
	for _, s := range []string{"node.labels.zone==a", "NODE.ROLE != manager", "engine.labels.os==linux", "node.hostname==m1"} {
		c, err := value{text: s, what: "--constraint"}.constraint()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		want, serr := scheduler.ParseConstraint(s)
		if serr != nil {
			t.Fatalf("scheduler rejects %q: %v", s, serr)
		}
		if got := scheduler.Constraint(c); got != want {
			t.Errorf("%q: drill gives %+v, scheduler %+v", s, got, want)
		}
		if c.String() != want.String() {
			t.Errorf("%q: drill writes %q, scheduler %q", s, c.String(), want.String())
		}
	}
}
