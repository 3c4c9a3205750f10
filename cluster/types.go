package cluster

import (
	"github.com/swarmsim/swarmsim/cluster/state"
)

// The desired state's types live in package state, the leaf every
// component of the leader reads; these names keep the simulation's API
// whole for its callers.
type (
	Store         = state.Store
	NodeRecord    = state.NodeRecord
	ServiceSpec   = state.ServiceSpec
	Task          = state.Task
	PortConfig    = state.PortConfig
	HealthCheck   = state.HealthCheck
	FileObject    = state.FileObject
	FileKind      = state.FileKind
	UpdateConfig  = state.UpdateConfig
	RestartPolicy = state.RestartPolicy
	UpdateStatus  = state.UpdateStatus
)

// Node roles, statuses and availabilities, service modes, task and update
// states, spelled as Docker spells them (package state has their manual).
const (
	RoleManager    = state.RoleManager
	RoleWorker     = state.RoleWorker
	Active         = state.Active
	Pause          = state.Pause
	Drain          = state.Drain
	ModeReplicated = state.ModeReplicated
	ModeGlobal     = state.ModeGlobal

	NodeReady   = state.NodeReady
	NodeUnknown = state.NodeUnknown
	NodeDown    = state.NodeDown

	TaskPending  = state.TaskPending
	TaskAssigned = state.TaskAssigned
	TaskStarting = state.TaskStarting
	TaskRunning  = state.TaskRunning
	TaskComplete = state.TaskComplete
	TaskFailed   = state.TaskFailed
	TaskRejected = state.TaskRejected
	TaskShutdown = state.TaskShutdown
	TaskOrphaned = state.TaskOrphaned

	UpdateUpdating          = state.UpdateUpdating
	UpdatePaused            = state.UpdatePaused
	UpdateCompleted         = state.UpdateCompleted
	UpdateRollbackStarted   = state.UpdateRollbackStarted
	UpdateRollbackPaused    = state.UpdateRollbackPaused
	UpdateRollbackCompleted = state.UpdateRollbackCompleted

	LabelNamespace = state.LabelNamespace
	PublishIngress = state.PublishIngress
	PublishHost    = state.PublishHost

	KindSecret = state.KindSecret
	KindConfig = state.KindConfig
)

// Docker's defaults for services, and its answer to a stale update.
var (
	DefaultUpdate    = state.DefaultUpdate
	DefaultRestart   = state.DefaultRestart
	DefaultRollback  = state.DefaultRollback
	ErrOutOfSequence = state.ErrOutOfSequence
)
