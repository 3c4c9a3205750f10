package drill

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Pos is a place in a drill file. Col counts runes, not bytes, so it is the
// column an editor shows for UTF-8 text.
type Pos struct {
	Line, Col int // both 1-based
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Script is a parsed drill file.
type Script struct {
	File string
	// Steps run in order. Parse guarantees that Steps[0].Cmd is a Cluster
	// and that no other step is.
	Steps []Step
	// Comments are kept only so that Format can write them back; they
	// never change what a drill does.
	Comments []Comment
}

// Step is one command and where it was written.
type Step struct {
	Pos    Pos    // the command's first word
	Source string // the line as written, without its comment and surrounding blanks
	Cmd    Command
}

// Comment is a '#' comment, on a line of its own or after a command.
type Comment struct {
	Pos  Pos    // the '#'
	Text string // from '#' to the end of the line, trailing blanks removed
}

// Command is one of the command types below; a runner switches on the
// type. String writes the command in its canonical one-line form, which
// parses back to an equal value.
type Command interface {
	fmt.Stringer
	command() // only this package's types are commands
}

// ---- Simulator commands ----

// Cluster builds the swarm: `cluster managers=5 az=2-2-1 workers=6 seed=7`.
type Cluster struct {
	Managers int // ≥ 1
	// AZ is the managers per zone as written, like "2-2-1"; package az
	// reads it. Parse has checked that it is valid and adds up to
	// Managers. "" when not given: the runner decides the zones.
	AZ      string
	Workers int     // ≥ 0
	Seed    *uint64 // nil when not given: the runner's default seed
	// Autolock is `docker swarm init --autolock`: managers that restart
	// stay locked until they are given the unlock key.
	Autolock bool
	// From names a file holding `docker node inspect $(docker node ls -q)`
	// output: the swarm is built from it, and Managers, AZ and Workers are
	// then 0 and "". Services names `docker service inspect` output whose
	// services are created. Relative paths are the runner's to resolve
	// (swarmsim resolves them against the drill's directory).
	From, Services string
}

// Kill crashes the named nodes: `kill m1 m3`.
type Kill struct {
	Nodes []string // at least one, no repeats
}

// KillZone crashes every node of a zone: `kill az a`.
type KillZone struct {
	Zone string
}

// KillLeader crashes whichever manager leads when the step runs: `kill leader`.
type KillLeader struct{}

// KillManagers crashes N managers, the leader first, then a seeded choice,
// as the command line's --kill N does: `kill 2 managers`.
type KillManagers struct {
	N int // ≥ 1
}

// Restart brings crashed nodes back: `restart m1 m2`.
type Restart struct {
	Nodes []string // at least one, no repeats
}

// RestartZone brings every node of a zone back: `restart az a`.
type RestartZone struct {
	Zone string
}

// Partition cuts every link between a zone in A and a zone in B:
// `partition a | b c`. Zones named on neither side keep their links.
type Partition struct {
	A, B []string // each non-empty; no zone twice, on either side
}

// Heal restores every link cut by partitions: `heal`.
type Heal struct{}

// Wait runs the simulation for a span of simulated time: `wait 30s`.
type Wait struct {
	Duration time.Duration // > 0
}

// Until is what `wait until` waits for.
type Until string

const (
	UntilLeader Until = "leader" // some manager leads
	UntilQuorum Until = "quorum" // a quorum of managers is alive and connected
)

// WaitUntil runs the simulation until a condition holds:
// `wait until leader within 60s`.
type WaitUntil struct {
	What Until
	// Within is the most simulated time to wait; 0 when not given, and the
	// runner picks its own limit. When it passes without What holding,
	// the step fails.
	Within time.Duration
}

// ---- Docker commands ----

// Mode is a service's --mode.
type Mode string

const (
	ModeReplicated Mode = "replicated" // a desired number of tasks
	ModeGlobal     Mode = "global"     // one task on every eligible node
)

// Constraint is one --constraint: node.labels.zone==a, node.role!=manager.
// Its fields match scheduler.Constraint, so one converts to the other.
type Constraint struct {
	Key   string // node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.KEY or engine.labels.KEY; the fixed part lower case
	Value string // spaces around it removed
	Equal bool   // true for ==, false for !=
}

func (c Constraint) String() string {
	op := "!="
	if c.Equal {
		op = "=="
	}
	return c.Key + op + c.Value
}

// PlacementPref is one --placement-pref. Docker has one strategy, spread.
type PlacementPref struct {
	Spread string // the label to spread over: node.labels.KEY or engine.labels.KEY
}

func (p PlacementPref) String() string { return "spread=" + p.Spread }

// PortMode is how a port is published.
type PortMode string

const (
	PortIngress PortMode = "ingress" // on every node, through the routing mesh
	PortHost    PortMode = "host"    // only on the nodes running a task; two tasks cannot share a node's port
)

// Protocol is a published port's protocol.
type Protocol string

const (
	TCP  Protocol = "tcp"
	UDP  Protocol = "udp"
	SCTP Protocol = "sctp"
)

// Port is one --publish (or -p).
type Port struct {
	Published int      // 1–65535, or 0 when not given (Docker picks one)
	Target    int      // 1–65535: the container's port
	Protocol  Protocol // Parse fills TCP when not given
	Mode      PortMode // Parse fills PortIngress when not given
}

// String is the long form Docker documents, leaving out the defaults.
func (p Port) String() string {
	var parts []string
	if p.Published != 0 {
		parts = append(parts, "published="+strconv.Itoa(p.Published))
	}
	parts = append(parts, "target="+strconv.Itoa(p.Target))
	if p.Protocol != "" && p.Protocol != TCP {
		parts = append(parts, "protocol="+string(p.Protocol))
	}
	if p.Mode != "" && p.Mode != PortIngress {
		parts = append(parts, "mode="+string(p.Mode))
	}
	return strings.Join(parts, ",")
}

// FailureAction is --update-failure-action.
type FailureAction string

const (
	FailurePause    FailureAction = "pause"
	FailureContinue FailureAction = "continue"
	FailureRollback FailureAction = "rollback"
)

// UpdateOrder is --update-order.
type UpdateOrder string

const (
	StopFirst  UpdateOrder = "stop-first"
	StartFirst UpdateOrder = "start-first"
)

// RestartCondition is --restart-condition.
type RestartCondition string

const (
	RestartNone      RestartCondition = "none"
	RestartOnFailure RestartCondition = "on-failure"
	RestartAny       RestartCondition = "any"
)

// UpdateConfig is a new service's --update-* (or --rollback-*) settings,
// Docker's defaults filled in where a flag was not given.
type UpdateConfig struct {
	Parallelism   int           // tasks updated at once; 0 means all at once. Default 1
	Delay         time.Duration // after each new task runs, before the next. Default 0
	FailureAction FailureAction // default FailurePause; a rollback cannot fail into a rollback
	Order         UpdateOrder   // default StopFirst
	// Monitor is how long after it starts to run a new task's failure
	// still counts against the update. Default 5s.
	Monitor time.Duration
	// MaxFailureRatio is the share of updated tasks that may fail before
	// the failure action applies, in millionths: 0.25 is 250000, so no
	// float reaches a decision. Default 0.
	MaxFailureRatio int
}

// RestartPolicy is a new service's --restart-* settings, Docker's defaults
// filled in where a flag was not given.
type RestartPolicy struct {
	Condition   RestartCondition // default RestartAny
	Delay       time.Duration    // default 5s
	MaxAttempts int              // 0 means no limit. Default 0
	Window      time.Duration    // default 0
}

// Docker's defaults for a new service. Parse fills them in and String
// leaves them out, so both directions agree on one table.
var (
	defaultUpdate   = UpdateConfig{Parallelism: 1, FailureAction: FailurePause, Order: StopFirst, Monitor: 5 * time.Second}
	defaultRollback = defaultUpdate // Docker's rollback defaults are its update defaults
	defaultRestart  = RestartPolicy{Condition: RestartAny, Delay: 5 * time.Second}
)

// ServiceCreate is `docker service create`. Every field holds the value the
// service gets, with Docker's defaults filled in by Parse, so a runner
// needs no knowledge of Docker's defaults.
type ServiceCreate struct {
	Name  string
	Image string // as written: nginx, nginx:1.25, or a runner's test image like fail:nginx:2
	Mode  Mode   // ModeReplicated unless --mode global
	// Replicas is the desired task count of a replicated service: 1 when
	// not given, and 0 is valid. Always 0 for a global service, for which
	// --replicas is an error.
	Replicas           int
	Constraints        []Constraint    // all must hold
	PlacementPrefs     []PlacementPref // nested in the order given
	ReserveCPU         int64           // nano-CPUs: --reserve-cpu 0.5 is 500000000; 0 reserves none
	ReserveMemory      int64           // bytes: --reserve-memory 512M is 536870912; 0 reserves none
	MaxReplicasPerNode int             // 0 means no limit; an error with --mode global
	Publish            []Port
	Update             UpdateConfig
	Rollback           UpdateConfig // --rollback-*
	Restart            RestartPolicy
	Health             HealthCheck // --health-*; the zero value has no health check
	Secrets            []string    // --secret NAME, each a secret the tasks mount
	Configs            []string    // --config NAME
	Env                []string    // --env KEY=VALUE, in order: recorded, as docker service inspect shows it
	LimitCPU           int64       // --limit-cpu in nano-CPUs: recorded, not enforced
	LimitMemory        int64       // --limit-memory in bytes: recorded, not enforced
	Detach             bool        // --detach: changes nothing (see ServiceScale.Detach)
}

// ServiceScale is `docker service scale web=10 api=3`.
type ServiceScale struct {
	Targets []ScaleTarget // at least one, no service twice
	// Detach is --detach/-d: Docker's CLI then returns without waiting for
	// the tasks. The simulation applies a command at once and moves time
	// only with wait, so it changes nothing; it is kept to be written back.
	Detach bool
}

// ScaleTarget is one SERVICE=REPLICAS of docker service scale.
type ScaleTarget struct {
	Service  string
	Replicas int // ≥ 0
}

func (t ScaleTarget) String() string { return t.Service + "=" + strconv.Itoa(t.Replicas) }

// ServiceUpdate is `docker service update`. Only what was given changes: a
// nil pointer, an empty string or an empty list leaves that part of the
// service as it is.
type ServiceUpdate struct {
	Name               string
	Image              string // "" keeps the image
	Replicas           *int
	Force              bool // --force: replace every task even if nothing changed, which rebalances
	ConstraintAdd      []Constraint
	ConstraintRm       []Constraint // removed where equal to one already on the service
	PlacementPrefAdd   []PlacementPref
	PlacementPrefRm    []PlacementPref
	ReserveCPU         *int64 // nano-CPUs; 0 removes the reservation
	ReserveMemory      *int64 // bytes; 0 removes the reservation
	MaxReplicasPerNode *int   // 0 removes the limit
	Update             UpdateChange
	Rollback           UpdateChange // --rollback-*
	Restart            RestartChange
	EnvAdd             []string // --env-add KEY=VALUE
	EnvRm              []string // --env-rm KEY
	PublishAdd         []Port   // --publish-add
	PublishRm          []Port   // --publish-rm: removes the ports with this target port and protocol
	LimitCPU           *int64   // --limit-cpu; 0 removes the limit
	LimitMemory        *int64   // --limit-memory; 0 removes the limit
	Detach             bool     // --detach: changes nothing (see ServiceScale.Detach)
}

// UpdateChange is the --update-* (or --rollback-*) flags given to docker
// service update.
type UpdateChange struct {
	Parallelism     *int
	Delay           *time.Duration
	FailureAction   FailureAction // "" keeps it
	Order           UpdateOrder   // "" keeps it
	Monitor         *time.Duration
	MaxFailureRatio *int // millionths, as UpdateConfig's
}

// RestartChange is the --restart-* flags given to docker service update.
type RestartChange struct {
	Condition   RestartCondition // "" keeps it
	Delay       *time.Duration
	MaxAttempts *int
	Window      *time.Duration
}

// ServiceRollback is `docker service rollback web`: back to the previous spec.
type ServiceRollback struct {
	Name   string
	Detach bool // --detach: changes nothing (see ServiceScale.Detach)
}

// ServiceRemove is `docker service rm web api`.
type ServiceRemove struct {
	Names []string // at least one, no repeats
}

// Availability is a node's --availability.
type Availability string

const (
	Active Availability = "active" // takes new tasks
	Pause  Availability = "pause"  // keeps its tasks, takes no new ones
	Drain  Availability = "drain"  // its tasks move elsewhere
)

// Label is one node label, KEY=VALUE.
type Label struct {
	Key   string // non-empty
	Value string // may be empty: --label-add ssd sets ssd to ""
}

func (l Label) String() string {
	if l.Value == "" {
		return l.Key
	}
	return l.Key + "=" + l.Value
}

// NodeUpdate is `docker node update`. Only what was given changes.
type NodeUpdate struct {
	Node         string
	Availability Availability // "" keeps it
	LabelAdd     []Label
	LabelRm      []string // label keys
}

// NodePromote is `docker node promote w1 w2`: workers become managers.
type NodePromote struct {
	Nodes []string // at least one, no repeats
}

// NodeDemote is `docker node demote m4`: managers become workers.
type NodeDemote struct {
	Nodes []string // at least one, no repeats
}

// NodeRemove is `docker node rm [--force] w3`.
type NodeRemove struct {
	Nodes []string // at least one, no repeats
	Force bool     // remove even a node that is not down
}

// ForceNewCluster is `docker swarm init --force-new-cluster
// [--advertise-addr m3]`: the recovery from lost quorum, run on a
// surviving manager, which becomes a one-manager swarm keeping its state.
type ForceNewCluster struct {
	Node string // the manager it runs on; "" lets the runner pick a surviving one
}

// Role is what a node joins as.
type Role string

const (
	Worker  Role = "worker"
	Manager Role = "manager"
)

// SwarmJoin is `docker swarm join --token worker [--zone b] [--name w7]`:
// a new node joins with the worker or the manager token.
type SwarmJoin struct {
	Role Role
	Zone string // "" lets the runner choose
	Name string // "" lets the runner name it
}

// ---- Expectations ----

// ExpectQuorum is `expect quorum holds` or `expect quorum lost`.
type ExpectQuorum struct {
	Holds bool
}

// ExpectLeader is `expect leader`, `expect leader in a` or `expect no leader`.
type ExpectLeader struct {
	None bool   // expect no leader; Zone is then ""
	Zone string // the zone the leader must be in; "" for any
}

// ExpectService is `expect service web running 6 [spread a=2 b=2 c=2]`.
type ExpectService struct {
	Name    string
	Running int // running tasks
	// Spread is the running tasks expected in each zone listed; zones not
	// listed are not checked. Parse has checked that it adds up to no
	// more than Running. nil when not given.
	Spread []ZoneCount
}

// ZoneCount is one ZONE=N of an expectation's spread.
type ZoneCount struct {
	Zone  string
	Count int // ≥ 0
}

func (z ZoneCount) String() string { return z.Zone + "=" + strconv.Itoa(z.Count) }

// ExpectTaskPending is `expect task pending web "no suitable node"`: some
// task of the service is pending and its reason contains Reason.
type ExpectTaskPending struct {
	Service string
	Reason  string // "" matches any reason
}

// NodeState is what `expect node` checks. Down, ready and unknown (a new
// leader has not heard from the node yet) are the node's status; active, pause and drain are its availability; locked is a
// manager waiting for the unlock key.
type NodeState string

const (
	NodeDown  NodeState = "down"
	NodeReady NodeState = "ready"
	// NodeUnknown is the status a new leader gives every node that is not
	// down until it reports in (swarmkit's markNodesUnknown).
	NodeUnknown NodeState = "unknown"
	NodeActive  NodeState = "active"
	NodePause   NodeState = "pause"
	NodeDrain   NodeState = "drain"
	NodeLocked  NodeState = "locked"
)

// ExpectNode is `expect node w3 down`.
type ExpectNode struct {
	Node  string
	State NodeState
}

// ExpectError is `expect error "does not have a leader": docker service
// scale web=10`: Cmd must fail with an error containing Text.
type ExpectError struct {
	Text string  // "" matches any error
	Cmd  Command // never an expectation or a Cluster
}

func (Cluster) command()           {}
func (Kill) command()              {}
func (KillZone) command()          {}
func (KillLeader) command()        {}
func (KillManagers) command()      {}
func (Restart) command()           {}
func (RestartZone) command()       {}
func (Partition) command()         {}
func (Heal) command()              {}
func (Wait) command()              {}
func (WaitUntil) command()         {}
func (ServiceCreate) command()     {}
func (ServiceScale) command()      {}
func (ServiceUpdate) command()     {}
func (ServiceRollback) command()   {}
func (ServiceRemove) command()     {}
func (NodeUpdate) command()        {}
func (NodePromote) command()       {}
func (NodeDemote) command()        {}
func (NodeRemove) command()        {}
func (ForceNewCluster) command()   {}
func (SwarmJoin) command()         {}
func (ExpectQuorum) command()      {}
func (ExpectLeader) command()      {}
func (ExpectService) command()     {}
func (ExpectTaskPending) command() {}
func (ExpectNode) command()        {}
func (ExpectError) command()       {}
