package drill

import (
	"reflect"
	"testing"
	"time"
)

func ptr0[T any](v T) *T { return &v }

// create is a docker service create with Docker's defaults, as Parse
// fills them in, for cases to change what they test.
func create(name, image string, change func(*ServiceCreate)) ServiceCreate {
	sc := ServiceCreate{Name: name, Image: image, Mode: ModeReplicated, Replicas: 1, Update: defaultUpdate, Rollback: defaultRollback, Restart: defaultRestart}
	if change != nil {
		change(&sc)
	}
	return sc
}

// everyForm is every command form with the exact tree it must parse to.
// It also seeds FuzzParse and the round-trip tests.
var everyForm = []struct {
	name string
	src  string
	want Command
}{
	{"cluster minimal", "cluster managers=3", Cluster{Managers: 3}},
	{"cluster full", "cluster managers=5 az=2-2-1 workers=6 seed=7", Cluster{Managers: 5, AZ: "2-2-1", Workers: 6, Seed: ptr0[uint64](7)}},
	{"cluster from a real swarm", "cluster from=swarm/nodes.json services=swarm/services.json seed=2", Cluster{From: "swarm/nodes.json", Services: "swarm/services.json", Seed: ptr0[uint64](2)}},
	{"cluster any order, zero seed", "cluster seed=0 workers=0 az=1-1-1 managers=3", Cluster{Managers: 3, AZ: "1-1-1", Seed: ptr0[uint64](0)}},
	{"cluster largest seed", "cluster managers=1 seed=18446744073709551615", Cluster{Managers: 1, Seed: ptr0[uint64](18446744073709551615)}},

	{"kill nodes", "kill m1 m3", Kill{Nodes: []string{"m1", "m3"}}},
	{"kill one node", "kill w12", Kill{Nodes: []string{"w12"}}},
	{"kill quoted node", `kill "m1"`, Kill{Nodes: []string{"m1"}}},
	{"kill zone", "kill az a", KillZone{Zone: "a"}},
	{"kill leader", "kill leader", KillLeader{}},
	{"kill managers", "kill 2 managers", KillManagers{N: 2}},
	{"kill one manager", "kill 1 manager", KillManagers{N: 1}},
	{"restart nodes", "restart m1 m2", Restart{Nodes: []string{"m1", "m2"}}},
	{"restart zone", "restart az a", RestartZone{Zone: "a"}},
	{"partition blanks", "partition a | b c", Partition{A: []string{"a"}, B: []string{"b", "c"}}},
	{"partition commas", "partition a,b | c", Partition{A: []string{"a", "b"}, B: []string{"c"}}},
	{"partition one word", "partition a|b,c", Partition{A: []string{"a"}, B: []string{"b", "c"}}},
	{"partition mixed", "partition a b|c", Partition{A: []string{"a", "b"}, B: []string{"c"}}},
	{"heal", "heal", Heal{}},

	{"wait seconds", "wait 30s", Wait{Duration: 30 * time.Second}},
	{"wait compound", "wait 1h30m", Wait{Duration: 90 * time.Minute}},
	{"wait fraction", "wait 1.5s", Wait{Duration: 1500 * time.Millisecond}},
	{"wait until leader", "wait until leader", WaitUntil{What: UntilLeader}},
	{"wait until quorum", "wait until quorum", WaitUntil{What: UntilQuorum}},
	{"wait until within", "wait until leader within 60s", WaitUntil{What: UntilLeader, Within: time.Minute}},

	{"service create minimal", "docker service create --name web nginx", create("web", "nginx", nil)},
	{"service create replicas", "docker service create --name web --replicas 6 nginx:1.25", create("web", "nginx:1.25", func(s *ServiceCreate) { s.Replicas = 6 })},
	{"service create zero replicas", "docker service create --name web --replicas 0 nginx", create("web", "nginx", func(s *ServiceCreate) { s.Replicas = 0 })},
	{"service create global", "docker service create --name agent --mode global agent", create("agent", "agent", func(s *ServiceCreate) { s.Mode, s.Replicas = ModeGlobal, 0 })},
	{"service create replicated said", "docker service create --name web --mode replicated --replicas 2 nginx", create("web", "nginx", func(s *ServiceCreate) { s.Replicas = 2 })},
	{"service create test image", "docker service create --name web fail:nginx:2", create("web", "fail:nginx:2", nil)},
	{"service create registry image", "docker service create --name web registry.local:5000/team/web@sha256:abc", create("web", "registry.local:5000/team/web@sha256:abc", nil)},
	{"service create placement", "docker service create --name web --constraint node.labels.zone==a --constraint node.role!=manager --placement-pref spread=node.labels.zone --placement-pref spread=engine.labels.rack nginx",
		create("web", "nginx", func(s *ServiceCreate) {
			s.Constraints = []Constraint{{Key: "node.labels.zone", Value: "a", Equal: true}, {Key: "node.role", Value: "manager"}}
			s.PlacementPrefs = []PlacementPref{{Spread: "node.labels.zone"}, {Spread: "engine.labels.rack"}}
		})},
	{"service create quoted constraint", `docker service create --name web --constraint "node.role == manager" nginx`,
		create("web", "nginx", func(s *ServiceCreate) {
			s.Constraints = []Constraint{{Key: "node.role", Value: "manager", Equal: true}}
		})},
	{"service create resources", "docker service create --name web --reserve-cpu 0.5 --reserve-memory 512M --replicas-max-per-node 2 nginx",
		create("web", "nginx", func(s *ServiceCreate) { s.ReserveCPU, s.ReserveMemory, s.MaxReplicasPerNode = 5e8, 512<<20, 2 })},
	{"service create ports", "docker service create --name web --publish published=8080,target=80,mode=host -p 8081:81 -p 53/udp --publish target=443,protocol=tcp nginx",
		create("web", "nginx", func(s *ServiceCreate) {
			s.Publish = []Port{
				{Published: 8080, Target: 80, Protocol: TCP, Mode: PortHost},
				{Published: 8081, Target: 81, Protocol: TCP, Mode: PortIngress},
				{Target: 53, Protocol: UDP, Mode: PortIngress},
				{Target: 443, Protocol: TCP, Mode: PortIngress},
			}
		})},
	{"service create update config", "docker service create --name web --update-parallelism 2 --update-delay 10s --update-failure-action rollback --update-order start-first nginx",
		create("web", "nginx", func(s *ServiceCreate) {
			s.Update = UpdateConfig{Parallelism: 2, Delay: 10 * time.Second, FailureAction: FailureRollback, Order: StartFirst, Monitor: 5 * time.Second}
		})},
	{"service create restart policy", "docker service create --name web --restart-condition on-failure --restart-delay 2s --restart-max-attempts 3 --restart-window 1m nginx",
		create("web", "nginx", func(s *ServiceCreate) {
			s.Restart = RestartPolicy{Condition: RestartOnFailure, Delay: 2 * time.Second, MaxAttempts: 3, Window: time.Minute}
		})},
	{"service create defaults written out", "docker service create --name web --replicas 1 --update-parallelism 1 --update-failure-action pause --update-order stop-first --restart-condition any --restart-delay 5s nginx",
		create("web", "nginx", nil)},
	{"service create every flag", "docker service create --name web --replicas 6 --mode replicated --constraint node.labels.zone==a --placement-pref spread=node.labels.zone --reserve-cpu 0.25 --reserve-memory 1g --replicas-max-per-node 2 --publish published=8080,target=80,mode=host --update-parallelism 0 --update-delay 10s --update-failure-action continue --update-order start-first --update-monitor 30s --update-max-failure-ratio 0.25 --rollback-parallelism 2 --rollback-delay 1s --rollback-failure-action continue --rollback-order start-first --rollback-monitor 0s --rollback-max-failure-ratio 1 --restart-condition none --restart-delay 0s --restart-max-attempts 0 --restart-window 30s nginx",
		ServiceCreate{
			Name: "web", Image: "nginx", Mode: ModeReplicated, Replicas: 6,
			Constraints:    []Constraint{{Key: "node.labels.zone", Value: "a", Equal: true}},
			PlacementPrefs: []PlacementPref{{Spread: "node.labels.zone"}},
			ReserveCPU:     25e7, ReserveMemory: 1 << 30, MaxReplicasPerNode: 2,
			Publish:  []Port{{Published: 8080, Target: 80, Protocol: TCP, Mode: PortHost}},
			Update:   UpdateConfig{Parallelism: 0, Delay: 10 * time.Second, FailureAction: FailureContinue, Order: StartFirst, Monitor: 30 * time.Second, MaxFailureRatio: 250_000},
			Rollback: UpdateConfig{Parallelism: 2, Delay: time.Second, FailureAction: FailureContinue, Order: StartFirst, Monitor: 0, MaxFailureRatio: 1_000_000},
			Restart:  RestartPolicy{Condition: RestartNone, Delay: 0, MaxAttempts: 0, Window: 30 * time.Second},
		}},

	{"service scale one", "docker service scale web=10", ServiceScale{Targets: []ScaleTarget{{Service: "web", Replicas: 10}}}},
	{"service scale several", "docker service scale web=0 api=3", ServiceScale{Targets: []ScaleTarget{{Service: "web", Replicas: 0}, {Service: "api", Replicas: 3}}}},

	{"service update nothing", "docker service update web", ServiceUpdate{Name: "web"}},
	{"service create env limits detach", "docker service create --name web -e A=1 --env B --limit-cpu 1.5 --limit-memory 1G -d nginx",
		create("web", "nginx", func(s *ServiceCreate) {
			s.Env, s.LimitCPU, s.LimitMemory, s.Detach = []string{"A=1", "B"}, 1_500_000_000, 1<<30, true
		})},
	{"service update env ports limits", "docker service update --env-add A=2 --env-rm B --publish-add 8080:80 --publish-rm 53/udp --limit-memory 0 --detach web",
		ServiceUpdate{Name: "web", EnvAdd: []string{"A=2"}, EnvRm: []string{"B"},
			PublishAdd: []Port{{Published: 8080, Target: 80, Protocol: TCP, Mode: PortIngress}},
			PublishRm:  []Port{{Target: 53, Protocol: UDP}}, LimitMemory: new(int64), Detach: true}},
	{"service scale detach", "docker service scale -d web=2", ServiceScale{Targets: []ScaleTarget{{Service: "web", Replicas: 2}}, Detach: true}},
	{"service rollback detach", "docker service rollback --detach web", ServiceRollback{Name: "web", Detach: true}},
	{"service update image", "docker service update --image nginx:1.26 web", ServiceUpdate{Name: "web", Image: "nginx:1.26"}},
	{"service update replicas zero", "docker service update --replicas 0 web", ServiceUpdate{Name: "web", Replicas: ptr0(0)}},
	{"service update force", "docker service update --force web", ServiceUpdate{Name: "web", Force: true}},
	{"service update placement", "docker service update --constraint-add node.labels.zone!=a --constraint-add node.role==worker --constraint-rm node.labels.zone==a --placement-pref-add spread=node.labels.rack --placement-pref-rm spread=node.labels.zone web",
		ServiceUpdate{
			Name:             "web",
			ConstraintAdd:    []Constraint{{Key: "node.labels.zone", Value: "a"}, {Key: "node.role", Value: "worker", Equal: true}},
			ConstraintRm:     []Constraint{{Key: "node.labels.zone", Value: "a", Equal: true}},
			PlacementPrefAdd: []PlacementPref{{Spread: "node.labels.rack"}},
			PlacementPrefRm:  []PlacementPref{{Spread: "node.labels.zone"}},
		}},
	{"service update zeroes", "docker service update --reserve-cpu 0 --reserve-memory 0 --replicas-max-per-node 0 --update-parallelism 0 --update-delay 0s --restart-delay 0s --restart-max-attempts 0 --restart-window 0s web",
		ServiceUpdate{
			Name: "web", ReserveCPU: ptr0[int64](0), ReserveMemory: ptr0[int64](0), MaxReplicasPerNode: ptr0(0),
			Update:  UpdateChange{Parallelism: ptr0(0), Delay: ptr0(time.Duration(0))},
			Restart: RestartChange{Delay: ptr0(time.Duration(0)), MaxAttempts: ptr0(0), Window: ptr0(time.Duration(0))},
		}},
	{"service update every flag", "docker service update --image nginx:2 --replicas 4 --force --reserve-cpu 1.5 --reserve-memory 256m --replicas-max-per-node 1 --update-parallelism 2 --update-delay 5s --update-failure-action rollback --update-order start-first --update-monitor 10s --update-max-failure-ratio .5 --rollback-parallelism 0 --rollback-delay 2s --rollback-failure-action pause --rollback-order stop-first --rollback-monitor 1m --rollback-max-failure-ratio 0.000001 --restart-condition on-failure --restart-delay 1s --restart-max-attempts 5 --restart-window 2m web",
		ServiceUpdate{
			Name: "web", Image: "nginx:2", Replicas: ptr0(4), Force: true,
			ReserveCPU: ptr0[int64](15e8), ReserveMemory: ptr0[int64](256 << 20), MaxReplicasPerNode: ptr0(1),
			Update:   UpdateChange{Parallelism: ptr0(2), Delay: ptr0(5 * time.Second), FailureAction: FailureRollback, Order: StartFirst, Monitor: ptr0(10 * time.Second), MaxFailureRatio: ptr0(500_000)},
			Rollback: UpdateChange{Parallelism: ptr0(0), Delay: ptr0(2 * time.Second), FailureAction: FailurePause, Order: StopFirst, Monitor: ptr0(time.Minute), MaxFailureRatio: ptr0(1)},
			Restart:  RestartChange{Condition: RestartOnFailure, Delay: ptr0(time.Second), MaxAttempts: ptr0(5), Window: ptr0(2 * time.Minute)},
		}},
	{"service rollback", "docker service rollback web", ServiceRollback{Name: "web"}},
	{"service rm", "docker service rm web", ServiceRemove{Names: []string{"web"}}},
	{"service rm several", "docker service rm web api", ServiceRemove{Names: []string{"web", "api"}}},
	{"service remove alias", "docker service remove web", ServiceRemove{Names: []string{"web"}}},

	{"node update drain", "docker node update --availability drain w3", NodeUpdate{Node: "w3", Availability: Drain}},
	{"node update labels", "docker node update --availability active --label-add zone=b --label-add ssd --label-rm rack --label-rm gpu w3",
		NodeUpdate{Node: "w3", Availability: Active, LabelAdd: []Label{{Key: "zone", Value: "b"}, {Key: "ssd"}}, LabelRm: []string{"rack", "gpu"}}},
	{"node update pause", "docker node update --availability pause m1", NodeUpdate{Node: "m1", Availability: Pause}},
	{"node promote", "docker node promote w1 w2", NodePromote{Nodes: []string{"w1", "w2"}}},
	{"node demote", "docker node demote m4", NodeDemote{Nodes: []string{"m4"}}},
	{"node rm", "docker node rm w3", NodeRemove{Nodes: []string{"w3"}}},
	{"node rm force", "docker node rm --force w3 w4", NodeRemove{Nodes: []string{"w3", "w4"}, Force: true}},
	{"swarm init", "docker swarm init --force-new-cluster", ForceNewCluster{}},
	{"swarm init on a node", "docker swarm init --force-new-cluster --advertise-addr m3", ForceNewCluster{Node: "m3"}},
	{"swarm join worker", "docker swarm join --token worker", SwarmJoin{Role: Worker}},
	{"swarm join manager", "docker swarm join --token manager --zone b --name w7", SwarmJoin{Role: Manager, Zone: "b", Name: "w7"}},

	{"expect quorum holds", "expect quorum holds", ExpectQuorum{Holds: true}},
	{"expect quorum lost", "expect quorum lost", ExpectQuorum{Holds: false}},
	{"expect leader", "expect leader", ExpectLeader{}},
	{"expect no leader", "expect no leader", ExpectLeader{None: true}},
	{"expect leader in zone", "expect leader in a", ExpectLeader{Zone: "a"}},
	{"expect service", "expect service web running 6", ExpectService{Name: "web", Running: 6}},
	{"expect service none", "expect service web running 0", ExpectService{Name: "web", Running: 0}},
	{"expect service spread", "expect service web running 6 spread a=2 b=2 c=2",
		ExpectService{Name: "web", Running: 6, Spread: []ZoneCount{{Zone: "a", Count: 2}, {Zone: "b", Count: 2}, {Zone: "c", Count: 2}}}},
	{"expect service partial spread", "expect service web running 6 spread a=0",
		ExpectService{Name: "web", Running: 6, Spread: []ZoneCount{{Zone: "a", Count: 0}}}},
	{"expect task pending", `expect task pending web "no suitable node"`, ExpectTaskPending{Service: "web", Reason: "no suitable node"}},
	{"expect task pending any", "expect task pending web", ExpectTaskPending{Service: "web"}},
	{"expect task pending escapes", `expect task pending web "say \"no\" \\ # not a comment"`, ExpectTaskPending{Service: "web", Reason: `say "no" \ # not a comment`}},
	{"expect node down", "expect node w3 down", ExpectNode{Node: "w3", State: NodeDown}},
	{"expect node ready", "expect node w3 ready", ExpectNode{Node: "w3", State: NodeReady}},
	{"expect node unknown", "expect node w3 unknown", ExpectNode{Node: "w3", State: NodeUnknown}},
	{"expect node active", "expect node w3 active", ExpectNode{Node: "w3", State: NodeActive}},
	{"expect node pause", "expect node w3 pause", ExpectNode{Node: "w3", State: NodePause}},
	{"expect node drain", "expect node w3 drain", ExpectNode{Node: "w3", State: NodeDrain}},
	{"expect error scale", `expect error "does not have a leader": docker service scale web=10`,
		ExpectError{Text: "does not have a leader", Cmd: ServiceScale{Targets: []ScaleTarget{{Service: "web", Replicas: 10}}}}},
	{"expect error spaced colon", `expect error "loss of quorum" : docker node demote m1`,
		ExpectError{Text: "loss of quorum", Cmd: NodeDemote{Nodes: []string{"m1"}}}},
	{"expect error any", `expect error "": docker service create --name web --replicas 2 nginx`,
		ExpectError{Text: "", Cmd: create("web", "nginx", func(s *ServiceCreate) { s.Replicas = 2 })}},
	{"expect error glued command", `expect error "no such node":kill m9`, ExpectError{Text: "no such node", Cmd: Kill{Nodes: []string{"m9"}}}},

	{"service create health and secrets", `docker service create --name web --health-cmd "curl -f http://localhost" --health-interval 5s --health-timeout 2s --health-start-period 10s --health-start-interval 2s --health-retries 2 --secret db_pass --secret api.key --config nginx_conf nginx`,
		create("web", "nginx", func(s *ServiceCreate) {
			s.Health = HealthCheck{Cmd: "curl -f http://localhost", Interval: 5 * time.Second, Timeout: 2 * time.Second, StartPeriod: 10 * time.Second, StartInterval: 2 * time.Second, Retries: 2}
			s.Secrets, s.Configs = []string{"db_pass", "api.key"}, []string{"nginx_conf"}
		})},
	{"service create health cmd alone", `docker service create --name web --health-cmd=true nginx`,
		create("web", "nginx", func(s *ServiceCreate) { s.Health.Cmd = "true" })},
	{"expect service in a stack", "expect service shop_web running 3", ExpectService{Name: "shop_web", Running: 3}},
	{"stack deploy", "docker stack deploy -c stack.yml shop", StackDeploy{Files: []string{"stack.yml"}, Name: "shop"}},
	{"stack deploy files merged", "docker stack deploy --compose-file base.yml -c stacks/v2.yml --compose-file=\"my stack.yml\" shop",
		StackDeploy{Files: []string{"base.yml", "stacks/v2.yml", "my stack.yml"}, Name: "shop"}},
	{"stack up alias", "docker stack up -c s.yml shop", StackDeploy{Files: []string{"s.yml"}, Name: "shop"}},
	{"stack ls", "docker stack ls", StackList{}},
	{"stack services", "docker stack services shop", StackServices{Name: "shop"}},
	{"stack ps", "docker stack ps shop", StackPS{Name: "shop"}},
	{"stack rm", "docker stack rm shop", StackRemove{Names: []string{"shop"}}},
	{"node ls", "docker node ls", NodeList{}},
	{"node ls quiet", "docker node ls -q", NodeList{Quiet: true}},
	{"node list", "docker node list --quiet", NodeList{Quiet: true}},
	{"service ls", "docker service ls", ServiceList{}},
	{"service ls quiet", "docker service ls -q", ServiceList{Quiet: true}},
	{"service ps", "docker service ps web", ServicePS{Name: "web"}},
	{"service logs", "docker service logs web", ServiceLogs{Name: "web"}},
	{"service inspect", "docker service inspect web api", ServiceInspect{Names: []string{"web", "api"}}},
	{"service inspect pretty", "docker service inspect --pretty web", ServiceInspect{Names: []string{"web"}, Pretty: true}},
	{"node inspect pretty", "docker node inspect --pretty m1", NodeInspect{Nodes: []string{"m1"}, Pretty: true}},
	{"info", "docker info", Info{}},
	{"join-token", "docker swarm join-token worker", SwarmJoinToken{Role: Worker}},
	{"join-token quiet", "docker swarm join-token -q manager", SwarmJoinToken{Role: Manager, Quiet: true}},
	{"stack down several", "docker stack down shop blog", StackRemove{Names: []string{"shop", "blog"}}},
	{"secret create stdin", "docker secret create db_pass -", SecretCreate{Name: "db_pass", File: "-"}},
	{"secret create file", "docker secret create db.pass secrets/db.txt", SecretCreate{Name: "db.pass", File: "secrets/db.txt"}},
	{"secret ls", "docker secret ls", SecretList{}},
	{"secret rm", "docker secret rm db_pass api_key", SecretRemove{Names: []string{"db_pass", "api_key"}}},
	{"config create", "docker config create nginx_conf nginx.conf", ConfigCreate{Name: "nginx_conf", File: "nginx.conf"}},
	{"config ls", "docker config ls", ConfigList{}},
	{"config rm", "docker config remove nginx_conf", ConfigRemove{Names: []string{"nginx_conf"}}},
	{"expect port open", "expect port 8080 open on w2", ExpectPort{Port: 8080, Open: true, Node: "w2"}},
	{"expect port closed", "expect port 1 closed on m1", ExpectPort{Port: 1, Node: "m1"}},
	{"expect error stack", `expect error "must be an integer": docker stack deploy -c bad.yml shop`,
		ExpectError{Text: "must be an integer", Cmd: StackDeploy{Files: []string{"bad.yml"}, Name: "shop"}}},
}

func TestParseEveryForm(t *testing.T) {
	for _, c := range everyForm {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseCommand(c.src)
			if err != nil {
				t.Fatalf("ParseCommand(%q): %v", c.src, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("ParseCommand(%q)\n got %#v\nwant %#v", c.src, got, c.want)
			}
			// The same line inside a script gives the same command, at its place.
			src := "cluster managers=3\n" + c.src
			if _, ok := c.want.(Cluster); ok {
				src = c.src
			}
			s, err := Parse("x.drill", []byte(src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			st := s.Steps[len(s.Steps)-1]
			if !reflect.DeepEqual(st.Cmd, c.want) || st.Source != c.src || st.Pos.Col != 1 {
				t.Fatalf("Parse gave step %+v", st)
			}
		})
	}
}

// TestStringParsesBack checks each form's canonical String against the tree it came from.
func TestStringParsesBack(t *testing.T) {
	for _, c := range everyForm {
		t.Run(c.name, func(t *testing.T) {
			s := c.want.String()
			got, err := ParseCommand(s)
			if err != nil {
				t.Fatalf("String() = %q does not parse: %v", s, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("String() = %q parses to %#v, want %#v", s, got, c.want)
			}
		})
	}
}
