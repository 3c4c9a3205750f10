package drill

import (
	"errors"
	"strings"
	"testing"
)

// c3 is a cluster line, so that the line under test is line 2.
const c3 = "cluster managers=3\n"

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		// Words and quotes.
		{"unterminated quote", c3 + `expect error "abc`, `x.drill:2:14: this quoted string has no closing quote; end it with "`},
		{"backslash ends the line", c3 + `expect error "abc\`, `x.drill:2:14: this quoted string has no closing quote; end it with "`},
		{"unknown escape", c3 + `expect error "a\nb": heal`, `x.drill:2:16: unknown escape \n in a quoted string; only \", \\ and \xHH are escapes, so write \\ for a backslash`},
		{"quote inside a word", c3 + `kill m"1"`, `x.drill:2:7: a quoted string must start a word or follow "=", like --constraint="node.role == manager"; put a space before the quote`},
		{"no blank after a quote", c3 + `expect task pending web "x"y`, `x.drill:2:28: put a space after the closing quote`},
		{"no blank after a joined quote", c3 + `docker service create --name="web"x nginx`, `x.drill:2:35: put a space after the closing quote`},
		{"columns count runes", c3 + `expect error "é": kil m1`, `x.drill:2:19: unknown command "kil"; did you mean "kill"?`},
		{"tab is one column", c3 + "\tkil m1", `x.drill:2:2: unknown command "kil"; did you mean "kill"?`},
		{"crlf line endings", "cluster managers=3\r\nkil m1\r\n", `x.drill:2:1: unknown command "kil"; did you mean "kill"?`},

		// The cluster line.
		{"missing cluster line", "kill m1", `x.drill:1:1: a drill starts with its cluster line, like: cluster managers=5 az=2-2-1; add one before this line`},
		{"missing cluster after comments", "# hi\n\n  heal", `x.drill:3:3: a drill starts with its cluster line, like: cluster managers=5 az=2-2-1; add one before this line`},
		{"empty script", "", `x.drill:1:1: the drill has no commands; start it with a cluster line, like: cluster managers=5 az=2-2-1`},
		{"only comments", "# only\n\n", `x.drill:1:1: the drill has no commands; start it with a cluster line, like: cluster managers=5 az=2-2-1`},
		{"second cluster line", c3 + "heal\ncluster managers=5", `x.drill:3:1: a drill has one cluster line, and line 1 is it; change the swarm with kill, restart and docker swarm join instead`},
		{"cluster without managers", "cluster az=1-1-1", `x.drill:1:1: cluster needs managers=N (or from=FILE with docker node inspect output), like: cluster managers=5 az=2-2-1 workers=6 seed=7`},
		{"from with managers", "cluster from=nodes.json managers=3", `x.drill:1:1: from= already gives the nodes; leave out managers=`},
		{"from without a file", "cluster from=", `x.drill:1:14: from needs a file name, like from=swarm/nodes.json`},
		{"zero managers", "cluster managers=0", `x.drill:1:18: managers needs at least 1, like managers=5`},
		{"managers not a number", "cluster managers=x", `x.drill:1:18: managers needs a whole number, like managers=5`},
		{"too many managers", "cluster managers=1001", `x.drill:1:18: managers can be at most 1000, like managers=5`},
		{"misspelt setting", "cluster managers=3 worker=2", `x.drill:1:20: unknown cluster setting "worker"; did you mean "workers"?`},
		{"unknown setting", "cluster managers=3 size=2", `x.drill:1:20: unknown cluster setting "size"; the settings are managers, az, workers, seed, from, services and autolock, like: cluster managers=5 az=2-2-1 workers=6 seed=7`},
		{"setting without =", "cluster managers 3", `x.drill:1:9: cluster settings are written key=value, like: cluster managers=5 az=2-2-1 workers=6 seed=7`},
		{"quoted setting", `cluster "managers=3"`, `x.drill:1:9: cluster settings are written key=value, like: cluster managers=5 az=2-2-1 workers=6 seed=7`},
		{"setting twice", "cluster managers=3 managers=5", `x.drill:1:20: managers is set twice; set it once`},
		{"az does not add up", "cluster managers=5 az=2-2", `x.drill:1:23: az=2-2 adds up to 4 managers, but managers=5; write counts that add up to 5, like az=3-2`},
		{"az not a layout", "cluster managers=3 az=1-x-1", `x.drill:1:23: zone b is "x" in "1-x-1", which is not a whole number; write only digits for each zone, like 2-2-1`},
		{"negative seed", "cluster managers=3 seed=-1", `x.drill:1:25: seed needs a whole number from 0 up to 18446744073709551615, like seed=7`},
		{"workers not a number", "cluster managers=3 workers=lots", `x.drill:1:28: workers needs a whole number, like workers=6`},

		// Commands.
		{"misspelt command", c3 + "kil m1", `x.drill:2:1: unknown command "kil"; did you mean "kill"?`},
		{"capitalised command", c3 + "Heal", `x.drill:2:1: unknown command "Heal"; did you mean "heal"?`},
		{"unknown command", c3 + "frobnicate", `x.drill:2:1: unknown command "frobnicate"; the commands are cluster, kill, restart, partition, heal, wait, docker, expect, backup and restore`},
		{"docker without docker", c3 + "service create --name web nginx", `x.drill:2:1: unknown command "service"; Docker commands start with docker, like docker service create --name web nginx`},
		{"quoted command", c3 + `"kill" m1`, `x.drill:2:1: a command starts with a word like kill or docker, not a quoted string`},

		// Failures.
		{"kill nothing", c3 + "kill", `x.drill:2:6: kill needs what to kill: nodes (kill m1 m3), a zone (kill az a), the leader (kill leader) or a number of managers (kill 2 managers)`},
		{"kill leader and more", c3 + "kill leader m1", `x.drill:2:13: kill leader takes nothing after it; kill more on a line of their own`},
		{"kill az without zone", c3 + "kill az", `x.drill:2:9: kill az needs a zone, like kill az a`},
		{"kill two zones", c3 + "kill az a b", `x.drill:2:11: kill az takes one zone; write a line for each zone`},
		{"kill a bare number", c3 + "kill 2", `x.drill:2:8: kill 2 needs "managers" after the number, like kill 2 managers; node names start with a letter`},
		{"kill number of what", c3 + "kill 2 nodes", `x.drill:2:8: expected "managers" after kill 2, like kill 2 managers`},
		{"kill zero managers", c3 + "kill 0 managers", `x.drill:2:6: kill needs at least 1, like kill 2 managers`},
		{"kill managers and more", c3 + "kill 2 managers now", `x.drill:2:17: kill 2 managers takes nothing after it`},
		{"kill a node twice", c3 + "kill m1 m1", `x.drill:2:9: m1 is named twice; name each node once`},
		{"kill a bad name", c3 + "kill m1 2w", `x.drill:2:9: "2w" is not a node name; write a letter, then letters, digits, "-", "_" or ".", like m1 or w3`},
		{"kill quoted leader", c3 + `kill "leader"`, `x.drill:2:6: "leader" is a keyword, so it cannot name a node; name nodes like m1 or w3`},
		{"kill az among nodes", c3 + "kill m1 az", `x.drill:2:9: "az" is a keyword, so it cannot name a node; name nodes like m1 or w3`},
		{"restart nothing", c3 + "restart", `x.drill:2:9: restart needs what to bring back: nodes (restart m1 m2) or a zone (restart az a)`},
		{"restart leader", c3 + "restart leader", `x.drill:2:9: "leader" is a keyword, so it cannot name a node; name nodes like m1 or w3`},
		{"restart zones with comma", c3 + "restart az a,b", `x.drill:2:12: "a,b" is not a zone name; write a letter, then letters, digits, "-", "_" or ".", like a`},
		{"partition nothing", c3 + "partition", `x.drill:2:11: partition needs the zones of its two sides around "|", like partition a | b c`},
		{"partition without bar", c3 + "partition a b", `x.drill:2:11: partition needs "|" between its two sides, like partition a | b c`},
		{"partition two bars", c3 + "partition a | b | c", `x.drill:2:17: a partition has two sides, so one "|", like partition a | b c`},
		{"partition empty left", c3 + "partition | b", `x.drill:2:11: partition names no zone before "|"; name the zones of both sides, like partition a | b c`},
		{"partition empty right", c3 + "partition a |", `x.drill:2:15: partition names no zone after "|"; name the zones of both sides, like partition a | b c`},
		{"partition zone on both sides", c3 + "partition a,b|c,a", `x.drill:2:17: zone a is on both sides, but a zone can be on one side only`},
		{"partition zone twice", c3 + "partition a a | b", `x.drill:2:13: zone a is named twice on one side; name it once`},
		{"partition bad zone", c3 + "partition a | b 1", `x.drill:2:17: "1" is not a zone name; write a letter, then letters, digits, "-", "_" or ".", like a`},
		{"heal with words", c3 + "heal a", `x.drill:2:6: heal takes nothing after it; it restores every cut link`},

		// Time.
		{"wait nothing", c3 + "wait", `x.drill:2:6: wait needs a duration or until, like wait 30s or wait until leader`},
		{"wait without unit", c3 + "wait 30", `x.drill:2:6: wait needs a unit after 30, like wait 30s`},
		{"wait zero", c3 + "wait 0s", `x.drill:2:6: wait needs a duration above 0, like wait 30s`},
		{"wait negative", c3 + "wait -5s", `x.drill:2:6: wait cannot be negative, like wait 30s`},
		{"wait not a duration", c3 + "wait soon", `x.drill:2:6: wait needs a duration such as 500ms, 30s, 2m or 1h30m, like wait 30s`},
		{"wait and more", c3 + "wait 30s more", `x.drill:2:10: wait 30s takes nothing after the duration; to wait for something, write wait until leader`},
		{"wait until nothing", c3 + "wait until", `x.drill:2:12: wait until needs leader or quorum, like wait until leader`},
		{"wait until misspelt", c3 + "wait until leadr", `x.drill:2:12: wait until must be leader or quorum; did you mean leader?`},
		{"wait until unknown", c3 + "wait until dawn", `x.drill:2:12: wait until must be leader or quorum, like wait until leader`},
		{"wait until in", c3 + "wait until leader in 60s", `x.drill:2:19: expected "within" and a duration after wait until leader, like wait until leader within 60s`},
		{"within nothing", c3 + "wait until leader within", `x.drill:2:26: within needs a duration, like wait until leader within 60s`},
		{"within zero", c3 + "wait until quorum within 0s", `x.drill:2:26: within needs a duration above 0, like wait until quorum within 60s`},
		{"within and more", c3 + "wait until leader within 60s now", `x.drill:2:30: wait until leader within 60s takes nothing after it`},

		// docker.
		{"docker nothing", c3 + "docker", `x.drill:2:8: docker needs service, node, swarm, stack, secret, config or info, like docker service create --name web nginx`},
		{"docker misspelt group", c3 + "docker servce ls", `x.drill:2:8: unknown command "docker servce"; did you mean "docker service"?`},
		{"docker other group", c3 + "docker container ls", `x.drill:2:8: a drill runs docker service, docker node, docker swarm, docker stack, docker secret, docker config and docker info commands; "container" is none of them`},
		{"docker service nothing", c3 + "docker service", `x.drill:2:16: docker service needs create, scale, update, rollback, rm, ls, ps, inspect or logs, like docker service scale web=10`},
		{"docker service frob", c3 + "docker service frob", `x.drill:2:16: a drill runs docker service create, docker service scale, docker service update, docker service rollback, docker service rm, docker service ls, docker service ps, docker service inspect and docker service logs; "frob" is none of them`},
		{"docker service ls word", c3 + "docker service ls web", `x.drill:2:19: docker service ls takes only -q, like docker service ls -q`},
		{"docker service ps two", c3 + "docker service ps web api", `x.drill:2:23: docker service ps takes one name; write a line for each`},
		{"docker service inspect nothing", c3 + "docker service inspect --pretty", `x.drill:2:33: docker service inspect needs a name, like docker service inspect --pretty web`},
		{"docker service misspelt", c3 + "docker service sacle web=3", `x.drill:2:16: unknown command "docker service sacle"; did you mean "docker service scale"?`},

		// docker service create.
		{"create without name", c3 + "docker service create nginx", `x.drill:2:16: docker service create needs --name, like docker service create --name web nginx`},
		{"create without image", c3 + "docker service create --name web", `x.drill:2:34: docker service create needs an image after its flags, like docker service create --name web nginx`},
		{"create flag after image", c3 + "docker service create --name web nginx --replicas 3", `x.drill:2:40: "--replicas" comes after the image nginx; put flags before the image (a drill runs no container command)`},
		{"create misspelt flag", c3 + "docker service create --name web --replica 3 nginx", `x.drill:2:34: unknown flag --replica for docker service create; did you mean --replicas?`},
		{"create unknown flag", c3 + "docker service create --name web --frob nginx", `x.drill:2:34: unknown flag --frob for docker service create; it takes --name, --mode, --replicas, --constraint, --placement-pref, --publish, --reserve-cpu, --reserve-memory, --replicas-max-per-node, --update-parallelism, --update-delay, --update-failure-action, --update-order, --update-monitor, --update-max-failure-ratio, --rollback-parallelism, --rollback-delay, --rollback-failure-action, --rollback-order, --rollback-monitor, --rollback-max-failure-ratio, --restart-condition, --restart-delay, --restart-max-attempts, --restart-window, --secret, --config, --health-cmd, --health-interval, --health-timeout, --health-start-period, --health-start-interval, --health-retries, --detach, --env, --limit-cpu and --limit-memory`},
		{"create ratio above one", c3 + "docker service create --name web --update-max-failure-ratio 1.5 nginx", `x.drill:2:61: --update-max-failure-ratio cannot be bigger than 1; write a fraction of the tasks, like --update-max-failure-ratio 0.25`},
		{"create ratio negative", c3 + "docker service create --name web --rollback-max-failure-ratio=-0.1 nginx", `x.drill:2:63: --rollback-max-failure-ratio needs a fraction from 0 to 1, like --rollback-max-failure-ratio 0.25`},
		{"create ratio not a number", c3 + "docker service create --name web --update-max-failure-ratio half nginx", `x.drill:2:61: --update-max-failure-ratio needs a fraction from 0 to 1, like --update-max-failure-ratio 0.25`},
		{"create ratio too fine", c3 + "docker service create --name web --update-max-failure-ratio 0.0000001 nginx", `x.drill:2:61: --update-max-failure-ratio has more than 6 decimal places; write fewer, like --update-max-failure-ratio 0.25`},
		{"create monitor without unit", c3 + "docker service create --name web --update-monitor 30 nginx", `x.drill:2:51: --update-monitor needs a unit after 30, like --update-monitor 30s`},
		{"create rollback cannot roll back", c3 + "docker service create --name web --rollback-failure-action rollback nginx", `x.drill:2:60: --rollback-failure-action must be pause or continue, like --rollback-failure-action continue`},
		{"update rollback monitor negative", c3 + "docker service update --rollback-monitor=-1s web", `x.drill:2:42: --rollback-monitor cannot be negative, like --rollback-monitor 30s`},
		{"create replicas not a number", c3 + "docker service create --name web --replicas x nginx", `x.drill:2:45: --replicas needs a whole number, like --replicas 6`},
		{"create negative replicas", c3 + "docker service create --name web --replicas=-1 nginx", `x.drill:2:45: --replicas needs a whole number, like --replicas 6`},
		{"create too many replicas", c3 + "docker service create --name web --replicas 2000000 nginx", `x.drill:2:45: --replicas can be at most 1000000, like --replicas 6`},
		{"create flag without value", c3 + "docker service create --name web --replicas", `x.drill:2:45: --replicas needs a value, like --replicas 6`},
		{"create flag value forgotten", c3 + "docker service create --name --replicas 6 nginx", `x.drill:2:30: --name needs a value, like --name web`},
		{"create flag twice", c3 + "docker service create --name web --name api nginx", `x.drill:2:34: --name is given twice; give it once`},
		{"create bad service name", c3 + "docker service create --name Web_ nginx", `x.drill:2:30: "Web_" is not a service name; use letters, digits, "-" and "_" (not first or last), up to 63 characters, like web`},
		{"create misspelt mode", c3 + "docker service create --name web --mode globl nginx", `x.drill:2:41: --mode must be replicated or global; did you mean global?`},
		{"create global with replicas", c3 + "docker service create --name web --mode global --replicas 3 nginx", `x.drill:2:48: --replicas is for replicated services; a global service runs one task on every eligible node, so leave it out`},
		{"create global with max per node", c3 + "docker service create --name web --replicas-max-per-node 1 --mode global nginx", `x.drill:2:34: --replicas-max-per-node is for replicated services; a global service runs at most one task on a node already`},
		{"create bad constraint key", c3 + "docker service create --name web --constraint zone==a nginx", `x.drill:2:47: --constraint: constraint key "zone" is not one a node has; use node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.KEY or engine.labels.KEY, like node.labels.zone==a or node.role!=manager`},
		{"create constraint without operator", c3 + "docker service create --name web --constraint=node.role nginx", `x.drill:2:47: --constraint: constraint "node.role" has no == or != between key and value; write it like node.labels.zone==a or node.role!=manager`},
		{"create bad spread", c3 + "docker service create --name web --placement-pref spread=zone nginx", `x.drill:2:51: --placement-pref: cannot spread over "zone"; spread over a node.labels.KEY or engine.labels.KEY label, like spread=node.labels.zone`},
		{"create cpu not a number", c3 + "docker service create --name web --reserve-cpu half nginx", `x.drill:2:48: --reserve-cpu needs a number of CPUs, like --reserve-cpu 0.5`},
		{"create cpu too precise", c3 + "docker service create --name web --reserve-cpu 0.0000000001 nginx", `x.drill:2:48: --reserve-cpu has more than 9 decimal places, finer than Docker counts CPUs; write fewer, like --reserve-cpu 0.5`},
		{"create cpu too many", c3 + "docker service create --name web --reserve-cpu 9223372037 nginx", `x.drill:2:48: --reserve-cpu is more CPUs than can be counted; write a smaller number, like --reserve-cpu 0.5`},
		{"create memory unit", c3 + "docker service create --name web --reserve-memory 512x nginx", `x.drill:2:51: --reserve-memory needs a size in bytes, optionally with a unit b, k, m or g (each 1024 times the last), like --reserve-memory 512M`},
		{"create memory too much", c3 + "docker service create --name web --reserve-memory 9999999999g nginx", `x.drill:2:51: --reserve-memory is more memory than can be counted; write a smaller size, like --reserve-memory 512M`},
		{"create short port", c3 + "docker service create --name web -p 8080:80:90 nginx", `x.drill:2:37: -p needs ports from 1 to 65535, written published:target or published=N,target=N, like --publish published=8080,target=80,mode=host`},
		{"create port zero", c3 + "docker service create --name web -p 0:80 nginx", `x.drill:2:37: -p needs ports from 1 to 65535, written published:target or published=N,target=N, like --publish published=8080,target=80,mode=host`},
		{"create port protocol", c3 + "docker service create --name web -p 53/dns nginx", `x.drill:2:37: the protocol after / in -p must be tcp, udp or sctp, like -p 53:53/udp`},
		{"create long port without target", c3 + "docker service create --name web --publish published=8080 nginx", `x.drill:2:44: --publish needs target=, the container's port, like --publish published=8080,target=80,mode=host`},
		{"create long port misspelt", c3 + "docker service create --name web --publish published=8080,taget=80 nginx", `x.drill:2:44: --publish has no setting "taget"; did you mean target?`},
		{"create long port mode", c3 + "docker service create --name web --publish target=80,mode=hots nginx", `x.drill:2:44: --publish mode must be ingress or host; did you mean host?`},
		{"create long port twice", c3 + "docker service create --name web --publish target=80,target=81 nginx", `x.drill:2:44: --publish sets target twice; set it once`},
		{"create long port number", c3 + "docker service create --name web --publish target=70000 nginx", `x.drill:2:44: target= needs a port from 1 to 65535, like --publish published=8080,target=80,mode=host`},
		{"create negative delay", c3 + "docker service create --name web --update-delay -1s nginx", `x.drill:2:49: --update-delay cannot be negative, like --update-delay 10s`},
		{"create misspelt action", c3 + "docker service create --name web --update-failure-action rollbak nginx", `x.drill:2:58: --update-failure-action must be pause, continue or rollback; did you mean rollback?`},
		{"create unknown condition", c3 + "docker service create --name web --restart-condition always nginx", `x.drill:2:54: --restart-condition must be none, on-failure or any, like --restart-condition on-failure`},
		{"create bad image", c3 + `docker service create --name web "my image"`, `x.drill:2:34: "my image" is not an image name; write one like nginx or nginx:1.25`},

		// Other docker service commands.
		{"scale nothing", c3 + "docker service scale", `x.drill:2:22: docker service scale needs SERVICE=REPLICAS, like docker service scale web=10`},
		{"scale without count", c3 + "docker service scale web", `x.drill:2:22: docker service scale takes SERVICE=REPLICAS, like docker service scale web=10`},
		{"scale bad count", c3 + "docker service scale web=ten", `x.drill:2:26: web= needs a whole number, like web=10`},
		{"scale twice", c3 + "docker service scale web=1 web=2", `x.drill:2:28: web is scaled twice; scale it once`},
		{"scale flag", c3 + "docker service scale --force web=1", `x.drill:2:22: unknown flag --force for docker service scale; it takes --detach`},
		{"update without name", c3 + "docker service update --replicas 3", `x.drill:2:36: docker service update needs the service's name, like docker service update --replicas 3 web`},
		{"update two services", c3 + "docker service update web api", `x.drill:2:27: docker service update changes one service, and "api" would be a second; write a line for each`},
		{"update with create's flag", c3 + "docker service update --constraint node.role==worker web", `x.drill:2:23: unknown flag --constraint for docker service update; did you mean --constraint-add or --constraint-rm?`},
		{"update boolean with value", c3 + "docker service update --force=yes web", `x.drill:2:31: --force takes no value, or =true or =false, like --force`},
		{"update boolean twice", c3 + "docker service update --force --force web", `x.drill:2:31: --force is given twice; give it once`},
		{"rollback nothing", c3 + "docker service rollback", `x.drill:2:25: docker service rollback needs a name, like docker service rollback web`},
		{"rollback two", c3 + "docker service rollback web api", `x.drill:2:29: docker service rollback takes one service; write a line for each`},
		{"rm twice", c3 + "docker service rm web web", `x.drill:2:23: web is named twice; name it once`},

		// docker node.
		{"node nothing", c3 + "docker node", `x.drill:2:13: docker node needs update, promote, demote, rm, ls or inspect, like docker node update --availability drain w3`},
		{"node frob", c3 + "docker node frob", `x.drill:2:13: a drill runs docker node update, docker node promote, docker node demote, docker node rm, docker node ls and docker node inspect; "frob" is none of them`},
		{"join-token nothing", c3 + "docker swarm join-token", `x.drill:2:25: docker swarm join-token takes worker or manager, like docker swarm join-token worker`},
		{"node misspelt availability", c3 + "docker node update --availability drained w3", `x.drill:2:35: --availability must be active, pause or drain; did you mean drain?`},
		{"node update without node", c3 + "docker node update --availability drain", `x.drill:2:41: docker node update needs the node's name, like docker node update --availability drain w3`},
		{"node update two nodes", c3 + "docker node update --availability drain w1 w2", `x.drill:2:44: docker node update changes one node, and "w2" would be a second; write a line for each`},
		{"node label without key", c3 + "docker node update --label-add =x w1", `x.drill:2:32: --label-add needs KEY=VALUE, like --label-add zone=b`},
		{"node label-rm with value", c3 + "docker node update --label-rm zone=a w1", `x.drill:2:31: --label-rm takes a label key alone, like --label-rm zone`},
		{"promote nothing", c3 + "docker node promote", `x.drill:2:21: docker node promote needs a name, like docker node promote w1`},
		{"rm only a flag", c3 + "docker node rm --force", `x.drill:2:24: docker node rm needs a name, like docker node rm w3`},
		{"rm unknown short flag", c3 + "docker node rm -x w1", `x.drill:2:16: unknown flag -x for docker node rm; it takes --force`},

		// docker swarm.
		{"swarm nothing", c3 + "docker swarm", `x.drill:2:14: docker swarm needs init, join, join-token, update, unlock-key or unlock, like docker swarm join --token worker`},
		{"swarm init plain", c3 + "docker swarm init", `x.drill:2:14: a drill runs docker swarm init only to recover lost quorum, with --force-new-cluster; the cluster line builds the swarm`},
		{"swarm init argument", c3 + "docker swarm init --force-new-cluster m3", `x.drill:2:39: docker swarm init takes only flags, like docker swarm init --force-new-cluster --advertise-addr m3`},
		{"swarm join without token", c3 + "docker swarm join", `x.drill:2:14: docker swarm join needs --token worker or --token manager, like docker swarm join --token worker --zone b`},
		{"swarm join real token", c3 + "docker swarm join --token SWMTKN-1-abc", `x.drill:2:27: --token must be worker or manager, like --token worker`},
		{"swarm join address", c3 + "docker swarm join --token worker 10.0.0.1:2377", `x.drill:2:34: a drill's docker swarm join takes no manager address, since the node joins the simulated swarm; write docker swarm join --token worker`},
		{"swarm leave", c3 + "docker swarm leave", `x.drill:2:14: a drill runs docker swarm init, docker swarm join, docker swarm join-token, docker swarm update, docker swarm unlock-key and docker swarm unlock; "leave" is none of them`},

		// Expectations.
		{"expect nothing", c3 + "expect", `x.drill:2:8: expect needs what to check: quorum, leader, no leader, service, task, node, port or error, like expect quorum holds`},
		{"expect misspelt", c3 + "expect quorom holds", `x.drill:2:8: expect cannot check "quorom"; did you mean "quorum"?`},
		{"expect unknown", c3 + "expect weather sunny", `x.drill:2:8: expect cannot check "weather"; it checks quorum, leader, no leader, service, task, node, port and error`},
		{"expect quorum nothing", c3 + "expect quorum", `x.drill:2:15: expect quorum needs holds or lost, like expect quorum holds`},
		{"expect quorum held", c3 + "expect quorum held", `x.drill:2:15: expect quorum must be holds or lost, like expect quorum holds`},
		{"expect quorum and more", c3 + "expect quorum holds now", `x.drill:2:21: expect quorum holds takes nothing after it`},
		{"expect leader zone without in", c3 + "expect leader a", `x.drill:2:15: expected "in" and a zone after expect leader, like expect leader in a`},
		{"expect leader in nothing", c3 + "expect leader in", `x.drill:2:18: expect leader in needs a zone, like expect leader in a`},
		{"expect no nothing", c3 + "expect no", `x.drill:2:11: expect no needs leader, like expect no leader`},
		{"expect no leader in zone", c3 + "expect no leader in a", `x.drill:2:18: expect no leader takes nothing after it`},
		{"expect service nothing", c3 + "expect service", `x.drill:2:16: expect service needs a service name and running N, like: expect service web running 6`},
		{"expect service without running", c3 + "expect service web", `x.drill:2:20: expect service needs "running N", like: expect service web running 6`},
		{"expect service bare count", c3 + "expect service web 6", `x.drill:2:20: expect service needs "running N", like: expect service web running 6`},
		{"expect running nothing", c3 + "expect service web running", `x.drill:2:28: running needs a whole number, like expect service web running 6`},
		{"expect running words", c3 + "expect service web running six", `x.drill:2:28: running needs a whole number, like expect service web running 6`},
		{"expect spread nothing", c3 + "expect service web running 6 spread", `x.drill:2:37: spread needs zone=count pairs, like: expect service web running 6 spread a=2 b=2 c=2`},
		{"expect spread keyword missing", c3 + "expect service web running 6 a=2", `x.drill:2:30: expected "spread" and zone=count pairs after running 6, like: expect service web running 6 spread a=2 b=2 c=2`},
		{"expect spread too many", c3 + "expect service web running 6 spread a=4 b=3", `x.drill:2:30: spread adds up to 7 tasks, more than the 6 running; the tasks per zone are part of the running ones`},
		{"expect spread zone twice", c3 + "expect service web running 6 spread a=2 a=2", `x.drill:2:41: zone a is in spread twice; give each zone once`},
		{"expect spread no count", c3 + "expect service web running 6 spread a", `x.drill:2:37: spread takes zone=count pairs, like: expect service web running 6 spread a=2 b=2 c=2`},
		{"expect spread bad count", c3 + "expect service web running 6 spread a=x", `x.drill:2:39: a= needs a whole number, like a=2`},
		{"expect task nothing", c3 + "expect task", `x.drill:2:13: expect task needs pending, a service and the reason in quotes, like: expect task pending web "no suitable node"`},
		{"expect task running", c3 + "expect task running web", `x.drill:2:13: expect task needs pending, a service and the reason in quotes, like: expect task pending web "no suitable node"`},
		{"expect task pending nothing", c3 + "expect task pending", `x.drill:2:21: expect task pending needs a service, like: expect task pending web "no suitable node"`},
		{"expect task reason unquoted", c3 + "expect task pending web no suitable node", `x.drill:2:25: put the reason in double quotes, like: expect task pending web "no suitable node"`},
		{"expect task two reasons", c3 + `expect task pending web "a" "b"`, `x.drill:2:29: expect task pending takes one quoted reason; put all of it inside the quotes, like: expect task pending web "no suitable node"`},
		{"expect node nothing", c3 + "expect node", `x.drill:2:13: expect node needs a node and a state, like expect node w3 down`},
		{"expect node without state", c3 + "expect node w3", `x.drill:2:16: expect node w3 needs a state (down, ready, unknown, active, pause, drain or locked), like expect node w3 down`},
		{"expect node misspelt state", c3 + "expect node w3 dwn", `x.drill:2:16: the state in expect node must be down, ready, unknown, active, pause, drain or locked; did you mean down?`},
		{"expect node and more", c3 + "expect node w3 down now", `x.drill:2:21: expect node w3 down takes nothing after it`},
		{"expect error nothing", c3 + "expect error", `x.drill:2:14: expect error needs the error text in double quotes, ":" and the command, like: expect error "does not have a leader": docker service scale web=10`},
		{"expect error unquoted", c3 + "expect error no leader: heal", `x.drill:2:14: expect error needs the error text in double quotes, ":" and the command, like: expect error "does not have a leader": docker service scale web=10`},
		{"expect error without colon", c3 + `expect error "x" heal`, `x.drill:2:18: expected ":" and the command after the error text, like: expect error "does not have a leader": docker service scale web=10`},
		{"expect error without command", c3 + `expect error "x":`, `x.drill:2:19: expect error needs the command that must fail after ":", like: expect error "does not have a leader": docker service scale web=10`},
		{"expect error of expect", c3 + `expect error "x": expect leader`, `x.drill:2:19: expect error wraps a command to run, not another expect`},
		{"expect error of cluster", c3 + `expect error "x": cluster managers=3`, `x.drill:2:19: expect error cannot wrap the cluster line; the swarm is built once, by the first line`},
		{"expect error inner typo", c3 + `expect error "x": kil m1`, `x.drill:2:19: unknown command "kil"; did you mean "kill"?`},
		{"expect error inner value", c3 + `expect error "x": docker service scale web=x`, `x.drill:2:44: web= needs a whole number, like web=10`},

		// stacks, secrets, configs, ports, health.
		{"stack nothing", c3 + "docker stack", `x.drill:2:14: docker stack needs deploy, ls, services, ps or rm, like docker stack deploy -c stack.yml shop`},
		{"stack misspelt", c3 + "docker stack deply -c s.yml shop", `x.drill:2:14: unknown command "docker stack deply"; did you mean "docker stack deploy"?`},
		{"stack deploy no file", c3 + "docker stack deploy shop", `x.drill:2:14: docker stack deploy needs a compose file, like docker stack deploy -c stack.yml shop`},
		{"stack deploy stdin", c3 + "docker stack deploy -c - shop", `x.drill:2:24: a drill has no standard input to read a compose file from; name the file, like docker stack deploy -c stack.yml shop`},
		{"stack deploy no name", c3 + "docker stack deploy -c s.yml", `x.drill:2:30: docker stack deploy needs the stack's name, like docker stack deploy -c stack.yml shop`},
		{"stack deploy two names", c3 + "docker stack deploy -c s.yml shop blog", `x.drill:2:35: docker stack deploy deploys one stack, and "blog" would be a second; write a line for each`},
		{"stack deploy bad name", c3 + "docker stack deploy -c s.yml shop.v2", `x.drill:2:30: "shop.v2" is not a stack name; its services are named shop.v2_SERVICE, so use letters, digits, "-" and "_" (not first or last), like shop`},
		{"stack deploy prune", c3 + "docker stack deploy --prune -c s.yml shop", `x.drill:2:21: unknown flag --prune for docker stack deploy; it takes --compose-file`},
		{"stack ls extra", c3 + "docker stack ls shop", `x.drill:2:17: docker stack ls takes nothing after it`},
		{"stack ps two", c3 + "docker stack ps shop blog", `x.drill:2:22: docker stack ps takes one stack; write a line for each`},
		{"stack services none", c3 + "docker stack services", `x.drill:2:23: docker stack services needs a name, like docker stack services shop`},
		{"secret nothing", c3 + "docker secret", `x.drill:2:15: docker secret needs create, ls or rm, like docker secret create db_pass -`},
		{"secret create no file", c3 + "docker secret create db_pass", `x.drill:2:30: docker secret create needs a file after the name (or - for standard input), like docker secret create db_pass -`},
		{"secret bad name", c3 + "docker secret create _x -", `x.drill:2:22: "_x" is not a secret or config name; use up to 64 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, like db_pass`},
		{"config rm none", c3 + "docker config rm", `x.drill:2:18: docker config rm needs a name, like docker config rm nginx_conf`},
		{"create secret bad", c3 + "docker service create --name web --secret a/b nginx", `x.drill:2:43: "a/b" is not a secret or config name; use up to 64 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, like db_pass`},
		{"health interval alone", c3 + "docker service create --name web --health-interval 5s nginx", `x.drill:2:34: --health-interval needs --health-cmd beside it, since the simulated images have no health check of their own, like --health-cmd "curl -f http://localhost" --health-interval …`},
		{"expect port nothing", c3 + "expect port", `x.drill:2:13: expect port needs a port, open or closed, and a node, like expect port 8080 open on w2`},
		{"expect port bad number", c3 + "expect port 70000 open on w2", `x.drill:2:13: expect port needs a port from 1 to 65535, like expect port 8080 open on w2`},
		{"expect port misspelt state", c3 + "expect port 80 opn on w2", `x.drill:2:16: the state in expect port must be open or closed; did you mean open?`},
		{"expect port no on", c3 + "expect port 80 open w2", `x.drill:2:21: expected "on" and a node after expect port 80 open, like expect port 8080 open on w2`},
		{"expect port no node", c3 + "expect port 80 open on", `x.drill:2:24: expect port 80 open on needs a node, like expect port 8080 open on w2`},
		{"expect port extra", c3 + "expect port 80 open on w2 now", `x.drill:2:27: expect port 80 open on w2 takes nothing after it`},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("two cases are named %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse("x.drill", []byte(c.src))
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error %s", c.src, s.Steps, c.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error is %T, want *Error", err)
			}
			if got := err.Error(); got != c.want {
				t.Fatalf("Parse(%q)\n got %s\nwant %s", c.src, got, c.want)
			}
			// The line it names is the line it quotes.
			lines := strings.Split(c.src, "\n")
			if e.Line < 1 || e.Line > len(lines) || e.Source != strings.TrimPrefix(strings.TrimSuffix(lines[e.Line-1], "\r"), "\ufeff") {
				t.Fatalf("Source = %q for line %d of %q", e.Source, e.Line, c.src)
			}
		})
	}
}

func TestParseCommandErrors(t *testing.T) {
	cases := []struct{ name, line, want string }{
		{"no file name", "kil m1", `1:1: unknown command "kil"; did you mean "kill"?`},
		{"two lines", "heal\nheal", `1:5: a command is one line; give ParseCommand one line at a time, or use Parse for a script`},
		{"lexer error", `expect error "x`, `1:14: this quoted string has no closing quote; end it with "`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseCommand(c.line)
			if err == nil || err.Error() != c.want {
				t.Fatalf("ParseCommand(%q) error = %v, want %s", c.line, err, c.want)
			}
		})
	}
}

func TestCaret(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"at a word", c3 + "kil m1  # typo", "x.drill:2:1: unknown command \"kil\"; did you mean \"kill\"?\nkil m1  # typo\n^"},
		{"inside the line", c3 + "docker service create --name web --replicas x nginx", "x.drill:2:45: --replicas needs a whole number, like --replicas 6\ndocker service create --name web --replicas x nginx\n                                            ^"},
		{"tabs are kept", c3 + "\t\tkil m1", "x.drill:2:3: unknown command \"kil\"; did you mean \"kill\"?\n\t\tkil m1\n\t\t^"},
		{"runes, not bytes", c3 + `expect error "ünïcödé": kil`, "x.drill:2:25: unknown command \"kil\"; did you mean \"kill\"?\nexpect error \"ünïcödé\": kil\n                        ^"},
		{"past the end points at what is missing", c3 + "expect service web", "x.drill:2:20: expect service needs \"running N\", like: expect service web running 6\nexpect service web\n                   ^"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.drill", []byte(c.src))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error = %v, want *Error", err)
			}
			if got := e.Caret(); got != c.want {
				t.Fatalf("Caret()\n got %q\nwant %q", got, c.want)
			}
			if e.Pos() != (Pos{Line: e.Line, Col: e.Col}) {
				t.Fatalf("Pos() = %v", e.Pos())
			}
		})
	}
}
