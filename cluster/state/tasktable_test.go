package state

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestTaskNumber(t *testing.T) {
	for _, tc := range []struct {
		id string
		n  int
		ok bool
	}{
		{"t1", 1, true},
		{"t0", 0, true},
		{"t95000", 95000, true},
		{"t999999999", 999999999, true},
		{"t1000000000", 0, false}, // beyond what an int holds everywhere
		{"t01", 0, false},         // another task than t1
		{"t", 0, false},
		{"", 0, false},
		{"x1", 0, false},
		{"t1a", 0, false},
		{"t-1", 0, false},
		{"T1", 0, false},
	} {
		if n, ok := TaskNumber(tc.id); n != tc.n || ok != tc.ok {
			t.Errorf("TaskNumber(%q) = %d, %v; want %d, %v", tc.id, n, ok, tc.n, tc.ok)
		}
	}
}

// TestTaskIDReadsBack: the ID the store gives its n-th task is read back
// as n.
func TestTaskIDReadsBack(t *testing.T) {
	for _, n := range []uint64{0, 1, 9, 10, 95000, 999999999} {
		if got, ok := TaskNumber(TaskID(n)); !ok || uint64(got) != n {
			t.Errorf("TaskNumber(TaskID(%d)) = %d, %v; want %d, true", n, got, ok, n)
		}
	}
}

// FuzzTaskNumber: an ID parses exactly when it is "t" and the decimal
// form of its number, so two IDs never share a place in the table.
func FuzzTaskNumber(f *testing.F) {
	for _, id := range []string{"t1", "t0", "t01", "t", "t999999999", "x7", "t1a"} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		n, ok := TaskNumber(id)
		if ok != (id == "t"+strconv.Itoa(n) && n < 1e9) {
			t.Errorf("TaskNumber(%q) = %d, %v", id, n, ok)
		}
	})
}

// TestTaskTable puts, replaces and deletes tasks of the store's own IDs
// and of others (a test's names, numbers far beyond the rest, and one the
// table reaches only once it grew), and checks every lookup, the count and
// the order against a map and a sort.
func TestTaskTable(t *testing.T) {
	var tt TaskTable
	want := map[string]*Task{}
	put := func(id string) {
		task := &Task{ID: id, Service: "web"}
		tt.put(task)
		want[id] = task
	}
	del := func(id string) {
		tt.delete(id)
		delete(want, id)
	}
	check := func(when string) {
		t.Helper()
		if tt.Len() != len(want) {
			t.Errorf("%s: Len %d, want %d", when, tt.Len(), len(want))
		}
		for id, task := range want {
			if got := tt.Get(id); got != task {
				t.Errorf("%s: Get(%s) = %v, want its task", when, id, got)
			}
			if !tt.Has(task) || tt.Has(&Task{ID: id}) {
				t.Errorf("%s: Has(%s) does not tell its record from another", when, id)
			}
		}
		for _, id := range []string{"t404", "t0", "zz", "t01"} {
			if want[id] == nil && tt.Get(id) != nil {
				t.Errorf("%s: Get(%s) found a task never put", when, id)
			}
		}
		var got []string
		for task := range tt.All() {
			got = append(got, task.ID)
		}
		if order := slices.SortedFunc(maps.Keys(want), CompareNames); !slices.Equal(got, order) {
			t.Errorf("%s: All yields %v, want %v", when, got, order)
		}
	}
	for i := 1; i <= 40; i++ {
		put("t" + strconv.Itoa(i))
	}
	check("forty tasks")
	put("t3") // a new record of t3
	put("a9")
	put("t01")
	put("u2")
	put("t5000") // beyond reach: kept aside
	put("t99999999999")
	check("with other IDs")
	if len(tt.other) != 5 {
		t.Errorf("%d tasks kept aside, want 5", len(tt.other))
	}
	for i := 41; i <= 5010; i++ {
		if i != 5000 {
			put("t" + strconv.Itoa(i))
		}
	}
	check("grown")
	if tt.other["t5000"] != nil || len(tt.other) != 4 {
		t.Error("t5000 stayed aside once the table reached it")
	}
	del("t3")
	del("t3")
	del("a9")
	del("t5000")
	del("t404")
	del("nothing")
	check("after deletes")
	c := tt.clone()
	put("t7")
	del("t8")
	if c.Get("t7") == tt.Get("t7") || c.Get("t8") == nil || c.Len() != tt.Len()+1 {
		t.Error("a clone changed with its original")
	}
}

// TestTaskTableJSON: the table reads and writes the map of tasks by ID it
// replaced, byte for byte, inside a store as on its own.
func TestTaskTableJSON(t *testing.T) {
	s := NewStore()
	m := map[string]*Task{}
	for _, id := range []string{"t1", "t2", "t10", "t9", "t100", "b<&>", "t01"} {
		task := &Task{ID: id, Service: "web", Slot: len(m) + 1, State: TaskRunning, Reason: "<&>"}
		s.Tasks.put(task)
		m[id] = task
	}
	// As a field, indented as a report writes it, and on its own.
	got, err := json.MarshalIndent(struct {
		N     int       `json:"n"`
		Tasks TaskTable `json:"tasks"`
	}{1, s.Tasks}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(struct {
		N     int              `json:"n"`
		Tasks map[string]*Task `json:"tasks"`
	}{1, m}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("tasks as a field:\n%s\nwant\n%s", got, want)
	}
	if got, err = json.Marshal(s); err != nil {
		t.Fatal(err)
	}
	var back Store
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if back.Tasks.Len() != len(m) {
		t.Errorf("read back %d tasks, want %d", back.Tasks.Len(), len(m))
	}
	for id, task := range m {
		if got := back.Tasks.Get(id); got == nil || *got != *task {
			t.Errorf("%s read back as %+v", id, got)
		}
	}
	again, _ := json.Marshal(&back.Tasks)
	if tasks, _ := json.Marshal(m); !bytes.Equal(again, tasks) {
		t.Errorf("tasks written again:\n%s\nwant\n%s", again, tasks)
	}
}

// TestIDSet: members come back in the order they were first added, once
// each, whatever their form, and a taken set starts empty.
func TestIDSet(t *testing.T) {
	var s IDSet
	for _, id := range []string{"t5", "t200", "x", "t5", "t01", "t1", "x", "t200", "t64", "t01"} {
		s.Add(id)
	}
	if got, want := s.Take(), []string{"t5", "t200", "x", "t01", "t1", "t64"}; !slices.Equal(got, want) {
		t.Errorf("Take: %v, want %v", got, want)
	}
	if got := s.Take(); len(got) != 0 {
		t.Errorf("a taken set still holds %v", got)
	}
	for _, id := range []string{"t64", "x", "t5", "t64"} {
		s.Add(id)
	}
	if got, want := s.Take(), []string{"t64", "x", "t5"}; !slices.Equal(got, want) {
		t.Errorf("Take after Take: %v, want %v", got, want)
	}
	// What is added while a taken slice is read (the dispatcher keeps a
	// report for later) waits for the next Take, and the slice read is
	// not written to.
	s.Add("t1")
	s.Add("t2")
	taken := s.Take()
	var read []string
	for _, id := range taken {
		read = append(read, id)
		s.Add(id + "0")
	}
	if want := []string{"t1", "t2"}; !slices.Equal(read, want) || !slices.Equal(taken, want) {
		t.Errorf("read %v while adding, slice now %v; want %v", read, taken, want)
	}
	if got, want := s.Take(), []string{"t10", "t20"}; !slices.Equal(got, want) {
		t.Errorf("Take of what was added while reading: %v, want %v", got, want)
	}
}

// TestTaskSet: membership of the store's IDs and of others, removal, and
// a cleared set that holds nothing.
func TestTaskSet(t *testing.T) {
	var s TaskSet
	ids := []string{"t1", "t63", "t64", "t100000", "x", "t01"}
	for _, id := range ids {
		if !s.Add(id) || s.Add(id) {
			t.Errorf("Add(%s) twice does not tell new from old", id)
		}
	}
	for _, id := range []string{"t0", "t2", "t65", "t99999", "t100001", "t001", "y"} {
		if s.Has(id) {
			t.Errorf("Has(%s) without adding it", id)
		}
	}
	s.Remove("t64")
	s.Remove("x")
	s.Remove("t404040") // beyond the bits: nothing to do
	for _, id := range ids {
		if want := id != "t64" && id != "x"; s.Has(id) != want {
			t.Errorf("Has(%s) = %v after removals, want %v", id, !want, want)
		}
	}
	s.Clear()
	for _, id := range ids {
		if s.Has(id) {
			t.Errorf("Has(%s) after Clear", id)
		}
	}
}

// TestBatchFill: a slot, replicated or global, is filled once per batch,
// and again in the next.
func TestBatchFill(t *testing.T) {
	b := NewBatch(0)
	keys := []SlotKey{{Slot: 1}, {Slot: 700}, {Node: "w1"}, {Node: "w2"}}
	for _, k := range keys {
		if !b.Fill("web", k) || b.Fill("web", k) {
			t.Errorf("%+v filled twice, or not at all", k)
		}
	}
	if !b.Fill("db", SlotKey{Slot: 1}) {
		t.Error("a slot of another service counted as filled")
	}
	b.Reset(time.Second)
	for _, k := range keys {
		if !b.Fill("web", k) {
			t.Errorf("%+v still filled in the next batch", k)
		}
	}
}
