package state

import (
	"encoding/json"
	"iter"
	"maps"
	"slices"
	"strconv"
)

// TaskTable holds a store's tasks by ID. Every task a store makes is
// "t"+N, N the store's NextTask when it was made (CreateTask), so a task's
// number is its place in a slice: a lookup is a parse and an index, with
// no hashing, and a hundred thousand tasks cost a pointer each instead of
// a map's buckets, rehashed as they grow. An ID of any other form (a test's,
// or a number far beyond the others) is kept in a small map beside it.
//
// The table changes only through the store's index maintenance (addTask,
// replace, dropTask), which keeps it and the store's indexes in step.
//
// Invariant: an ID whose number is below len(dense) is in dense, never in
// other; count is the number of tasks in both.
type TaskTable struct {
	dense []*Task          // dense[N] is task "tN", nil when there is none
	other map[string]*Task // tasks whose ID is not "tN" with N within reach of dense
	count int
}

// maxTaskIDLen bounds the IDs TaskNumber parses: "t" and nine digits fit
// in an int on every platform.
const maxTaskIDLen = 10

// TaskID is the ID the store gives its n-th task: "t"+n, which
// TaskNumber reads back.
func TaskID(n uint64) string { return "t" + strconv.FormatUint(n, 10) }

// TaskNumber parses a task ID of the form the store gives, "t"+N with N
// written without leading zeros, and reports whether it has that form.
// It does not allocate.
func TaskNumber(id string) (int, bool) {
	if len(id) < 2 || len(id) > maxTaskIDLen || id[0] != 't' || id[1] == '0' && len(id) > 2 {
		return 0, false
	}
	n := 0
	for i := 1; i < len(id); i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Get returns the task with the ID, or nil.
func (tt *TaskTable) Get(id string) *Task {
	if n, ok := TaskNumber(id); ok && n < len(tt.dense) {
		return tt.dense[n]
	}
	return tt.other[id] // reading a nil map is fine
}

// byNumber is task "tN".
func (tt *TaskTable) byNumber(n int) *Task {
	if n < len(tt.dense) {
		return tt.dense[n]
	}
	return tt.other[TaskID(uint64(n))] // beyond the slice's reach
}

// Has reports whether the table holds t itself, not only a task with its
// ID: a component holding an older record of a task learns it was replaced.
func (tt *TaskTable) Has(t *Task) bool { return t != nil && tt.Get(t.ID) == t }

// Len is the number of tasks.
func (tt *TaskTable) Len() int { return tt.count }

// All yields the tasks in ID order (CompareNames: t9 before t10), which
// for the store's own IDs is the order they were made in.
func (tt *TaskTable) All() iter.Seq[*Task] {
	return func(yield func(*Task) bool) {
		var others []*Task
		if len(tt.other) > 0 {
			others = slices.SortedFunc(maps.Values(tt.other), func(a, b *Task) int { return CompareNames(a.ID, b.ID) })
		}
		for _, t := range tt.dense {
			if t == nil {
				continue
			}
			for len(others) > 0 && CompareNames(others[0].ID, t.ID) < 0 {
				if !yield(others[0]) {
					return
				}
				others = others[1:]
			}
			if !yield(t) {
				return
			}
		}
		for _, t := range others {
			if !yield(t) {
				return
			}
		}
	}
}

// denseReach is how far beyond the table's end a new number may be and
// still extend the slice: the store numbers its tasks one after another,
// so only a hand-made ID lands further.
const denseReach = 1024

// put adds t, or replaces the task with its ID.
func (tt *TaskTable) put(t *Task) {
	n, ok := TaskNumber(t.ID)
	if ok && n >= len(tt.dense) && n < 2*len(tt.dense)+denseReach {
		tt.grow(n + 1)
	}
	if ok && n < len(tt.dense) {
		if tt.dense[n] == nil {
			tt.count++
		}
		tt.dense[n] = t
		return
	}
	if tt.other == nil {
		tt.other = map[string]*Task{}
	}
	if _, had := tt.other[t.ID]; !had {
		tt.count++
	}
	tt.other[t.ID] = t
}

// grow makes dense at least size long, moving the tasks of other whose
// numbers it now reaches.
func (tt *TaskTable) grow(size int) {
	old := len(tt.dense)
	if size > cap(tt.dense) {
		// Twice the room: append alone grows a large slice by a quarter,
		// copying a hundred thousand pointers each time.
		tt.dense = slices.Grow(tt.dense, max(size, 2*cap(tt.dense))-old)
	}
	tt.dense = tt.dense[:size]
	clear(tt.dense[old:])
	for id, t := range tt.other {
		if n, ok := TaskNumber(id); ok && n < size {
			tt.dense[n] = t
			delete(tt.other, id)
		}
	}
}

// delete removes the task with the ID, if there is one.
func (tt *TaskTable) delete(id string) {
	if n, ok := TaskNumber(id); ok && n < len(tt.dense) {
		if tt.dense[n] != nil {
			tt.dense[n] = nil
			tt.count--
		}
		return
	}
	if _, had := tt.other[id]; had {
		delete(tt.other, id)
		tt.count--
	}
}

// clone returns a table holding the same records (records are never
// changed in place, so stores share them).
func (tt *TaskTable) clone() TaskTable {
	return TaskTable{dense: slices.Clone(tt.dense), other: maps.Clone(tt.other), count: tt.count}
}

// asMap is the table as the map it replaced.
func (tt *TaskTable) asMap() map[string]*Task {
	m := make(map[string]*Task, tt.count)
	for t := range tt.All() {
		m[t.ID] = t
	}
	return m
}

// MarshalJSON writes the table as the map of tasks by ID it replaced,
// byte for byte: an object keyed by ID, keys in byte order.
func (tt TaskTable) MarshalJSON() ([]byte, error) { return json.Marshal(tt.asMap()) }

// UnmarshalJSON reads the object MarshalJSON writes. A key names the task
// it holds; a task without an ID takes its key's.
func (tt *TaskTable) UnmarshalJSON(b []byte) error {
	var m map[string]*Task
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*tt = TaskTable{}
	for _, id := range slices.SortedFunc(maps.Keys(m), CompareNames) {
		t := m[id]
		if t == nil {
			continue
		}
		if t.ID == "" {
			t.ID = id
		}
		tt.put(t)
	}
	return nil
}
