package az

import "fmt"

// Loss describes losing one whole zone.
type Loss struct {
	Zone    string
	Lost    int  // managers in the zone, all gone at once
	Left    int  // Members - Lost
	Members int  // the Raft configuration size; the lost managers still count
	Quorum  int  // Quorum(Members)
	Holds   bool // Left ≥ Quorum
}

// Reason is one sentence, e.g. "losing zone a (2 managers) leaves 3 of 5; quorum needs 3, so it holds" /
// "losing zone a (2 managers) leaves 1 of 3; quorum needs 2, so the swarm loses quorum".
func (l Loss) Reason() string {
	verdict := "so it holds"
	if !l.Holds {
		verdict = "so the swarm loses quorum"
	}
	return fmt.Sprintf("losing zone %s (%s) leaves %d of %d; quorum needs %d, %s",
		l.Zone, managers(l.Lost), l.Left, l.Members, l.Quorum, verdict)
}

func managers(n int) string {
	switch n {
	case 0:
		return "no managers"
	case 1:
		return "1 manager"
	}
	return fmt.Sprintf("%d managers", n)
}

// Losses is one Loss per zone, in zone order.
func (l Layout) Losses() []Loss {
	members := l.Managers()
	out := make([]Loss, len(l.Zones))
	for i, z := range l.Zones {
		left := members - z.Managers
		out[i] = Loss{
			Zone:    z.Name,
			Lost:    z.Managers,
			Left:    left,
			Members: members,
			Quorum:  Quorum(members),
			Holds:   Holds(members, left),
		}
	}
	return out
}

// SurvivesAnyZone reports whether losing any one zone, whichever it is,
// leaves a quorum. A layout without managers or zones survives nothing.
func (l Layout) SurvivesAnyZone() bool {
	if len(l.Zones) == 0 || l.Managers() == 0 {
		return false
	}
	for _, loss := range l.Losses() {
		if !loss.Holds {
			return false
		}
	}
	return true
}
