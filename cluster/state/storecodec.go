package state

import (
	"fmt"
	"maps"
	"slices"
)

// A snapshot of the store is written with the entries' codec (codec.go):
// every manager writes one when the Raft configuration changes, and a
// manager that restarts or falls behind reads one, which under chaos is
// many times a minute. Maps are written in key order, so equal stores
// encode to equal bytes.

// storeVersion starts every encoded store, so a change of format fails
// loudly instead of decoding garbage.
const storeVersion = 2

// historyLimitTag marks a task history limit other than Docker's default,
// after everything else.
const historyLimitTag = 'h'

// Encode is a snapshot of the store.
func (s *Store) Encode() []byte {
	e := encoder{b: make([]byte, 0, 256+128*s.Tasks.Len())}
	e.b = append(e.b, storeVersion)
	e.uint(s.Index)
	e.uint(s.NextTask)
	e.uint(uint64(len(s.Nodes)))
	for _, name := range slices.Sorted(maps.Keys(s.Nodes)) {
		e.record(s.Nodes[name])
	}
	specs := func(m map[string]*ServiceSpec) {
		e.uint(uint64(len(m)))
		for _, name := range slices.Sorted(maps.Keys(m)) {
			e.str(name)
			e.spec(m[name])
		}
	}
	counters := func(m map[string]uint64) {
		e.uint(uint64(len(m)))
		for _, name := range slices.Sorted(maps.Keys(m)) {
			e.str(name)
			e.uint(m[name])
		}
	}
	specs(s.Services)
	counters(s.Versions)
	counters(s.Revisions)
	specs(s.Previous)
	e.uint(uint64(len(s.Updates)))
	for _, name := range slices.Sorted(maps.Keys(s.Updates)) {
		u := s.Updates[name]
		e.str(name)
		e.str(u.State)
		e.str(u.Message)
		e.int(u.StartedAt)
	}
	e.uint(uint64(s.Tasks.Len()))
	for _, t := range s.TaskList() {
		e.task(t)
	}
	e.boolean(s.Autolock)
	e.str(s.UnlockKey)
	for _, objs := range []map[string]*FileObject{s.Secrets, s.Configs} {
		e.uint(uint64(len(objs)))
		for _, name := range slices.Sorted(maps.Keys(objs)) {
			e.object(objs[name])
		}
	}
	if s.TaskHistoryLimit != DefaultTaskHistoryLimit { // written only when changed: other snapshots stay as they were
		e.b = append(e.b, historyLimitTag)
		e.int(int64(s.TaskHistoryLimit))
	}
	return e.b
}

func (e *encoder) task(t *Task) {
	e.str(t.ID)
	e.str(t.Service)
	e.int(int64(t.Slot))
	e.str(t.Node)
	e.str(t.Desired)
	e.str(t.State)
	e.str(t.Reason)
	e.uint(t.Version)
	e.uint(t.Hash)
	e.str(t.Image)
	e.int(int64(t.Attempt))
	e.int(t.Created)
	e.int(t.Delay)
	e.int(t.Started)
	e.int(t.Ended)
	e.boolean(t.ExitOK)
	e.boolean(t.Final)
}

func (d *decoder) task() *Task {
	t := &Task{}
	t.ID = d.str()
	t.Service = d.str()
	t.Slot = int(d.int())
	t.Node = d.str()
	t.Desired = d.str()
	t.State = d.str()
	t.Reason = d.str()
	t.Version = d.uint()
	t.Hash = d.uint()
	t.Image = d.str()
	t.Attempt = int(d.int())
	t.Created = d.int()
	t.Delay = d.int()
	t.Started = d.int()
	t.Ended = d.int()
	t.ExitOK = d.boolean()
	t.Final = d.boolean()
	return t
}

// DecodeStore reads a snapshot back, refusing a damaged one.
func DecodeStore(b []byte) (*Store, error) {
	d := decoder{b: b}
	if v := d.byte(); v != storeVersion && d.err == nil {
		return nil, fmt.Errorf("decoding the store: format %d, expected %d", v, storeVersion)
	}
	s := NewStore()
	s.Index = d.uint()
	s.NextTask = d.uint()
	for range d.count() {
		r := d.record()
		s.Nodes[r.Name] = r
	}
	specs := func(m map[string]*ServiceSpec) {
		for range d.count() {
			name := d.str()
			m[name] = d.spec()
		}
	}
	counters := func(m map[string]uint64) {
		for range d.count() {
			name := d.str()
			m[name] = d.uint()
		}
	}
	specs(s.Services)
	counters(s.Versions)
	counters(s.Revisions)
	specs(s.Previous)
	for range d.count() {
		name := d.str()
		s.Updates[name] = &UpdateStatus{State: d.str(), Message: d.str(), StartedAt: d.int()}
	}
	for range d.count() {
		t := d.task()
		s.Tasks.put(t)
	}
	s.Autolock = d.boolean()
	s.UnlockKey = d.str()
	for _, objs := range []map[string]*FileObject{s.Secrets, s.Configs} {
		for range d.count() {
			o := d.object()
			objs[o.Name] = o
		}
	}
	if d.err == nil && len(d.b) != 0 && d.b[0] == historyLimitTag {
		d.byte()
		s.TaskHistoryLimit = int(d.int())
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%d bytes left after the last object", len(d.b))
	}
	if d.err != nil {
		return nil, fmt.Errorf("decoding the store: %w", d.err)
	}
	s.Reindex()
	return s, nil
}
