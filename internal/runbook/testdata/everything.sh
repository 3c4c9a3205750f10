#!/usr/bin/env bash
# Runbook for a lab swarm, written by swarmsim from testdata/everything.drill.
#
# Every kind of step a runbook writes: failures by name, by zone, the leader
# and a count; a partition and its heal; a joining node; waits; Docker's
# commands with quoted words; and every expectation.
#
# The lab: 5 managers and 2 workers, named as in the drill and labelled with
# their zones (docker node update --label-add zone=a m1); zone a: m1 m2 w1;
# zone b: m3 m4 w2; zone c: m5. w3 joins later, in zone c. m9 joins later,
# in zone c.
#
# Docker commands run on a manager over ssh (docker -H ssh://HOST), the
# first that answers with a leader. Each failure is a MANUAL STEP: the
# runbook prints the commands that cause it and waits for Enter. Each
# expectation is checked every few seconds for up to CHECK_WITHIN seconds
# (default 60) and stops the runbook with exit status 1 when it does not
# hold. Images are the drill's: where it names one starting with fail, which
# the simulator crashes on purpose, use an image that crashes. Set each
# node's ssh target (and address, where a step needs one) below.
set -euo pipefail

# How to reach each node over ssh, like [m1]=admin@10.0.0.11.
declare -A host=(
  [m1]=m1
  [m2]=m2
  [m3]=m3
  [m4]=m4
  [m5]=m5
  [w1]=w1
  [w2]=w2
  [w3]=w3
  [m9]=m9
)
# The address other nodes reach each node at, for iptables and --advertise-addr.
declare -A addr=(
  [m1]=m1
  [m2]=m2
  [m3]=m3
  [m4]=m4
  [m5]=m5
  [w1]=w1
  [w2]=w2
  [w3]=w3
  [m9]=m9
)
# Each node's zone, as the drill places it (node.labels.zone).
declare -A zone=(
  [m1]=a
  [m2]=a
  [m3]=b
  [m4]=b
  [m5]=c
  [w1]=a
  [w2]=b
  [w3]=c
  [m9]=c
)
managers=(m1 m2 m3 m4 m5)

# [the prelude: prelude.go]

step 4 'cluster managers=5 az=2-2-1 workers=2 seed=3'
expect 4 "$CHECK_WITHIN" 'a lab of 5 managers and 2 workers' lab_has 5 2

step 5 'docker service create --name web --replicas 4 --constraint "node.role != manager" --placement-pref spread=node.labels.zone nginx:1.25'
docker service create --name web --replicas 4 --constraint 'node.role != manager' --placement-pref spread=node.labels.zone nginx:1.25

step 6 'docker service create --name agent --mode global agent'
docker service create --name agent --mode global agent

step 7 'wait 1500ms'
pause 1.500

step 8 'wait until leader within 30s'
expect 8 30 leader leader_in ''

step 9 'expect service web running 4 spread a=2 b=2'
expect 9 "$CHECK_WITHIN" 'service web running 4 spread a=2 b=2' service_running web 4 a=2 b=2

mapfile -t victims < <(pick_managers 1)
if ((${#victims[@]} < 1)); then
  printf 'FAILED line 10: could not find 1 reachable managers to stop\n' >&2
  exit 1
fi
mapfile -t cmds < <(stop_docker "${victims[@]}")
manual 10 'kill leader: the manager that leads now' "${cmds[@]}"

mapfile -t victims < <(pick_managers 1)
if ((${#victims[@]} < 1)); then
  printf 'FAILED line 11: could not find 1 reachable managers to stop\n' >&2
  exit 1
fi
mapfile -t cmds < <(stop_docker "${victims[@]}")
manual 11 'kill 1 managers: the leader, then others by name' "${cmds[@]}"

step 12 'wait until quorum'
expect 12 60 quorum quorum_holds

mapfile -t cmds < <(start_docker m1 m2 w1)
manual 13 'restart az a: every node of zone a' "${cmds[@]}"

mapfile -t cmds < <(cut_links m1 m2 w1 -- m3 m4 m5 w2)
manual 14 'partition a | b c: cut every link between zones a and b, c' "${cmds[@]}"

step 15 'expect leader in b'
expect 15 "$CHECK_WITHIN" 'a leader in zone b' leader_in b

mapfile -t cmds < <(heal_links m1 m2 w1)
manual 16 'heal: restore every link' "${cmds[@]}"

step 17 heal
# No partition is in force: nothing to heal.

manual 18 'docker swarm join --token worker' \
  'on the new worker w3: docker swarm join --token TOKEN MANAGER-ADDRESS:2377, TOKEN being what docker swarm join-token -q worker prints on a manager' \
  'then, on a manager: docker node update --label-add zone=c w3'

manual 19 'docker swarm join --token manager --zone c --name m9' \
  'on the new manager m9: docker swarm join --token TOKEN MANAGER-ADDRESS:2377, TOKEN being what docker swarm join-token -q manager prints on a manager' \
  'then, on a manager: docker node update --label-add zone=c m9'
managers+=(m9)

step 20 'docker node promote w1'
docker node promote w1
managers=(m1 m2 m3 m4 m5 m9 w1)

step 21 'docker node demote m4'
docker node demote m4
managers=(m1 m2 m3 m5 m9 w1)

step 22 'docker node update --availability drain w2'
docker node update --availability drain w2

step 23 'expect node w2 drain'
expect 23 "$CHECK_WITHIN" 'node w2 drain' node_is w2 drain

step 24 'docker node rm --force w3'
docker node rm --force w3

step 25 'docker service scale web=6'
docker service scale web=6

step 26 'docker service update --image nginx:1.27 web'
docker service update --image nginx:1.27 web

step 27 'docker service rollback web'
docker service rollback web

step 28 'expect task pending web "no suitable node"'
expect 28 "$CHECK_WITHIN" 'task pending web "no suitable node"' task_pending web 'no suitable node'

mapfile -t cmds < <(stop_docker m5 w3 m9)
manual 29 'kill az c: every node of zone c' "${cmds[@]}"

step 30 'expect no leader'
expect 30 "$CHECK_WITHIN" 'no leader' no_leader

step 31 'expect quorum lost'
expect 31 "$CHECK_WITHIN" 'quorum lost' quorum_lost

step 32 'expect error "does not have a leader": docker service scale web=2'
expect_error 32 'does not have a leader' docker service scale web=2

step 33 'docker swarm init --force-new-cluster --advertise-addr m3'
on_node m3 swarm init --force-new-cluster --advertise-addr "${addr[m3]}"
managers=(m3)

step 34 'expect quorum holds'
expect 34 "$CHECK_WITHIN" 'quorum holds' quorum_holds

step 35 'docker service rm web agent'
docker service rm web agent

printf '\nThe runbook of %s ran to the end: every expectation held.\n' testdata/everything.drill
