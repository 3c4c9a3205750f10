package scenario

import (
	"time"

	"github.com/swarmsim/swarmsim/cluster"
)

// MaxSamples bounds how many times a recorded run counts running tasks:
// enough for a chart a person reads, few enough that a 24-hour run stays
// cheap.
const MaxSamples = 240

// History is what a recorded run (Spec.Record) kept for a timeline: every
// change of every manager's lane, exactly, and the running tasks of every
// service at a steady step.
type History struct {
	From, To time.Duration // the span drawn: from the failure to the end
	// Marks are every manager's lane changes since the swarm was built
	// (cluster.Mark); the lane at From is the last mark before it.
	Marks []cluster.Mark
	Step  time.Duration // between samples: a whole number of seconds
	// Samples are taken at From, every Step after it, and at To.
	Samples []Sample
}

// Sample is the services at one moment.
type Sample struct {
	At      time.Duration
	Running map[string]int // service → tasks running on live nodes
	Desired map[string]int // service → desired tasks (a global service's follows its eligible nodes)
}

// sampleStep spreads at most MaxSamples samples over d, a whole number of
// seconds apart, so that sample times read well.
func sampleStep(d time.Duration) time.Duration {
	step := (d + MaxSamples - 1) / MaxSamples
	return max(time.Second, (step+time.Second-1)/time.Second*time.Second)
}

// begin starts recording a run of c that will last total. Running in
// steps handles exactly the events one RunFor would, in the same order:
// the recording changes nothing in the run.
func (h *History) begin(c *cluster.Cluster, total time.Duration) {
	h.From, h.Step = c.Now(), sampleStep(total)
	h.sample(c)
}

// run runs c for d, sampling its services as it goes; a run may take
// several calls (a restart in the middle of it).
func (h *History) run(c *cluster.Cluster, d time.Duration) error {
	for left := d; left > 0; left -= h.Step {
		if err := c.RunFor(min(h.Step, left)); err != nil {
			return err
		}
		h.sample(c)
	}
	return nil
}

// end closes the recording with every lane change the cluster traced.
func (h *History) end(c *cluster.Cluster) {
	h.To = c.Now()
	h.Marks = c.Trace()
}

func (h *History) sample(c *cluster.Cluster) {
	s := Sample{At: c.Now(), Running: map[string]int{}, Desired: map[string]int{}}
	for _, sv := range c.Snapshot().Services {
		s.Running[sv.Name], s.Desired[sv.Name] = sv.Running, sv.Desired
	}
	h.Samples = append(h.Samples, s)
}
