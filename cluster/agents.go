package cluster

import (
	"time"

	"github.com/swarmsim/swarmsim/cluster/agent"
)

// Images that rehearse failures, and Docker's words for what became of
// their containers (package agent has their manual).
const (
	FailingImagePrefix    = agent.FailingImagePrefix
	CompletingImagePrefix = agent.CompletingImagePrefix
	UnhealthyImagePrefix  = agent.UnhealthyImagePrefix

	reasonExit      = agent.ReasonExit
	reasonExitOK    = agent.ReasonExitOK
	reasonUnhealthy = agent.ReasonUnhealthy
)

// unhealthyAfter is when a container that fails every probe is declared
// unhealthy (agent.UnhealthyAfter).
func unhealthyAfter(h HealthCheck) time.Duration { return agent.UnhealthyAfter(h) }
