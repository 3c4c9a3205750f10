// Package drill reads drill scripts: failure rehearsals for a simulated
// Docker Swarm, checked in as examples/*.drill and run in CI.
//
// A drill builds a cluster, runs Docker commands, injects failures and
// asserts what must hold. This package is the language only: it turns text
// into a typed syntax tree (Script, Step and one Command type per form),
// writes the tree back as canonical text (Format, Command.String), and
// reports mistakes with their line and column (Error). Running a drill
// against the simulator is the runner's job; every value it needs is
// already parsed and typed here (durations as time.Duration, CPUs as
// nano-CPUs, memory as bytes, constraints split into key, operator and
// value), so it re-parses nothing.
//
//	s, err := drill.Parse("examples/az-loss.drill", src)
//	if err != nil {
//		var e *drill.Error
//		if errors.As(err, &e) {
//			fmt.Fprintln(os.Stderr, e.Caret()) // the message, the line, a caret under the column
//		}
//		return 1
//	}
//	for _, st := range s.Steps {
//		switch c := st.Cmd.(type) {
//		case drill.Cluster:
//			// build c.Managers managers over c.AZ ...
//		case drill.KillZone:
//			// crash every node in c.Zone ...
//		}
//	}
//
// # A complete drill
//
// Five managers over three zones as 2-2-1 survive the loss of any one
// zone; this drill shows it, and shows that a partition that leaves no
// zone in reach of a quorum stops all change until the links heal.
//
//	# az-loss.drill: lose zone a, then split the rest.
//	cluster managers=5 az=2-2-1 workers=6 seed=7
//
//	docker service create --name web --replicas 6 --placement-pref spread=node.labels.zone nginx
//	docker service create --name agent --mode global agent
//	wait 30s
//	expect quorum holds
//	expect service web running 6 spread a=2 b=2 c=2
//
//	kill az a  # 2 of 5 managers: 3 remain, a quorum
//	wait until leader within 1m
//	expect leader
//	wait 30s  # the dead nodes are declared down, their tasks move
//	expect node w1 down
//	expect service web running 6 spread a=0 b=3 c=3
//
//	partition b | c  # b's 2 and c's 1 are no quorum on either side
//	wait 30s
//	expect no leader
//	expect error "does not have a leader": docker service scale web=10
//
//	heal
//	restart az a
//	wait until quorum within 2m
//	docker service update --force web  # Swarm does not rebalance by itself
//	wait 1m
//	expect service web running 6 spread a=2 b=2 c=2
//
// # Lines, words and comments
//
// One command a line. Blank lines are allowed, and so are blanks (spaces
// and tabs) before, between and after words. A '#' outside a quoted string
// starts a comment that runs to the end of the line, even in the middle of
// a word. Keywords are lower case.
//
// A word is either a run of non-blank characters or a double-quoted
// string, in which \" is a quote, \\ is a backslash, and no other escapes
// exist. A quoted string is always a value, never a keyword or a flag: in
// `kill "leader"` it names a node (and is then refused, since leader cannot
// name one). Two joins are allowed because runbooks use them: a quoted
// string right after '=' continues the word (--constraint="node.role ==
// manager"), and a ':' right after a closing quote is a word of its own
// (expect error "text": ...).
//
// Names: a service name is Docker's (letters, digits, '-' and '_', not
// first or last, at most 63 characters); a stack's name follows the same
// rule, since it starts its services' names. A secret or config name has
// up to 64 letters, digits, '-', '_' and '.', a letter or digit first and
// last. A node or zone name starts with a letter, then letters, digits,
// '-', '_' or '.', at most 63 characters; starting with a letter is what
// keeps `kill 2 managers` apart from node names.
// leader and az are keywords and cannot name a node. A node or zone
// imported with any other name is written as a quoted string, like
// kill "web 1"; in a quoted string \xHH is a byte, for the control
// characters such a name may hold (kill "bad\x1bname").
//
// Values: a count is a whole number from 0 (from 1 where noted) up to
// MaxCount, digits only. A duration is Go's syntax: 500ms, 30s, 2m, 1h30m.
// CPUs are a decimal with at most 9 places (0.5 is 500000000 nano-CPUs).
// Memory is a number, optionally with a fraction, and a unit b, k/kb, m/mb
// or g/gb in any case, each 1024 times the last (512M is 536870912 bytes);
// without a unit it is bytes.
//
// # The cluster line
//
//	cluster managers=5 az=2-2-1 workers=6 seed=7
//
// The first command of every drill, and only the first. Settings are
// key=value in any order, each at most once: managers (required, at least
// 1), az (managers per zone, zones named a, b, c, … in order; package az
// reads it, and the counts must add up to managers), workers (default 0,
// spread over the zones by the runner), seed (a whole number; without
// it the runner uses its default) and autolock (true or false, default
// false: true is `docker swarm init --autolock`).
//
// # Failures
//
//	kill m1 m3          # crash these nodes
//	kill az a           # crash every node of zone a
//	kill leader         # crash whichever manager leads now
//	kill 2 managers     # the leader first, then a seeded choice (also: kill 1 manager)
//	restart m1 m2       # bring crashed nodes back
//	restart az a        # bring zone a back
//	partition a | b c   # cut every link between a and b, and between a and c
//	partition a,b|c     # the same shape: commas or blanks inside a side, blanks optional around |
//	heal                # restore every cut link
//
// A partition has two non-empty sides; zones named on neither side keep
// their links, and no zone may be named twice. `kill az` and `restart az`
// take one zone: one failure, one line, one entry in the timeline.
//
// # Time
//
//	wait 30s                        # run 30 simulated seconds
//	wait until leader               # run until some manager leads
//	wait until quorum within 60s    # … giving up (and failing the step) after 60s
//
// Without within, the runner applies its own limit.
//
// # Docker commands
//
// Docker's own commands and flag spellings, so that a drill reads like a
// runbook. Flags take their value as --flag value or --flag=value; the
// short -p (publish) and -f (force, in docker node rm) work too. A flag
// given twice is an error unless it adds to a list (the ones marked …
// below). Boolean flags take no value, or =true or =false.
//
//	docker service create --name web nginx
//	docker service create --name web --replicas 6 --mode replicated \
//	    --constraint node.labels.zone==a … --placement-pref spread=node.labels.zone … \
//	    --reserve-cpu 0.5 --reserve-memory 512M --replicas-max-per-node 2 \
//	    --publish published=8080,target=80,mode=host … (or -p 8080:80, -p 8080:80/udp) \
//	    --update-parallelism 2 --update-delay 10s --update-failure-action pause|continue|rollback \
//	    --update-order stop-first|start-first --update-monitor 5s --update-max-failure-ratio 0.25 \
//	    --rollback-parallelism 1 --rollback-delay 0s --rollback-failure-action pause|continue \
//	    --rollback-order stop-first|start-first --rollback-monitor 5s --rollback-max-failure-ratio 0 \
//	    --restart-condition none|on-failure|any --restart-delay 5s --restart-max-attempts 3 \
//	    --restart-window 1m \
//	    nginx:1.25
//
// (Shown on several lines here; a drill writes it on one.) --name and the
// image are required; the image comes last, after every flag, and is kept
// as written, so a runner may give test images a meaning (fail:nginx:2).
// --mode global runs one task on every eligible node and refuses
// --replicas and --replicas-max-per-node, as Docker does. Every default is
// Docker's and is filled into the tree: 1 replica, update parallelism 1,
// no update delay, failure action pause, order stop-first, restart
// condition any, restart delay 5s, unlimited restart attempts, no restart
// window, no reservations, no per-node limit. Constraints and placement
// preferences are read by package scheduler's parsers, so a drill accepts
// exactly what the simulation can place: keys node.id, node.hostname,
// node.role, node.platform.os, node.platform.arch, node.labels.KEY and
// engine.labels.KEY with == or != (blanks around the operator allowed when
// quoted), and spread=node.labels.KEY or spread=engine.labels.KEY.
//
//	docker service scale web=10 api=3
//	docker service update --image nginx:1.26 web
//	docker service update --replicas 3 --force --constraint-add node.role!=manager … \
//	    --constraint-rm node.labels.zone==a … --placement-pref-add spread=node.labels.rack … \
//	    --placement-pref-rm spread=node.labels.zone … --reserve-cpu 1 --reserve-memory 1G \
//	    --replicas-max-per-node 1 --update-… --restart-… web
//	docker service update --env-add MODE=b … --env-rm LOG … --publish-add 8080:80 … \
//	    --publish-rm 53/udp … --limit-cpu 1 --limit-memory 512M web
//	docker service rollback web
//	docker service rm web api         (also: docker service remove)
//
// docker service create also takes --env KEY=VALUE … (-e) and --limit-cpu,
// --limit-memory: recorded, as docker service inspect shows them, and a
// change rolls the tasks, but nothing simulated reads them. --detach (-d)
// is accepted on create, update, scale and rollback and changes nothing:
// Docker's CLI then stops waiting for the tasks, and a drill never waits
// for them anyway, since simulated time moves only with wait.
//
// The commands that read the swarm print Docker's output into the
// transcript, so that a shell session replays as a drill:
//
//	docker node ls [-q]               docker service ls [-q]
//	docker service ps web             docker service logs web
//	docker service inspect [--pretty] web …
//	docker node inspect [--pretty] m1 …
//	docker info                       # its Swarm section
//	docker swarm join-token [-q] worker|manager
//
// Each needs a leader, as Docker's does. docker service logs prints the
// task events a real one's log would hold (the simulated containers write
// nothing), and the inspect JSON has the shape of Docker's own types.
//
// docker service update takes every --update-* and --restart-* flag of
// create, and changes only what it is given (see ServiceUpdate). --force
// replaces every task even when nothing else changed, which is how Swarm
// rebalances.
//
//	docker node update --availability drain w3
//	docker node update --availability active --label-add zone=b … --label-rm rack … w3
//	docker node promote w1 w2
//	docker node demote m4
//	docker node rm --force w3          (also: -f, docker node remove)
//
//	docker swarm init --force-new-cluster --advertise-addr m3
//	docker swarm join --token worker --zone b --name w7
//
// docker swarm init is only the recovery from lost quorum, so
// --force-new-cluster is required; --advertise-addr names the surviving
// manager it runs on (without it the runner picks one). Its --autolock
// belongs on the cluster line (autolock=true). docker swarm join takes
// --token worker or --token manager in place of a real token and no
// manager address; --zone and --name are optional.
//
// # Autolock, backup and restore
//
//	docker swarm update --autolock=true       # also --autolock, and --autolock=false
//	docker swarm unlock-key                   # print the unlock key (--quiet or -q: the key alone)
//	docker swarm unlock-key --rotate          # replace the key, then print it
//	docker swarm unlock m2                    # give locked m2 the current key
//	docker swarm unlock --key previous m2     # … the key before the last rotation
//	docker swarm unlock --key SWMKEY-1-… m2   # … a key written out, as unlock-key printed it
//	backup m3 as nightly                      # stop Docker on m3, copy its swarm directory, start Docker
//	restore nightly on m3                     # stop Docker on m3, put the copy in place, start Docker
//	expect node m2 locked
//
// Docker runs docker swarm unlock on the locked manager and reads the key
// from the keyboard; a drill names the manager, and with --key which key
// is typed: current (the default), previous (what a manager that was down
// during a rotation needs) or a key written out. Under autolock a manager
// that restarts is locked, and so is one whose backup was just taken or
// restored. Docker stays stopped for 10 simulated seconds while a swarm
// directory is copied or replaced. backup and restore are the steps of Docker's admin guide, which
// does them with systemctl and a copy of /var/lib/docker/swarm; a backup
// holds its manager's identity, and the restored manager then needs
// docker swarm init --force-new-cluster. Restored on another node
// (restore nightly on w1), the backup gives that node's machine the
// manager's identity: it runs as m3 in w1's zone, and w1's own identity is
// gone. That is refused while m3 still runs: two hosts would claim one
// Raft member.
// Backup names are written like node names.
// Services with health checks, secrets and configs:
//
//	docker service create --name web --health-cmd "curl -f http://localhost" \
//	    --health-interval 5s --health-timeout 3s --health-start-period 10s --health-start-interval 2s \
//	    --health-retries 3 \
//	    --secret db_pass … --config nginx_conf … nginx
//
// A task of a service with a health check counts as running only once a
// probe has passed; --health-interval and the others need --health-cmd,
// since the simulated images have no health check of their own. Zero
// means Docker's default (30s interval and timeout, 3 retries).
//
//	docker stack deploy -c stack.yml -c override.yml shop   (also: --compose-file, docker stack up)
//	docker stack ls
//	docker stack services shop
//	docker stack ps shop
//	docker stack rm shop blog                               (also: remove, down)
//	docker secret create db_pass -                          (or a file: docker secret create db_pass db.txt)
//	docker secret ls
//	docker secret rm db_pass
//	docker config create nginx_conf nginx.conf              (and docker config ls, docker config rm)
//
// docker stack deploy reads its compose files in order, later ones
// overriding earlier ones, as Docker merges them; the runner resolves
// their paths (swarmsim: against the drill's directory). A stack's
// services are named STACK_SERVICE, so service names may hold "_" too.
// docker stack ls, services and ps print Docker's tables into the
// transcript. A secret or config made with - reads standard input, which
// a drill does not have: it is empty.
//
// # Expectations
//
//	expect quorum holds
//	expect quorum lost
//	expect leader                     # some manager leads
//	expect leader in a                # … and it is in zone a
//	expect no leader
//	expect service web running 6
//	expect service web running 6 spread a=2 b=2 c=2
//	expect task pending web "no suitable node"
//	expect task pending web           # pending for any reason
//	expect node w3 down               # or ready, unknown (status), active, pause, drain (availability), locked
//	expect port 8080 open on w2       # or closed: whether w2 listens on published port 8080
//	expect error "does not have a leader": docker service scale web=10
//
// A port published in ingress mode is open on every live node of the
// swarm (the routing mesh); one published in host mode only on the nodes
// that run one of the service's tasks. Ports are told apart by number and
// protocol (-p 53:53 and -p 53:53/udp are two); an ingress port given only
// as a target (-p 80) gets the lowest free port of the swarm's dynamic
// range, 30000 and up, as Docker's does.
//
// spread lists running tasks per zone; zones left out are not checked,
// and the counts may not add up to more than running. The pending reason
// must be quoted and is matched as a substring. expect error runs the
// command after the ':' (any command but an expectation or the cluster
// line) and expects it to fail with an error containing the text; "" means
// any error.
//
// # Errors
//
// Parse stops at the first mistake and returns it as an *Error. Its Error
// method gives the one-line form compilers use, file:line:col: message,
// with the column counted in runes from 1; Caret adds the line and a caret
// under the column:
//
//	examples/az-loss.drill:9:1: unknown command "kil"; did you mean "kill"?
//	kil az a
//	^
//
// Every message says what is wrong and how to write it right:
//
//	x.drill:2:45: --replicas needs a whole number, like --replicas 6
//	x.drill:2:34: unknown flag --replica for docker service create; did you mean --replicas?
//	x.drill:1:23: az=2-2 adds up to 4 managers, but managers=5; write counts that add up to 5, like az=3-2
//	x.drill:5:20: expect service needs "running N", like: expect service web running 6
//	x.drill:7:14: this quoted string has no closing quote; end it with "
//	x.drill:1:1: a drill starts with its cluster line, like: cluster managers=5 az=2-2-1; add one before this line
//
// A misspelt command, subcommand, flag, setting or keyword value is
// answered with the nearest correct word when one is close; an unknown
// flag that is close to none is answered with the list of flags the
// command takes. When something is missing, the column points just past
// the end of what was written, where the missing word belongs.
//
// # Canonical form
//
// Format writes a Script back, and String writes one command, in a
// canonical form: flags in a fixed order as --flag value, Docker's
// defaults left out, durations as 1m30s, memory in the largest exact unit
// (512M), ports in Docker's long form, quotes only where needed. Comments
// stay where they were, trailing ones aligned; runs of blank lines become
// one. Parsing the output gives equal commands; FuzzParse checks it.
package drill
