package cli

import (
	"strings"
	"testing"
)

func TestRunbookCommand(t *testing.T) {
	out, stderr, code := runArgs(t, "runbook", root+"/examples/zone-loss-5.drill")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{
		"#!/usr/bin/env bash\n",
		"\ndocker service create --name web --replicas 6 --placement-pref spread=node.labels.zone nginx\n",
		"manual 12 'kill az a: every node of zone a'",
		"expect 16 \"$CHECK_WITHIN\" 'service web running 6 spread a=0 b=3 c=3' service_running web 6 a=0 b=3 c=3\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the runbook lacks %q", want)
		}
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"runbook"}, "name one drill file, like: swarmsim runbook examples/zone-loss-5.drill"},
		{"two files", []string{"runbook", "a.drill", "b.drill"}, "name one drill file"},
		{"missing file", []string{"runbook", "no-such.drill"}, "cannot read drill no-such.drill"},
		{"unknown flag", []string{"runbook", "--fast", "x.drill"}, "unknown flag: --fast; run swarmsim runbook --help"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := runArgs(t, tc.args...)
			if code != exitBadInput || out != "" || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and one line with %q", code, out, stderr, tc.want)
			}
		})
	}

	path := writeDrill(t, "cluster managers=3\nkill az\n")
	_, stderr, code = runArgs(t, "runbook", path)
	if code != exitBadInput || !strings.Contains(stderr, "test.drill:2:") || !strings.Contains(stderr, "^") {
		t.Errorf("a syntax error: exit %d, stderr %q; want file:line:column and a caret", code, stderr)
	}
	help, _, code := runArgs(t, "help", "runbook")
	if code != exitOK || !strings.Contains(help, "swarmsim runbook FILE.drill > runbook.sh") {
		t.Errorf("help runbook: exit %d\n%s", code, help)
	}
}
