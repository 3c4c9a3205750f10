package cluster

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
)

// Docker names every object by an ID of 25 lowercase base-36 characters
// (swarmkit's identity.NewID: 128 random bits). The simulation derives its
// IDs from the seed and the object's name, so the same seed shows the same
// IDs; an imported node or service keeps the ID its JSON gives.

// idLength is the length of a Docker object ID.
const idLength = 25

// DockerID is the ID of the object of kind ("node", "service", "task")
// named key in a swarm built with seed: the first 128 bits of the SHA-256
// of seed, kind and key, in base 36, padded with zeros to 25 characters.
// Every node and service gets one as a run builds it, so it is computed
// without allocating beyond the result (TestDockerIDMatchesBigInt holds it
// to the math/big formula it replaced).
func DockerID(seed uint64, kind, key string) string {
	var in [64]byte
	b := binary.BigEndian.AppendUint64(in[:0], seed)
	b = append(b, kind...)
	b = append(b, 0)
	b = append(b, key...)
	sum := sha256.Sum256(b)
	hi, lo := binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:16])
	var out [idLength]byte
	for i := idLength - 1; i >= 0; i-- {
		// (hi, lo) / 36, the remainder being the digit: 36^25 > 2^128, so
		// 25 digits hold any value and the leading ones are zeros.
		var r uint64
		hi, r = hi/36, hi%36
		lo, r = bits.Div64(r, lo, 36)
		out[i] = base36[r]
	}
	return string(out[:])
}

const base36 = "0123456789abcdefghijklmnopqrstuvwxyz"

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
