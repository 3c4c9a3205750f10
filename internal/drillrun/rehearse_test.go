package drillrun

import (
	"strings"
	"testing"
)

// Autolock and backup steps: what Docker prints comes back as Shown, a
// locked manager is what expect node … locked checks, and refusals are the
// command's error.
func TestRehearsalSteps(t *testing.T) {
	r := &Runner{File: "t.drill", Check: true}
	var got []string
	var shown []*Shown
	for _, s := range steps(t, `cluster managers=3 az=1-1-1 seed=2 autolock=true
docker swarm update --autolock=true
docker swarm unlock-key -q
expect node m2 locked
kill m2
expect node m2 locked
restart m2
expect node m2 locked
docker swarm unlock m1
docker swarm unlock m2
backup m1 as b
wait until leader within 30s
docker swarm update --autolock=false
restore b on m2
`) {
		res, err := r.Step(s)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, [...]string{"ran", "held", "failed"}[res.Kind]+": "+res.Detail)
		shown = append(shown, res.Shown)
	}
	want := []string{
		"ran: ",
		"ran: ",
		"ran: ",
		"failed: expected m2 locked, but m2 is not locked: it is ready and active",
		"ran: ",
		"failed: expected m2 locked, but m2 is not locked: it is not running",
		"ran: ",
		"held: m2 is locked (the swarm counts it ready) and active",
		"failed: the command failed: error: swarm is not locked",
		"ran: ",
		"ran: ",
		"ran: ",
		"ran: ",
		"failed: the command failed: m1 still runs with the identity backup b holds (node ID, certificates, Raft ID): restored on m2 too, two hosts would claim one Raft member; stop m1 first (kill m1), or restore on m1 itself",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if sh := shown[1]; sh == nil || !sh.Updated || sh.Key != "" {
		t.Errorf("update --autolock=true with autolock on already showed %+v; Docker prints the key only when it turns autolock on", sh)
	}
	if sh := shown[2]; sh == nil || !sh.Quiet || !strings.HasPrefix(sh.Key, "SWMKEY-1-") {
		t.Errorf("unlock-key -q showed %+v", sh)
	}
	if sh := shown[12]; sh == nil || !sh.Updated || sh.Key != "" {
		t.Errorf("update --autolock=false showed %+v", sh)
	}
	for i, sh := range shown {
		if sh != nil && i != 1 && i != 2 && i != 12 {
			t.Errorf("step %d showed %+v", i+1, sh)
		}
	}
}
