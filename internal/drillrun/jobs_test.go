package drillrun

import (
	"strings"
	"testing"
)

// A job's completions, docker service update of its counts, and a slot's
// history, held and failed with what was seen.
func TestJobAndHistoryExpectations(t *testing.T) {
	r := &Runner{File: "t.drill"}
	var got []string
	for _, s := range steps(t, `cluster managers=1 workers=1 seed=1
docker service create --name batch --mode replicated-job --replicas 3 --max-concurrent 1 done
wait 20s
expect service batch completed 3
expect service batch completed 2
expect history batch.1 complete
docker service update --replicas 4 --max-concurrent 4 batch
wait 10s
expect service batch completed 4
expect history batch.1 complete complete
docker service create --name web nginx
expect service web completed 0
expect history web.2 running
docker service update --max-concurrent 2 web
`) {
		res, err := r.Step(s)
		if err != nil {
			t.Fatal(err)
		}
		if res.Kind != 0 || res.Detail != "" {
			got = append(got, [...]string{"ran", "held", "failed"}[res.Kind]+": "+res.Detail)
		}
	}
	want := []string{
		"held: batch: 3/3 completed, 0 running",
		"failed: expected batch completed 2, saw 3/3 completed, 0 running",
		"held: batch.1: complete",
		"held: batch: 4/4 completed, 0 running",
		"held: batch.1: complete complete",
		"failed: expected web to complete 0 tasks, but it is a replicated service, whose tasks are not meant to complete",
		"failed: expected the history of web.2, but docker service ps lists no such task",
		"failed: the command failed: service web: max-concurrent can only be used with replicated-job mode",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
