// Package inspect reads a real swarm's description, as Docker prints it, so
// that swarmsim can plan for and simulate the swarm an operator actually
// runs instead of one typed on the command line.
//
// # Getting the input
//
// On any manager of the swarm:
//
//	docker node inspect $(docker node ls -q) > nodes.json
//	docker service inspect $(docker service ls -q) > services.json
//
// Each command prints one JSON array with one object per node or service,
// Docker's own Node and Service objects. Nodes and Services read those
// arrays (a single object, as the Engine API returns for one node, is read
// as a list of one). Do not add --pretty or --format: that output is for
// people, and both readers say so when they see it. On Windows PowerShell 5
// the > operator writes UTF-16; both readers recognize it and say how to
// save UTF-8 instead.
//
// # Usage
//
//	f, err := os.Open("nodes.json")
//	if err != nil {
//		return err
//	}
//	defer f.Close()
//	nodes, err := inspect.Nodes(f)
//	if err != nil {
//		return fmt.Errorf("nodes.json: %w", err) // the reader does not know the file's name
//	}
//	for _, n := range nodes {
//		fmt.Println(n.Hostname, n.Role, n.Zone, n.State)
//	}
//
// # What is read
//
// Only what a simulation of the swarm needs; everything else (Version,
// CreatedAt, TLS certificates, plugins, networks, mounts, the previous
// spec) is ignored, so fields that Docker releases add or drop elsewhere
// in these objects do not matter. Field names below are Docker's, as they
// appear in the JSON.
//
// A Node has its ID, Description.Hostname, Spec.Role, Spec.Availability,
// Status.State (with Status.Message and Status.Addr), and for managers
// ManagerStatus.Leader, .Reachability and .Addr. Its labels are
// Spec.Labels (node.labels.KEY, set with docker node update --label-add)
// and Description.Engine.Labels (engine.labels.KEY, from the daemon's
// configuration); its platform and capacity are
// Description.Platform.{OS,Architecture} and
// Description.Resources.{NanoCPUs,MemoryBytes}.
//
// A node's zone is its node label zone, as swarmsim and the usual
// placement preference spread=node.labels.zone expect, and otherwise its
// engine label zone. Node.ZoneLabel says which, and a node with neither
// has the zone "". Inspect does not decide what to do with such nodes,
// nor with two nodes that share a hostname (Docker allows it): that is the
// caller's choice.
//
// A Service has its Spec.Name and ID; its mode from Spec.Mode (Replicated
// with its Replicas, Global, ReplicatedJob with its MaxConcurrent and
// TotalCompletions, or GlobalJob); its image; its placement from
// Spec.TaskTemplate.Placement (Constraints as written, the SpreadDescriptor
// of each spread preference, MaxReplicas); its per-task reservation from
// Spec.TaskTemplate.Resources.Reservations; the ports it publishes from
// Spec.EndpointSpec.Ports (Ports, ingress and host mode, and HostPorts, the
// host-mode numbers the scheduler keeps apart); ForceUpdate; and its rolling-update
// and restart settings from Spec.UpdateConfig and
// Spec.TaskTemplate.RestartPolicy, with Docker's defaults (DefaultUpdate,
// DefaultRestart) wherever the input is silent.
//
// # Errors
//
// The first problem found ends the read. Its error is one line that names
// the element, counted from 1 in input order with its ID or name, then
// the field, what it holds and what it must hold:
//
//	node 2 (id "x1y2"): Spec.Role is "boss"; it must be "manager" or "worker"
//	node 4 (id "k2l9"): Description.Resources.NanoCPUs is a string, but it must be a whole number
//	service 1 (name "web"): Spec.Mode has neither Replicated nor Global; docker service inspect always prints one
//	malformed JSON at line 12, column 5 (byte 310): invalid character '}' looking for beginning of object key string
//
// Line, column and byte count from 1, the column in bytes. Errors do not
// name the file, which the reader never sees: prefix it as in the usage
// above. A JSON syntax error wraps *json.SyntaxError, so errors.As finds
// its offset.
//
// Both readers hold the whole input in memory, up to MaxInput bytes, and
// never panic, whatever they are given; fuzz tests hold them to that.
package inspect
