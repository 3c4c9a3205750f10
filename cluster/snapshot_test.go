package cluster

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
)

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
	mustApply(t, c, SetTaskHistoryLimit(3))
	mustRun(t, c, 20*time.Second)
	s := c.leaderManager().store()
	b := s.Encode()
	back, err := state.DecodeStore(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Encode(), b) || back.Tasks.Len() != s.Tasks.Len() || back.Updates["web"] == nil || back.Previous["web"] == nil {
		t.Errorf("the store changed through its snapshot")
	}
	// Every exported field, present and future: a field the codec forgets
	// shows up here.
	if want, got := asJSON(t, s), asJSON(t, back); got != want {
		t.Errorf("the store changed through its snapshot:\n got %s\nwant %s", got, want)
	}
	for _, task := range s.TaskList() {
		if got := back.Tasks.Get(task.ID); got == nil || *got != *task {
			t.Errorf("task %s: %+v, want %+v", task.ID, got, task)
		}
	}
	for _, cut := range []int{0, 1, len(b) / 2, len(b) - 1} {
		if _, err := state.DecodeStore(b[:cut]); err == nil {
			t.Errorf("a snapshot cut to %d of %d bytes was accepted", cut, len(b))
		}
	}
	if _, err := state.DecodeStore(append(slices.Clone(b), 0)); err == nil {
		t.Error("a snapshot with a byte too many was accepted")
	}
}

// asJSON is v as JSON, for comparing values whose %v would differ.
func asJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
