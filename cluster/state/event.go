package state

// The timeline's kinds for what applying an action changed; package
// cluster's Event carries them.
const (
	EventNodeDown        = "node-down"
	EventNodeReady       = "node-ready"
	EventNodeUpdated     = "node-updated"
	EventNodeJoined      = "node-joined"
	EventNodeRemoved     = "node-removed"
	EventServiceCreated  = "service-created"
	EventServiceUpdated  = "service-updated"
	EventServiceRemoved  = "service-removed"
	EventTaskPlaced      = "task-placed"
	EventTaskRescheduled = "task-rescheduled"
	EventTaskPending     = "task-pending"
	EventTaskFailed      = "task-failed"
	EventSecretCreated   = "secret-created"
	EventSecretRemoved   = "secret-removed"
	EventConfigCreated   = "config-created"
	EventConfigRemoved   = "config-removed"
	EventTaskHealthy     = "task-healthy"
	EventAutolock        = "autolock"      // autolock turned on or off, or the unlock key rotated
	EventTaskComplete    = "task-complete" // its container exited with status 0
)
