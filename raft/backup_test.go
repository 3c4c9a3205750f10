package raft

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// A backup is the member's storage frozen at one moment: restored later, the
// member replays exactly what was committed then, whatever it did meanwhile,
// through snapshots and compaction alike.
func TestRestoreBackupBringsBackTheCommittedLog(t *testing.T) {
	ls := newLockstep(t, 3, 8, func(c *Config) { c.SnapshotEvery, c.KeepEntries = 20, 5 })
	lead, _ := ls.tickUntilLeader(30)
	for i := range 30 {
		if err := ls.members[lead].Propose(fmt.Appendf(nil, "e%d", i)); err != nil {
			t.Fatal(err)
		}
		ls.settle()
	}
	follower := lead%3 + 1
	b, err := ls.members[follower].Backup()
	if err != nil {
		t.Fatal(err)
	}
	if b.ID() != follower || b.Commit() != ls.members[follower].Status().Commit || b.Term() != ls.members[follower].Status().Term {
		t.Fatalf("backup of %d: id %d, commit %d, term %d; member %+v", follower, b.ID(), b.Commit(), b.Term(), ls.members[follower].Status())
	}
	atBackup := slices.Clone(ls.apps[follower].entries)
	for i := 30; i < 60; i++ {
		ls.members[lead].Propose(fmt.Appendf(nil, "e%d", i))
		ls.settle()
	}

	m := ls.members[follower]
	if err := m.RestoreBackup(b); !errors.Is(err, ErrRunning) {
		t.Errorf("RestoreBackup on a running member: %v, want ErrRunning", err)
	}
	m.Crash()
	if err := m.RestoreBackup(b); err != nil {
		t.Fatal(err)
	}
	app := &log{}
	if err := m.Restart(app); err != nil {
		t.Fatal(err)
	}
	if err := m.Process(app, func(Message) {}); err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(app.entries, atBackup, bytes.Equal) || len(atBackup) != 30 {
		t.Errorf("restored member applied %d entries, %d were committed at the backup", len(app.entries), len(atBackup))
	}
	if st := m.Status(); st.Commit != b.Commit() || st.Applied != b.Commit() {
		t.Errorf("restored member: %+v, want commit and applied %d", st, b.Commit())
	}

	other, err := NewMember(Config{ID: 9, Peers: []uint64{9}})
	if err != nil {
		t.Fatal(err)
	}
	other.Crash()
	if err := other.RestoreBackup(b); err == nil {
		t.Error("a backup of one member was restored on another")
	}
}
