package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// The shell's raft command on a fresh three-manager swarm after three
// services of no tasks: each is exactly one committed proposal, so the
// numbers are known. The bootstrap snapshot is index 2 and m1's election
// (term 1) appends an empty entry at 3; three proposals end the log at 6,
// on every manager. Then m1 dies: its disk keeps term 1 and index 6, and
// the survivors' new term and new leader show, with m1 not heard from.
func TestShellRaftKnownNumbers(t *testing.T) {
	input := `cluster managers=3 az=1-1-1 seed=1
docker service create --name s1 --replicas 0 nginx
docker service create --name s2 --replicas 0 nginx
docker service create --name s3 --replicas 0 nginx
wait 2s
raft
kill m1
wait 30s
raft
`
	out, stderr, code := runInput(t, input, "shell", "--no-color")
	if code != exitOK {
		t.Fatalf("exit %d; stderr %s\n%s", code, stderr, out)
	}
	for _, row := range []string{
		"  m1    a     leader    1     m1    m1      6       6        6",
		"  m2    b     follower  1     m1    m1      6       6        6",
		"  m3    c     follower  1     m1    m1      6       6        6",
		"    m2  match 6  next 7  replicate  recently active",
		"    m3  match 6  next 7  replicate  recently active",
		"  m1    a     dead      1     m1    —       6       —        6",
	} {
		if !strings.Contains(out, row+"\n") {
			t.Errorf("the raft table lacks the row %q", row)
		}
	}
	golden(t, "shell-raft.golden", out)
}

// raftJSON is one manager of the headline's "raft" list as a client reads it.
type raftJSON struct {
	Node      string  `json:"node"`
	State     string  `json:"state"`
	Term      uint64  `json:"term"`
	Vote      string  `json:"vote"`
	Lead      string  `json:"lead"`
	Commit    uint64  `json:"commit"`
	Applied   *uint64 `json:"applied"`
	LastIndex uint64  `json:"last_index"`
	Followers []struct {
		Node         string `json:"node"`
		Match        uint64 `json:"match"`
		Next         uint64 `json:"next"`
		RecentActive bool   `json:"recent_active"`
	} `json:"followers"`
}

// After --kill 2 on five managers the JSON names every manager's Raft: the
// two dead ones from their disks, the new leader with its followers, and
// every live manager agreeing with the leader's log once it has settled.
func TestHeadlineRaftJSON(t *testing.T) {
	stdout, stderr, code := runArgs(t, "--managers", "5", "--az", "2-2-1", "--kill", "2", "--raft", "--output", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		Leader struct{ After string } `json:"leader"`
		Killed []string               `json:"killed"`
		Raft   []raftJSON             `json:"raft"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Raft) != 5 {
		t.Fatalf("raft lists %d managers, want 5", len(r.Raft))
	}
	var lead raftJSON
	for _, m := range r.Raft {
		if m.Node == r.Leader.After {
			lead = m
		}
	}
	if lead.State != "leader" || lead.Vote != lead.Node || len(lead.Followers) != 4 {
		t.Fatalf("leader %s: %+v", r.Leader.After, lead)
	}
	killed := strings.Join(r.Killed, " ")
	for _, m := range r.Raft {
		dead := strings.Contains(killed, m.Node)
		switch {
		case dead && (m.State != "dead" || m.Applied != nil || m.Term >= lead.Term || m.LastIndex >= lead.LastIndex):
			t.Errorf("dead %s should answer from its disk, behind the new leader: %+v", m.Node, m)
		case !dead && (m.Term != lead.Term || m.Lead != lead.Node || m.Commit != lead.Commit || m.Applied == nil || *m.Applied != lead.Commit || m.LastIndex != lead.LastIndex):
			t.Errorf("live %s disagrees with the leader %+v: %+v", m.Node, lead, m)
		}
	}
	for _, f := range lead.Followers {
		dead := strings.Contains(killed, f.Node)
		if dead == f.RecentActive || (!dead && (f.Match != lead.LastIndex || f.Next != lead.LastIndex+1)) {
			t.Errorf("the leader sees %s as %+v", f.Node, f)
		}
	}

	// Without --raft the field is absent, so existing clients see nothing new.
	plain, _, _ := runArgs(t, "--managers", "5", "--az", "2-2-1", "--kill", "2", "--output", "json")
	if strings.Contains(plain, `"raft"`) {
		t.Error("the JSON has a raft field without --raft")
	}
	text, _, _ := runArgs(t, "--managers", "5", "--az", "2-2-1", "--kill", "2", "--raft", "--no-color")
	if !strings.Contains(text, "Raft · as etcd Raft reports each manager") || !strings.Contains(text, "sees its followers") {
		t.Errorf("the text report lacks the Raft section:\n%s", text)
	}
}
