package raft

// LastIndex is the index of the last entry in the member's stable log: after
// a Process, the last entry it appended.
func (m *Member) LastIndex() uint64 {
	i, _ := m.storage.LastIndex()
	return i
}
