package cluster

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"
)

// everyAction holds one action of each kind with every field set, so a
// field the codec forgets shows up as a difference after the round trip.
func everyAction() []action {
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
	actions := []action{
		&createService{Spec: spec},
		&updateService{Spec: spec, At: 99},
		&removeService{Name: "web"},
		&rollbackService{Name: "web", Reason: "manually requested rollback", At: 5},
		&updateState{Service: "web", State: UpdatePaused, Message: "why", NextBatch: 77},
		&createTask{Service: "web", Slot: 3, Node: "w1", Pending: true, Reason: "no suitable node", Version: 2, Hash: 1 << 63,
			Image: "nginx", Attempt: 4, Cause: causeRestart, Replaces: "w2", At: 10, Delay: 5000},
		&assignTask{Task: "t7", Node: "w3"},
		&taskStatus{Task: "t7", State: TaskFailed, Reason: reasonExit, At: 42, ExitOK: true},
		&shutdownTask{Task: "t7", State: TaskShutdown, Reason: reasonDrained, At: 43, Final: true},
		&pendingReason{Task: "t8", Reason: "no suitable node"},
		&nodeStatus{Node: "w1", Status: NodeUnknown, Message: msgUnknown, At: 44},
		&updateNode{Node: "w1", Availability: Pause, Labels: map[string]string{"a": "b"}},
		&addNode{Record: rec, Replace: true},
		&removeNode{Node: "w1"},
		&removeTask{Task: "t1"},
		&setAutolock{On: true, Key: "SWMKEY-1-abc"},
		&rotateUnlockKey{Key: "SWMKEY-1-def"},
		&createSecret{Object: obj},
		&removeSecret{Name: "shop_db_pass"},
		&createConfig{Object: obj},
		&removeConfig{Name: "nginx_conf"},
	}
	return actions
}

func TestCommandRoundTrip(t *testing.T) {
	actions := everyAction()
	if len(actions) != int(numActionKinds)-1 {
		t.Fatalf("the test covers %d action kinds, the codec knows %d", len(actions), numActionKinds-1)
	}
	in := &command{ID: 12345, Actions: actions}
	out, err := decodeCommand(in.encode())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip changed the command:\n in: %#v\nout: %#v", in, out)
	}
}

func TestDecodeRefusesDamagedCommands(t *testing.T) {
	good := (&command{ID: 1, Actions: everyAction()}).encode()
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
			if _, err := decodeCommand(tc.data); err == nil {
				t.Error("decoded without an error")
			}
		})
	}
}

// FuzzDecodeCommand: whatever bytes an entry holds, decoding returns a
// command or an error, never a panic, and what it accepts encodes back to
// the same bytes.
func FuzzDecodeCommand(f *testing.F) {
	f.Add((&command{ID: 1, Actions: everyAction()}).encode())
	f.Add((&command{}).encode())
	f.Fuzz(func(t *testing.T, data []byte) {
		cmd, err := decodeCommand(data)
		if err != nil {
			return
		}
		again, err := decodeCommand(cmd.encode())
		if err != nil || !reflect.DeepEqual(cmd, again) {
			t.Errorf("a decoded command does not survive its own encoding: %v", err)
		}
	})
}

// A store survives its snapshot's round trip, and a damaged snapshot is
// refused, not half read.
func TestStoreSnapshotRoundTrip(t *testing.T) {
	c := newTestCluster(t, "1-1-1", 2, 9)
	spec := service("web", 4)
	spec.Constraints, spec.Preferences, spec.HostPorts = []string{"node.role==worker"}, []string{"node.labels.zone"}, []uint32{80}
	mustApply(t, c, CreateService(spec))
	mustApply(t, c, UpdateService("web", func(s *ServiceSpec) { s.Image = "fail/web:2" }))
	mustApply(t, c, CreateObject(KindSecret, FileObject{Name: "db_pass", Labels: map[string]string{"a": "b"}, Digest: 7}))
	mustApply(t, c, CreateObject(KindConfig, FileObject{Name: "nginx_conf", Digest: 9}))
	mustApply(t, c, SetAutolock(true))
	mustRun(t, c, 20*time.Second)
	s := c.leaderManager().store
	b := s.encode()
	back, err := decodeStore(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.encode(), b) || len(back.Tasks) != len(s.Tasks) || back.Updates["web"] == nil || back.Previous["web"] == nil {
		t.Errorf("the store changed through its snapshot")
	}
	// Every exported field, present and future: a field the codec forgets
	// shows up here.
	if want, got := asJSON(t, s), asJSON(t, back); got != want {
		t.Errorf("the store changed through its snapshot:\n got %s\nwant %s", got, want)
	}
	for _, task := range s.TaskList() {
		if got := back.Tasks[task.ID]; got == nil || *got != *task {
			t.Errorf("task %s: %+v, want %+v", task.ID, got, task)
		}
	}
	for _, cut := range []int{0, 1, len(b) / 2, len(b) - 1} {
		if _, err := decodeStore(b[:cut]); err == nil {
			t.Errorf("a snapshot cut to %d of %d bytes was accepted", cut, len(b))
		}
	}
	if _, err := decodeStore(append(slices.Clone(b), 0)); err == nil {
		t.Error("a snapshot with a byte too many was accepted")
	}
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
