package raft

import (
	"fmt"
	"testing"

	etcd "go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
)

// BenchmarkBareLoop is the cost floor the simulator is measured against:
// plain etcd RawNodes (not this package's Member) in lockstep, with
// instant delivery, memory storage and nothing else around them. cluster's
// BenchmarkSimulatedRaft runs the same shapes through the whole simulation;
// run both in one `go test -bench` to compare their msgs/s on one machine.
func BenchmarkBareLoop(b *testing.B) {
	for _, tc := range []struct {
		managers       int
		proposePerTick bool
	}{{5, false}, {5, true}, {9, true}} {
		b.Run(fmt.Sprintf("managers=%d/propose=%v", tc.managers, tc.proposePerTick), func(b *testing.B) {
			loop := newBareLoop(b, tc.managers)
			lead := loop.electFirst()
			data := []byte("an opaque proposal")
			loop.sent = 0
			b.ResetTimer()
			for range b.N {
				if tc.proposePerTick {
					if err := loop.nodes[lead].Propose(data); err != nil {
						b.Fatal(err)
					}
				}
				loop.tick()
			}
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(loop.sent)/secs, "msgs/s")
			b.ReportMetric(float64(b.N)/secs, "sim-s/s")
		})
	}
}

type bareLoop struct {
	b        *testing.B
	nodes    []*etcd.RawNode // by ID-1
	storages []*etcd.MemoryStorage
	inbox    []*pb.Message
	sent     int
}

func newBareLoop(b *testing.B, n int) *bareLoop {
	loop := &bareLoop{b: b}
	var peers []uint64
	for id := 1; id <= n; id++ {
		peers = append(peers, uint64(id))
	}
	for _, id := range peers {
		st := etcd.NewMemoryStorage()
		snap := &pb.Snapshot{Metadata: &pb.SnapshotMetadata{Index: new(uint64(1)), Term: new(uint64(1)),
			ConfState: &pb.ConfState{Voters: peers}}}
		if err := st.ApplySnapshot(snap); err != nil {
			b.Fatal(err)
		}
		rn, err := etcd.NewRawNode(&etcd.Config{ID: id, ElectionTick: DefaultElectionTicks, HeartbeatTick: DefaultHeartbeatTicks,
			Storage: st, MaxSizePerMsg: 1 << 16, MaxInflightMsgs: 256, CheckQuorum: true, PreVote: true, Logger: quietLogger{}})
		if err != nil {
			b.Fatal(err)
		}
		loop.nodes = append(loop.nodes, rn)
		loop.storages = append(loop.storages, st)
	}
	return loop
}

// electFirst makes the first node campaign and returns its index once it
// leads.
func (loop *bareLoop) electFirst() int {
	if err := loop.nodes[0].Campaign(); err != nil {
		loop.b.Fatal(err)
	}
	loop.settle()
	if loop.nodes[0].BasicStatus().RaftState != etcd.StateLeader {
		loop.b.Fatal("the first node did not win its election")
	}
	return 0
}

func (loop *bareLoop) tick() {
	for _, rn := range loop.nodes {
		rn.Tick()
	}
	loop.settle()
}

// settle drains every node's Ready and delivers messages until quiet.
func (loop *bareLoop) settle() {
	for {
		busy := false
		for i, rn := range loop.nodes {
			for rn.HasReady() {
				busy = true
				rd := rn.Ready()
				if err := loop.storages[i].Append(rd.Entries); err != nil {
					loop.b.Fatal(err)
				}
				if !etcd.IsEmptyHardState(rd.HardState) {
					if err := loop.storages[i].SetHardState(rd.HardState); err != nil {
						loop.b.Fatal(err)
					}
				}
				loop.inbox = append(loop.inbox, rd.Messages...)
				rn.Advance(rd)
			}
		}
		for len(loop.inbox) > 0 {
			busy = true
			msgs := loop.inbox
			loop.inbox = nil
			for _, m := range msgs {
				loop.sent++
				if err := loop.nodes[m.GetTo()-1].Step(m); err != nil {
					loop.b.Fatal(err)
				}
			}
		}
		if !busy {
			return
		}
	}
}
