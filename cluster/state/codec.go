package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// The wire form of a Raft entry's store actions: varints and length-prefixed
// strings, one byte of kind before each action. It is several times smaller
// and faster than JSON, which matters when one entry assigns 10,000 tasks
// and every manager decodes it. Snapshots of the whole store use it too
// (storecodec.go).

var errTruncated = errors.New("the entry ends in the middle of an action")

type encoder struct{ b []byte }

func (e *encoder) uint(v uint64)  { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)    { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) str(s string)   { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) boolean(v bool) { e.b = append(e.b, boolByte(v)) }
func (e *encoder) dur(d time.Duration) {
	e.int(int64(d))
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

func (e *encoder) strs(list []string) {
	e.uint(uint64(len(list)))
	for _, s := range list {
		e.str(s)
	}
}

// labels are written sorted by key, so equal maps encode to equal bytes.
func (e *encoder) labels(m map[string]string) {
	e.uint(uint64(len(m)))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e.str(k)
		e.str(m[k])
	}
}

func (e *encoder) spec(s *ServiceSpec) {
	e.str(s.Name)
	e.str(s.ID)
	e.str(s.Image)
	e.str(s.Mode)
	e.int(int64(s.Replicas))
	e.strs(s.Constraints)
	e.strs(s.Preferences)
	e.int(s.NanoCPUs)
	e.int(s.MemoryBytes)
	e.int(int64(s.MaxReplicas))
	e.uint(uint64(len(s.HostPorts)))
	for _, p := range s.HostPorts {
		e.uint(uint64(p))
	}
	e.uint(s.ForceUpdate)
	e.update(s.Update)
	r := s.Restart
	e.str(r.Condition)
	e.dur(r.Delay)
	e.int(int64(r.MaxAttempts))
	e.dur(r.Window)
	// What stacks brought, after everything older.
	e.labels(s.Labels)
	e.ports(s.Ports)
	e.str(s.EndpointMode)
	e.int(s.LimitNanoCPUs)
	e.int(s.LimitMemoryBytes)
	e.health(s.Health)
	e.strs(s.Secrets)
	e.strs(s.Configs)
	e.update(s.Rollback)
	e.strs(s.Env)
}

func (e *encoder) update(u UpdateConfig) {
	e.int(int64(u.Parallelism))
	e.dur(u.Delay)
	e.str(u.FailureAction)
	e.str(u.Order)
	e.dur(u.Monitor)
	e.int(int64(u.MaxFailureRatio))
}

func (e *encoder) ports(ports []PortConfig) {
	e.uint(uint64(len(ports)))
	for _, p := range ports {
		e.uint(uint64(p.Published))
		e.uint(uint64(p.Target))
		e.str(p.Protocol)
		e.str(p.Mode)
	}
}

func (e *encoder) health(h HealthCheck) {
	e.str(h.Cmd)
	e.dur(h.Interval)
	e.dur(h.Timeout)
	e.dur(h.StartPeriod)
	e.dur(h.StartInterval)
	e.int(int64(h.Retries))
}

func (e *encoder) object(o *FileObject) {
	e.str(o.Name)
	e.labels(o.Labels)
	e.uint(o.Digest)
	e.int(o.Created)
}

func (e *encoder) record(r *NodeRecord) {
	e.str(r.Name)
	e.str(r.Zone)
	e.str(r.Role)
	e.uint(r.RaftID)
	e.str(r.Status)
	e.str(r.StatusMessage)
	e.int(r.DownSince)
	e.str(r.Availability)
	e.labels(r.Labels)
	e.labels(r.EngineLabels)
	e.int(r.NanoCPUs)
	e.int(r.MemoryBytes)
	e.str(r.ID)
	e.str(r.OS)
	e.str(r.Arch)
}

// decoder reads what encoder wrote. The first error sticks: every later
// read returns a zero value, and err says what went wrong.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errTruncated
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errTruncated
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) == 0 {
		d.err = errTruncated
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) boolean() bool { return d.byte() == 1 }

func (d *decoder) dur() time.Duration { return time.Duration(d.int()) }

func (d *decoder) str() string {
	n := d.uint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.err = errTruncated
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// count reads a length and refuses one longer than the bytes left could
// hold, so a corrupt entry cannot make the decoder allocate wildly.
func (d *decoder) count() int {
	n := d.uint()
	if n > uint64(len(d.b)) {
		if d.err == nil {
			d.err = fmt.Errorf("a list of %d items cannot fit in the %d bytes left", n, len(d.b))
		}
		return 0
	}
	return int(n)
}

func (d *decoder) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) labels() map[string]string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make(map[string]string, n)
	for range n {
		k := d.str()
		out[k] = d.str()
	}
	return out
}

func (d *decoder) spec() *ServiceSpec {
	s := &ServiceSpec{}
	s.Name = d.str()
	s.ID = d.str()
	s.Image = d.str()
	s.Mode = d.str()
	s.Replicas = int(d.int())
	s.Constraints = d.strs()
	s.Preferences = d.strs()
	s.NanoCPUs = d.int()
	s.MemoryBytes = d.int()
	s.MaxReplicas = int(d.int())
	if n := d.count(); n > 0 {
		s.HostPorts = make([]uint32, n)
		for i := range s.HostPorts {
			s.HostPorts[i] = uint32(d.uint())
		}
	}
	s.ForceUpdate = d.uint()
	s.Update = d.update()
	s.Restart.Condition = d.str()
	s.Restart.Delay = d.dur()
	s.Restart.MaxAttempts = int(d.int())
	s.Restart.Window = d.dur()
	s.Labels = d.labels()
	s.Ports = d.ports()
	s.EndpointMode = d.str()
	s.LimitNanoCPUs = d.int()
	s.LimitMemoryBytes = d.int()
	s.Health = d.health()
	s.Secrets = d.strs()
	s.Configs = d.strs()
	s.Rollback = d.update()
	s.Env = d.strs()
	return s
}

func (d *decoder) update() UpdateConfig {
	return UpdateConfig{Parallelism: int(d.int()), Delay: d.dur(), FailureAction: d.str(), Order: d.str(),
		Monitor: d.dur(), MaxFailureRatio: int(d.int())}
}

func (d *decoder) ports() []PortConfig {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]PortConfig, n)
	for i := range out {
		out[i] = PortConfig{Published: uint32(d.uint()), Target: uint32(d.uint()), Protocol: d.str(), Mode: d.str()}
	}
	return out
}

func (d *decoder) health() HealthCheck {
	return HealthCheck{Cmd: d.str(), Interval: d.dur(), Timeout: d.dur(), StartPeriod: d.dur(), StartInterval: d.dur(), Retries: int(d.int())}
}

func (d *decoder) object() *FileObject {
	return &FileObject{Name: d.str(), Labels: d.labels(), Digest: d.uint(), Created: d.int()}
}

func (d *decoder) record() *NodeRecord {
	r := &NodeRecord{}
	r.Name = d.str()
	r.Zone = d.str()
	r.Role = d.str()
	r.RaftID = d.uint()
	r.Status = d.str()
	r.StatusMessage = d.str()
	r.DownSince = d.int()
	r.Availability = d.str()
	r.Labels = d.labels()
	r.EngineLabels = d.labels()
	r.NanoCPUs = d.int()
	r.MemoryBytes = d.int()
	r.ID = d.str()
	r.OS = d.str()
	r.Arch = d.str()
	return r
}
