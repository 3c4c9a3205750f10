package cluster

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// Autolock, as Docker implements it: each manager keeps its Raft state and
// TLS key on disk sealed with a key-encryption key. With autolock on, that
// key is the swarm's unlock key, which lives in the desired state (Store
// Autolock and UnlockKey) and changes only through committed entries:
// `docker swarm init --autolock` puts it in the bootstrap state, `docker
// swarm update --autolock=true|false` and `docker swarm unlock-key --rotate`
// are store actions. A manager reseals its disk with the key of each state
// it applies (manager.kek), so one that was down during a rotation still
// needs the key from before it, as Docker documents.
//
// A manager that restarts while its disk is sealed is locked: its machine
// runs but its swarm software does not, so its Raft member is not started,
// messages to it are lost, it neither votes nor counts toward quorum, sends
// no heartbeats and runs no tasks, until `docker swarm unlock` gives it the
// key its disk is sealed with. Workers are never locked.

// ErrSwarmLocked is Docker's answer from a locked manager, and so the
// answer to every command when every manager that runs is locked.
var ErrSwarmLocked = errors.New(`Error response from daemon: Swarm is encrypted and needs to be unlocked before it can be used. Please use "docker swarm unlock" to unlock it.`)

// Docker's words for autolock, from the daemon (moby daemon/cluster) and
// the CLI (docker/cli cli/command/swarm).
var (
	errInvalidKey = errors.New("Error response from daemon: swarm could not be unlocked: invalid key provided")
	errKeyString  = errors.New("Error response from daemon: invalid key string")
	// docker/cli's own words (cli/command/swarm/unlock.go, checked by its
	// unlock_test.go), lower case as Go errors are.
	errNotLocked    = errors.New("error: swarm is not locked")
	errNoSwarm      = errors.New("error: this node is not part of a swarm")
	errDaemonDown   = errors.New("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
	errNoKey        = errors.New("no unlock key is set")
	errCannotRotate = errors.New("cannot rotate because autolock is not turned on")
)

// unlockKeyPrefix starts every unlock key: swarmkit's human-readable form,
// then 32 bytes in unpadded base64.
const unlockKeyPrefix = "SWMKEY-1-"

// Keys a drill names instead of writing one out.
const (
	CurrentKey  = "current"  // the newest unlock key the swarm committed
	PreviousKey = "previous" // the one before it: what a manager down during a rotation needs
)

// keyring is every unlock key the swarm has committed, oldest first: what a
// careful operator keeps in a password manager.
type keyring struct {
	keys []string
	rand *rand.Rand // drawn from only to make keys; seeded from Config.Seed
}

// newUnlockKey makes a key as swarmkit does, from the run's seed instead of
// crypto/rand, so that a seed replays the same keys.
func (k *keyring) newUnlockKey(seed uint64) string {
	if k.rand == nil {
		k.rand = rand.New(rand.NewPCG(seed, 0x6b6579)) // "key"
	}
	var raw [32]byte
	for i := 0; i < len(raw); i += 8 {
		binary.LittleEndian.PutUint64(raw[i:], k.rand.Uint64())
	}
	return unlockKeyPrefix + base64.RawStdEncoding.EncodeToString(raw[:])
}

// issued records a key the swarm committed.
func (k *keyring) issued(key string) {
	if n := len(k.keys); n == 0 || k.keys[n-1] != key {
		k.keys = append(k.keys, key)
	}
}

// resolve turns what a drill names (current, previous or a key) into a key.
func (k *keyring) resolve(key string) (string, error) {
	n := len(k.keys)
	switch key {
	case "", CurrentKey:
		if n == 0 {
			return "", errors.New("the swarm has never had an unlock key: autolock was never turned on")
		}
		return k.keys[n-1], nil
	case PreviousKey:
		if n < 2 {
			return "", errors.New("there is no previous unlock key: the key was never rotated; give the current one")
		}
		return k.keys[n-2], nil
	}
	return key, nil
}

// validKey reports whether a key is in swarmkit's form: the prefix, then
// base64 that decodes.
func validKey(key string) bool {
	rest, ok := strings.CutPrefix(key, unlockKeyPrefix)
	if !ok {
		return false
	}
	_, err := base64.RawStdEncoding.DecodeString(rest)
	return err == nil
}

// initAutolock is the --autolock of the first manager's `docker swarm
// init`: the bootstrap state every manager starts from holds the key.
func (c *Cluster) initAutolock(boot *Store) {
	if !c.cfg.Autolock {
		return
	}
	boot.Autolock, boot.UnlockKey = true, c.keys.newUnlockKey(c.cfg.Seed)
	c.keys.issued(boot.UnlockKey)
	for _, m := range c.managers {
		m.kek = boot.UnlockKey
	}
	c.emit(EventAutolock, "", "the swarm was initialized with --autolock: a manager that restarts stays locked until it is given the unlock key %s", boot.UnlockKey)
}

// sealKey is the key the manager's disk is sealed with once it has applied
// every entry Raft handed it.
func (m *manager) sealKey() string {
	m.catchUp()
	return m.kek
}

// seal reseals the manager's disk with the key of the state it just
// applied. report is set for the first manager to apply an entry, which
// records a new key for the whole swarm.
func (m *manager) seal(report bool) {
	if m.kek == m.held.UnlockKey {
		return
	}
	m.kek = m.held.UnlockKey
	if report && m.kek != "" {
		m.c.keys.issued(m.kek)
	}
}

// lock leaves a restarted manager waiting for its key.
func (n *node) lock() {
	c := n.c
	n.locked, n.lockedWith = true, n.mgr.sealKey()
	c.emit(EventLocked, n.name, "%s is locked: it takes no part in Raft until docker swarm unlock gives it the unlock key", n.name)
}

// noLeader is Docker's answer when no manager leads: when every manager
// whose machine runs is locked, the daemon the command reached says so.
func (c *roster) noLeader() error {
	locked := false
	for _, m := range c.managers {
		if m.node.alive {
			return ErrNoLeader
		}
		locked = locked || m.node.locked
	}
	if locked {
		return ErrSwarmLocked
	}
	return ErrNoLeader
}

// SetAutolock is `docker swarm update --autolock=true|false`. Turning it on
// makes a new unlock key; turning it off forgets the key, but a manager that
// is down meanwhile still needs the old key once to start.
func SetAutolock(on bool) Action {
	return Action{fmt.Sprintf("docker swarm update --autolock=%t", on), func(c *Cluster) error {
		s, err := c.leaderStore()
		if err != nil {
			return err
		}
		if s.Autolock == on {
			return nil // Docker answers "Swarm updated." and nothing changes
		}
		key := ""
		if on {
			key = c.keys.newUnlockKey(c.cfg.Seed)
		}
		return c.propose(&state.SetAutolock{On: on, Key: key})
	}}
}

// SetTaskHistoryLimit is `docker swarm update --task-history-limit N`:
// how many tasks each slot keeps, through Raft like every swarm setting.
func SetTaskHistoryLimit(n int) Action {
	return Action{fmt.Sprintf("docker swarm update --task-history-limit %d", n), func(c *Cluster) error {
		s, err := c.leaderStore()
		if err != nil {
			return err
		}
		if s.TaskHistoryLimit == n {
			return nil // Docker answers "Swarm updated." and nothing changes
		}
		return c.propose(&state.SetTaskHistoryLimit{Limit: n})
	}}
}

// RotateUnlockKey is `docker swarm unlock-key --rotate`.
func RotateUnlockKey() Action {
	return Action{"docker swarm unlock-key --rotate", func(c *Cluster) error {
		s, err := c.leaderStore()
		if err != nil {
			return err
		}
		if !s.Autolock {
			return errCannotRotate
		}
		return c.propose(&state.RotateUnlockKey{Key: c.keys.newUnlockKey(c.cfg.Seed)})
	}}
}

// UnlockKey is what `docker swarm unlock-key` shows: the swarm's unlock key,
// as the leader knows it.
func (c *Cluster) UnlockKey() (string, error) {
	s, err := c.leaderStore()
	if err != nil {
		return "", fmt.Errorf("could not fetch unlock key: %w", err)
	}
	if s.UnlockKey == "" {
		return "", errNoKey
	}
	return s.UnlockKey, nil
}

// UnlockKeys are every unlock key the swarm has committed, oldest first:
// what an operator who kept each one holds. A locked manager needs one of
// them, and unlike UnlockKey they can be read without a leader.
func (c *Cluster) UnlockKeys() []string { return append([]string(nil), c.keys.keys...) }

// Unlock is `docker swarm unlock` run on node with key: CurrentKey (or ""),
// PreviousKey, or a key written out. Given the key its disk is sealed with,
// the manager starts, catches up and takes part in Raft again.
func Unlock(node, key string) Action {
	name := "docker swarm unlock " + node
	if key != "" && key != CurrentKey {
		name = "docker swarm unlock --key " + key + " " + node
	}
	return Action{name, func(c *Cluster) error {
		nodes, err := c.lookup([]string{node})
		if err != nil {
			return err
		}
		n := nodes[0]
		switch {
		case !n.alive && !n.locked:
			return errDaemonDown
		case n.left:
			return errNoSwarm
		case !n.locked:
			return errNotLocked
		}
		k, err := c.keys.resolve(key)
		switch {
		case err != nil:
			return err
		case !validKey(k):
			return errKeyString
		case k != n.lockedWith:
			return errInvalidKey
		}
		n.locked = false
		c.check.unlocked(n)
		c.emit(EventUnlocked, n.name, "%s unlocked: it takes part in Raft again", n.name)
		return n.boot()
	}}
}
