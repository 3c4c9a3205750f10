package cluster

import "github.com/swarmsim/swarmsim/cluster/agent"

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
