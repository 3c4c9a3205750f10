package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/swarm"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/drillrun"
	"github.com/swarmsim/swarmsim/internal/sink"
)

// The read commands of a drill, drawn as Docker's CLI draws them: its
// tables, its inspect JSON in the shape of the types Docker publishes
// (github.com/moby/moby/api/types/swarm), the text of --pretty, docker
// info's Swarm section and service logs. Only what the simulation models
// is filled in; names stand in for Docker's IDs.

// drawRead writes one of the read views; it reports whether v was one.
func drawRead(w io.Writer, v drillrun.View) bool {
	switch v.Kind {
	case drillrun.NodeTable:
		quietly(w, v.Quiet, func(w io.Writer) { NodeLS(w, v.Snap) })
	case drillrun.ServiceTable:
		quietly(w, v.Quiet, func(w io.Writer) { ServiceLS(w, v.Snap) })
	case drillrun.ServiceTasksTable:
		ServicePS(w, v.Snap, v.Service) // the runner checked that the service exists
	case drillrun.ServiceInspectView:
		if v.Pretty {
			for _, s := range v.Services {
				servicePretty(w, s)
			}
		} else {
			inspectJSON(w, servicesJSON(v.Services))
		}
	case drillrun.NodeInspectView:
		var nodes []swarm.Node
		for _, name := range v.Names {
			i := slices.IndexFunc(v.Snap.Nodes, func(n cluster.NodeView) bool { return n.Name == name })
			nodes = append(nodes, nodeJSON(v.Snap.Nodes[i]))
		}
		if v.Pretty {
			for _, n := range nodes {
				nodePretty(w, n)
			}
		} else {
			inspectJSON(w, nodes)
		}
	case drillrun.ServiceLogsView:
		serviceLogs(w, v.Snap, v.Service)
	case drillrun.InfoView:
		info(w, v.Snap, v.Node)
	default:
		return false
	}
	return true
}

// quietly is -q: the first column of the table, without its header.
func quietly(w io.Writer, quiet bool, table func(io.Writer)) {
	if !quiet {
		table(w)
		return
	}
	var b bytes.Buffer
	table(&b)
	sc := bufio.NewScanner(&b)
	for first := true; sc.Scan(); first = false {
		if f := strings.Fields(sc.Text()); !first && len(f) > 0 {
			fmt.Fprintln(w, f[0])
		}
	}
}

// inspectJSON indents as docker inspect does: four spaces, a list.
func inspectJSON(w io.Writer, v any) {
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		panic(err) // Docker's own types always marshal
	}
	fmt.Fprintf(w, "%s\n", b)
}

func servicesJSON(specs []cluster.ServiceSpec) []swarm.Service {
	out := make([]swarm.Service, len(specs))
	for i, s := range specs {
		out[i] = swarm.Service{ID: s.Name, Spec: serviceSpec(s)}
	}
	return out
}

func serviceSpec(s cluster.ServiceSpec) swarm.ServiceSpec {
	labels := s.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	spec := swarm.ServiceSpec{Annotations: swarm.Annotations{Name: s.Name, Labels: labels}}
	t := &spec.TaskTemplate
	t.ContainerSpec = &swarm.ContainerSpec{Image: s.Image, Env: s.Env}
	t.Resources = &swarm.ResourceRequirements{Limits: &swarm.Limit{NanoCPUs: s.LimitNanoCPUs, MemoryBytes: s.LimitMemoryBytes},
		Reservations: &swarm.Resources{NanoCPUs: s.NanoCPUs, MemoryBytes: s.MemoryBytes}}
	attempts := uint64(s.Restart.MaxAttempts)
	t.RestartPolicy = &swarm.RestartPolicy{Condition: swarm.RestartPolicyCondition(s.Restart.Condition), Delay: &s.Restart.Delay,
		MaxAttempts: &attempts, Window: &s.Restart.Window}
	t.Placement = &swarm.Placement{Constraints: s.Constraints, MaxReplicas: uint64(s.MaxReplicas)}
	for _, p := range s.Preferences {
		t.Placement.Preferences = append(t.Placement.Preferences, swarm.PlacementPreference{Spread: &swarm.SpreadOver{SpreadDescriptor: p}})
	}
	t.ForceUpdate = s.ForceUpdate
	if s.Mode == "global" {
		spec.Mode.Global = &swarm.GlobalService{}
	} else {
		n := uint64(s.Replicas)
		spec.Mode.Replicated = &swarm.ReplicatedService{Replicas: &n}
	}
	spec.UpdateConfig, spec.RollbackConfig = updateConfig(s.Update), updateConfig(s.Rollback)
	mode := swarm.ResolutionModeVIP
	if s.EndpointMode != "" {
		mode = swarm.ResolutionMode(s.EndpointMode)
	}
	spec.EndpointSpec = &swarm.EndpointSpec{Mode: mode}
	for _, p := range s.Ports {
		spec.EndpointSpec.Ports = append(spec.EndpointSpec.Ports, swarm.PortConfig{Protocol: portProtocol(p.Protocol),
			TargetPort: p.Target, PublishedPort: p.Published, PublishMode: swarm.PortConfigPublishMode(p.Mode)})
	}
	return spec
}

func updateConfig(u cluster.UpdateConfig) *swarm.UpdateConfig {
	return &swarm.UpdateConfig{Parallelism: uint64(u.Parallelism), Delay: u.Delay, FailureAction: swarm.FailureAction(u.FailureAction),
		Monitor: u.Monitor, MaxFailureRatio: float32(u.MaxFailureRatio) / 1e6, Order: swarm.UpdateOrder(u.Order)}
}

func nodeJSON(n cluster.NodeView) swarm.Node {
	out := swarm.Node{ID: n.Name,
		Spec: swarm.NodeSpec{Annotations: swarm.Annotations{Labels: map[string]string{"zone": n.Zone}},
			Role: swarm.NodeRole(n.Role), Availability: swarm.NodeAvailability(n.Availability)},
		Description: swarm.NodeDescription{Hostname: n.Name, Platform: swarm.Platform{Architecture: "x86_64", OS: "linux"}},
		Status:      swarm.NodeStatus{State: swarm.NodeState(n.Status), Addr: n.Name},
	}
	if n.Role == cluster.RoleManager {
		out.ManagerStatus = &swarm.ManagerStatus{Leader: n.Leader, Reachability: swarm.Reachability(strings.ToLower(n.ManagerStatus)), Addr: n.Name + ":2377"}
		if n.Leader {
			out.ManagerStatus.Reachability = swarm.ReachabilityReachable
		}
	}
	return out
}

// servicePretty is docker service inspect --pretty, for the fields the
// simulation models, in the order of docker/cli's template.
func servicePretty(w io.Writer, s cluster.ServiceSpec) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", texts(a)...) }
	p("")
	p("ID:\t\t%s", s.Name)
	p("Name:\t\t%s", s.Name)
	if len(s.Labels) > 0 {
		p("Labels:")
		for _, k := range sortedKeys(s.Labels) {
			if v := s.Labels[k]; v != "" {
				p(" %s=%s", k, v)
			} else {
				p(" %s", k)
			}
		}
	}
	if s.Mode == "global" {
		p("Service Mode:\tGlobal")
	} else {
		p("Service Mode:\tReplicated")
		p(" Replicas:\t%d", s.Replicas)
	}
	p("Placement:")
	if len(s.Constraints) > 0 {
		p(" Constraints:\t[%s]", strings.Join(s.Constraints, " "))
	}
	if len(s.Preferences) > 0 {
		prefs := make([]string, len(s.Preferences))
		for i, d := range s.Preferences {
			prefs[i] = "spread=" + d
		}
		p(" Preferences:   [%s]", strings.Join(prefs, " "))
	}
	if s.MaxReplicas > 0 {
		p(" Max Replicas Per Node:   %d", s.MaxReplicas)
	}
	prettyUpdate(p, "UpdateConfig", "Update order", s.Update)
	prettyUpdate(p, "RollbackConfig", "Rollback order", s.Rollback)
	p("ContainerSpec:")
	p(" Image:\t\t%s", s.Image)
	if len(s.Env) > 0 {
		p(" Env:\t\t%s ", strings.Join(s.Env, " "))
	}
	if s.NanoCPUs > 0 || s.MemoryBytes > 0 || s.LimitNanoCPUs > 0 || s.LimitMemoryBytes > 0 {
		p("Resources:")
		prettyResources(p, "Reservations", s.NanoCPUs, s.MemoryBytes)
		prettyResources(p, "Limits", s.LimitNanoCPUs, s.LimitMemoryBytes)
	}
	mode := s.EndpointMode
	if mode == "" {
		mode = "vip"
	}
	p("Endpoint Mode:\t%s", mode)
	if len(s.Ports) > 0 {
		p("Ports:")
		for _, port := range s.Ports {
			p(" PublishedPort = %d", port.Published)
			p("  Protocol = %s", portProtocol(port.Protocol))
			p("  TargetPort = %d", port.Target)
			p("  PublishMode = %s", port.Mode)
		}
	}
}

func prettyUpdate(p func(string, ...any), title, order string, u cluster.UpdateConfig) {
	p("%s:", title)
	p(" Parallelism:\t%d", u.Parallelism)
	if u.Delay > 0 {
		p(" Delay:\t\t%s", u.Delay)
	}
	p(" On failure:\t%s", u.FailureAction)
	if u.Monitor > 0 {
		p(" Monitoring Period: %s", u.Monitor)
	}
	p(" Max failure ratio: %s", fraction(u.MaxFailureRatio))
	p(" %s:%s%s", order, strings.Repeat(" ", 18-len(order)), u.Order)
}

// fraction writes millionths as Docker prints the float: 0, 0.25, 0.1.
func fraction(millionths int) string {
	s := fmt.Sprintf("%d.%06d", millionths/1e6, millionths%1e6)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

func prettyResources(p func(string, ...any), title string, nanoCPUs, memory int64) {
	if nanoCPUs == 0 && memory == 0 {
		return
	}
	p(" %s:", title)
	if nanoCPUs > 0 {
		p("  CPU:\t\t%s", fraction(int(nanoCPUs/1000)))
	}
	if memory > 0 {
		p("  Memory:\t%s", bytesSize(memory))
	}
}

// bytesSize is docker/go-units' BytesSize: binary units, up to 4
// significant digits, as docker service inspect --pretty shows memory.
func bytesSize(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i, whole, rest := 0, n, int64(0)
	for whole >= 1024 && i < len(units)-1 {
		whole, rest = whole/1024, whole%1024
		i++
	}
	if rest == 0 {
		return fmt.Sprintf("%d%s", whole, units[i])
	}
	hundredths := (rest*100 + 512) / 1024
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%d.%02d", whole, hundredths), "0"), ".") + units[i]
}

func portProtocol(p string) network.IPProtocol {
	if p == "" {
		return network.TCP
	}
	return network.IPProtocol(p)
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// nodePretty is docker node inspect --pretty, for the fields the
// simulation models.
func nodePretty(w io.Writer, n swarm.Node) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", texts(a)...) }
	p("ID:\t\t\t%s", n.ID)
	if len(n.Spec.Labels) > 0 {
		p("Labels:")
		for _, k := range sortedKeys(n.Spec.Labels) {
			p(" - %s=%s", k, n.Spec.Labels[k])
		}
	}
	p("Hostname:              \t%s", n.Description.Hostname)
	p("Status:")
	p(" State:\t\t\t%s", title(string(n.Status.State)))
	p(" Availability:         \t%s", title(string(n.Spec.Availability)))
	p(" Address:\t\t%s", n.Status.Addr)
	if m := n.ManagerStatus; m != nil {
		p("Manager Status:")
		p(" Address:\t\t%s", m.Addr)
		p(" Raft Status:\t\t%s", title(string(m.Reachability)))
		p(" Leader:\t\t%s", map[bool]string{true: "Yes", false: "No"}[m.Leader])
	}
	p("Platform:")
	p(" Operating System:\t%s", n.Description.Platform.OS)
	p(" Architecture:\t\t%s", n.Description.Platform.Architecture)
}

// serviceLogs is docker service logs: a simulated container writes no
// output, so each task's lines are the events a real one's log shows
// around it, in Docker's prefix NAME.SLOT.TASKID@NODE.
func serviceLogs(w io.Writer, s cluster.Snapshot, service string) {
	tasks := slices.Clone(s.Tasks)
	slices.SortStableFunc(tasks, func(a, b *cluster.Task) int { return int(a.Created - b.Created) })
	for _, t := range tasks {
		if t.Service != service || t.Node == "" {
			continue
		}
		prefix := fmt.Sprintf("%s.%s@%s    | ", sink.Text(t.Name()), t.ID, sink.Text(t.Node))
		at := func(ms int64) string { return cluster.FormatTime(time.Duration(ms) * time.Millisecond) }
		if t.Started > 0 {
			fmt.Fprintf(w, "%s%s container started from %s\n", prefix, at(t.Started), sink.Text(t.Image))
		}
		if t.Ended > 0 {
			how := "exited with status 1"
			if t.ExitOK {
				how = "exited with status 0"
			}
			if t.Reason != "" {
				how += ": " + t.Reason
			}
			fmt.Fprintf(w, "%s%s container %s\n", prefix, at(t.Ended), sink.Text(how))
		}
	}
}

// info is docker info's Swarm section, as docker/cli's printSwarmInfo
// writes it for a manager, with swarmkit's default Raft settings.
func info(w io.Writer, s cluster.Snapshot, node string) {
	managers, nodes := 0, 0
	for _, n := range s.Nodes {
		if n.Status == "" {
			continue
		}
		nodes++
		if n.Role == cluster.RoleManager {
			managers++
		}
	}
	p := func(a ...any) { fmt.Fprintln(w, texts(a)...) }
	p(" Swarm: active")
	p("  NodeID:", node)
	p("  Is Manager:", true)
	p("  Managers:", managers)
	p("  Nodes:", nodes)
	p("  Orchestration:")
	p("   Task History Retention Limit:", 5)
	p("  Raft:")
	p("   Snapshot Interval:", 10000)
	p("   Number of Old Snapshots to Retain: 0")
	p("   Heartbeat Tick:", 1)
	p("   Election Tick:", 10)
	p("  Dispatcher:")
	p("   Heartbeat Period: 5 seconds")
	p("  Autolock Managers:", s.Autolock)
	p("  Node Address:", node)
}

// texts are a renderer's arguments with every string made safe for the
// terminal (sink.Text): names, labels and images come from files other
// people wrote, and the formats around them are swarmsim's own.
func texts(a []any) []any {
	out := make([]any, len(a))
	for i, v := range a {
		if s, ok := v.(string); ok {
			v = sink.Text(s)
		}
		out[i] = v
	}
	return out
}
