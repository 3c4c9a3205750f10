package cluster

import (
	"crypto/sha256"
	"encoding/binary"
	"math/big"
	"strings"
)

// Docker names every object by an ID of 25 lowercase base-36 characters
// (swarmkit's identity.NewID: 128 random bits). The simulation derives its
// IDs from the seed and the object's name, so the same seed shows the same
// IDs; an imported node or service keeps the ID its JSON gives.

// idLength is the length of a Docker object ID.
const idLength = 25

// DockerID is the ID of the object of kind ("node", "service", "task")
// named key in a swarm built with seed.
func DockerID(seed uint64, kind, key string) string {
	h := sha256.New()
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(key))
	sum := h.Sum(nil)
	s := new(big.Int).SetBytes(sum[:16]).Text(36)
	return strings.Repeat("0", idLength-len(s)) + s
}

// TaskID is the ID `docker service ps` shows for a task (the first 12
// characters of it, as Docker's tables print).
func (s Snapshot) TaskID(t *Task) string { return DockerID(s.Seed, "task", t.ID) }

// serviceID is a service's ID: the one it was imported with, or one
// derived from its name.
func serviceID(seed uint64, spec *ServiceSpec) string {
	if spec.ID != "" {
		return spec.ID
	}
	return DockerID(seed, "service", spec.Name)
}
