package main

import (
	"io"
	"strings"
	"testing"
)

// FuzzParseOptions feeds the headline flag parser arbitrary command lines:
// it must answer with options or a one-line error, never a panic.
func FuzzParseOptions(f *testing.F) {
	for _, seed := range []string{
		"--managers 5 --az 2-2-1 --kill 2",
		"--managers 5 --az 2-2 ",
		"--kill m1,m3 --workers 4",
		"--kill-az b --partition a|b,c --for 90s --seed 7 --output json",
		"--service web=6 --global agent --no-color --check",
		"--managers x", "--kill -1", "--az 1--1", "--partition |", "--for 0s", "--seed 99999999999999999999",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		o, err := parseOptions(strings.Fields(line), io.Discard, func(string) string { return "" })
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || msg == "" {
				t.Errorf("error is not one line: %q", msg)
			}
			return
		}
		if o.layout.Managers() != o.managers || o.managers < 1 {
			t.Errorf("accepted %q with layout %s for %d managers", line, o.layout, o.managers)
		}
		if o.killCount > o.managers {
			t.Errorf("accepted killing %d of %d managers", o.killCount, o.managers)
		}
	})
}
