package state

// SetAutolock turns autolock on with Key, or off.
type SetAutolock struct {
	On  bool
	Key string // "" when turning it off
}

func (a *SetAutolock) kind() actionKind  { return kindSetAutolock }
func (a *SetAutolock) encode(e *encoder) { e.boolean(a.On); e.str(a.Key) }
func (a *SetAutolock) decode(d *decoder) { a.On = d.boolean(); a.Key = d.str() }
func (a *SetAutolock) apply(s *Store, ctx *ApplyContext) {
	if s.Autolock == a.On || a.On && a.Key == "" {
		return
	}
	s.Autolock, s.UnlockKey = a.On, a.Key
	if a.On {
		ctx.emit(EventAutolock, "", "autolock is on: a manager that restarts stays locked until it is given the unlock key %s", a.Key)
	} else {
		ctx.emit(EventAutolock, "", "autolock is off: managers restart without a key")
	}
}

// RotateUnlockKey replaces the unlock key while autolock is on.
type RotateUnlockKey struct{ Key string }

func (a *RotateUnlockKey) kind() actionKind  { return kindRotateUnlockKey }
func (a *RotateUnlockKey) encode(e *encoder) { e.str(a.Key) }
func (a *RotateUnlockKey) decode(d *decoder) { a.Key = d.str() }
func (a *RotateUnlockKey) apply(s *Store, ctx *ApplyContext) {
	if !s.Autolock || a.Key == "" || s.UnlockKey == a.Key {
		return
	}
	s.UnlockKey = a.Key
	ctx.emit(EventAutolock, "", "unlock key rotated to %s: a manager that is down now will need the previous key to start", a.Key)
}

// DefaultTaskHistoryLimit is Docker's task history retention limit.
const DefaultTaskHistoryLimit = 5

// SetTaskHistoryLimit is `docker swarm update --task-history-limit N`: how
// many tasks the task reaper keeps in each slot from now on.
type SetTaskHistoryLimit struct{ Limit int }

func (a *SetTaskHistoryLimit) kind() actionKind  { return kindSetTaskHistoryLimit }
func (a *SetTaskHistoryLimit) encode(e *encoder) { e.int(int64(a.Limit)) }
func (a *SetTaskHistoryLimit) decode(d *decoder) { a.Limit = int(d.int()) }
func (a *SetTaskHistoryLimit) apply(s *Store, ctx *ApplyContext) {
	if s.TaskHistoryLimit == a.Limit {
		return
	}
	s.TaskHistoryLimit = a.Limit
	// Like swarmkit's reaper, which only reads the new limit, a slot is
	// trimmed to it when it next gets a task.
	ctx.emit(EventSwarmUpdated, "", "task history limit set to %d", a.Limit)
}
