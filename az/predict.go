package az

// Predict says whether Raft can keep or elect a leader: members is the Raft configuration size, live maps zone → live managers
// in it, cut says whether two zones cannot talk. It holds iff some zone z with a live manager has, counting z and every zone
// not cut from z, at least Quorum(members) live managers (a leader must reach a quorum directly; CheckQuorum).
//
// Reachability is deliberately not transitive: Raft does not relay, so a
// zone that can only be reached through another zone does not count. A nil
// cut means no partition. Negative live counts are taken as 0.
//
// This is a prediction of steady state. Whether a leader is actually in
// place at a given tick (elections take time, and a partial partition can
// make terms churn) is the simulation's to say.
func Predict(members int, live map[string]int, cut func(a, b string) bool) bool {
	need := Quorum(members)
	if need == 0 {
		return false
	}
	// The verdict is whether any zone reaches a quorum, so the order the
	// zones are visited in cannot change it: map order, without sorting
	// (the quorum verdict asks at most steps of a chaos run).
	for z, here := range live {
		if here <= 0 {
			continue // no manager here to lead
		}
		reach := 0
		for y, there := range live {
			if y == z || cut == nil || !cut(z, y) {
				reach += max(there, 0)
			}
		}
		if reach >= need {
			return true
		}
	}
	return false
}
