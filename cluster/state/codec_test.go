package state

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// everyAction holds one action of each kind with every field set, so a
// field the codec forgets shows up as a difference after the round trip.
func everyAction() []Action {
	spec := &ServiceSpec{Name: "web", Image: "nginx:1.25", Mode: ModeReplicated, Replicas: 3,
		Constraints: []string{"node.role==worker"}, Preferences: []string{"node.labels.zone"},
		NanoCPUs: 500_000_000, MemoryBytes: 1 << 28, MaxReplicas: 2, HostPorts: []uint32{80, 443}, ForceUpdate: 4,
		Update:       UpdateConfig{Parallelism: 2, Delay: time.Second, FailureAction: "rollback", Order: "start-first", Monitor: 7 * time.Second},
		Restart:      RestartPolicy{Condition: "on-failure", Delay: 3 * time.Second, MaxAttempts: 5, Window: time.Minute},
		Labels:       map[string]string{LabelNamespace: "shop"},
		Ports:        []PortConfig{{Published: 8080, Target: 80, Protocol: "tcp", Mode: PublishIngress}, {Published: 443, Target: 443, Protocol: "udp", Mode: PublishHost}},
		EndpointMode: "vip", LimitNanoCPUs: 1_000_000_000, LimitMemoryBytes: 1 << 29,
		Health:  HealthCheck{Cmd: "curl -f localhost", Interval: 5 * time.Second, Timeout: time.Second, StartPeriod: 10 * time.Second, Retries: 2},
		Secrets: []string{"db_pass"}, Configs: []string{"nginx_conf"},
		Rollback: UpdateConfig{Parallelism: 3, Delay: 2 * time.Second, FailureAction: "continue", Order: "start-first", Monitor: 9 * time.Second, MaxFailureRatio: 250_000}}
	spec.Update.MaxFailureRatio = 100_000
	obj := &FileObject{Name: "shop_db_pass", Labels: map[string]string{LabelNamespace: "shop"}, Digest: 1<<64 - 1, Created: 321}
	rec := &NodeRecord{Name: "w1", Zone: "a", Role: RoleWorker, RaftID: 9, Status: NodeDown, StatusMessage: "heartbeat failure",
		DownSince: 1234, Availability: Drain, Labels: map[string]string{"zone": "a", "disk": "ssd"},
		EngineLabels: map[string]string{"gpu": "yes"}, NanoCPUs: 4, MemoryBytes: 8}
	actions := []Action{
		&CreateService{Spec: spec},
		&UpdateService{Spec: spec, At: 99},
		&RemoveService{Name: "web"},
		&RollbackService{Name: "web", Reason: "manually requested rollback", At: 5},
		&UpdateState{Service: "web", State: UpdatePaused, Message: "why"},
		&CreateTask{Service: "web", Slot: 3, Node: "w1", Pending: true, Reason: "no suitable node", Version: 2, Hash: 1 << 63,
			Image: "nginx", Attempt: 4, Cause: CauseRestart, Replaces: "w2", At: 10, Delay: 5000},
		&AssignTask{Task: "t7", Node: "w3"},
		&TaskStatus{Task: "t7", State: TaskFailed, Reason: "task: non-zero exit (1)", At: 42, ExitOK: true},
		&ShutdownTask{Task: "t7", State: TaskShutdown, Reason: "its node was drained", At: 43, Final: true},
		&PendingReason{Task: "t8", Reason: "no suitable node"},
		&NodeStatus{Node: "w1", Status: NodeUnknown, Message: "Node moved to \"unknown\" state due to leadership change in cluster", At: 44},
		&UpdateNode{Node: "w1", Availability: Pause, Labels: map[string]string{"a": "b"}},
		&AddNode{Record: rec, Replace: true},
		&RemoveNode{Node: "w1"},
		&RemoveTask{Task: "t1"},
		&SetAutolock{On: true, Key: "SWMKEY-1-abc"},
		&RotateUnlockKey{Key: "SWMKEY-1-def"},
		&CreateSecret{Object: obj},
		&RemoveSecret{Name: "shop_db_pass"},
		&CreateConfig{Object: obj},
		&RemoveConfig{Name: "nginx_conf"},
		&SetTaskHistoryLimit{Limit: -1},
		&CreateService{Spec: &ServiceSpec{Name: "batch", Mode: ModeReplicatedJob, Replicas: 5, MaxConcurrent: 2}},
	}
	return actions
}

func TestCommandRoundTrip(t *testing.T) {
	actions := everyAction()
	if len(actions) != int(numActionKinds) { // one kind twice: a job's spec
		t.Fatalf("the test covers %d actions, for the codec's %d kinds and a job's spec", len(actions), numActionKinds-1)
	}
	in := &Command{ID: 12345, Actions: actions}
	out, err := DecodeCommand(in.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip changed the command:\n in: %#v\nout: %#v", in, out)
	}
}

func TestDecodeRefusesDamagedCommands(t *testing.T) {
	good := (&Command{ID: 1, Actions: everyAction()}).Encode()
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"another format", append([]byte{commandVersion + 1}, good[1:]...)},
		{"cut short", good[:len(good)/2]},
		{"trailing bytes", append(append([]byte(nil), good...), 0)},
		{"unknown kind", []byte{commandVersion, 1, 1, byte(numActionKinds)}},
		{"absurd count", []byte{commandVersion, 1, 0xff, 0xff, 0xff, 0xff, 0x0f}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := DecodeCommand(tc.data); err == nil {
				t.Error("decoded without an error")
			}
		})
	}
}

// FuzzDecodeCommand: whatever bytes an entry holds, decoding returns a
// Command or an error, never a panic, and what it accepts encodes back to
// the same bytes.
func FuzzDecodeCommand(f *testing.F) {
	f.Add((&Command{ID: 1, Actions: everyAction()}).Encode())
	f.Add((&Command{}).Encode())
	f.Fuzz(func(t *testing.T, data []byte) {
		cmd, err := DecodeCommand(data)
		if err != nil {
			return
		}
		again, err := DecodeCommand(cmd.Encode())
		if err != nil || !reflect.DeepEqual(cmd, again) {
			t.Errorf("a decoded command does not survive its own encoding: %v", err)
		}
	})
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
