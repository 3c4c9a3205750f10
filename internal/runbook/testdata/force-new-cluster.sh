#!/usr/bin/env bash
# Runbook for a lab swarm, written by swarmsim from ../../examples/force-new-cluster.drill.
#
# Lost quorum and the way back: three of five managers die, the swarm has no
# leader, and `docker swarm init --force-new-cluster` on a survivor makes it
# a one-manager swarm that keeps the state. Promoting two more managers
# restores fault tolerance.
#
# The lab: 5 managers and 3 workers, named as in the drill and labelled with
# their zones (docker node update --label-add zone=a m1); zone a: m1 m2 w1;
# zone b: m3 m4 w2; zone c: m5 w3.
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
)
managers=(m1 m2 m3 m4 m5)

# [the prelude: prelude.go]

step 5 'cluster managers=5 az=2-2-1 workers=3 seed=17'
expect 5 "$CHECK_WITHIN" 'a lab of 5 managers and 3 workers' lab_has 5 3

step 6 'docker service create --name web --replicas 4 nginx'
docker service create --name web --replicas 4 nginx

step 7 'wait 20s'
pause 20

step 8 'expect service web running 4'
expect 8 "$CHECK_WITHIN" 'service web running 4' service_running web 4

mapfile -t cmds < <(stop_docker m1 m2 m3)
manual 10 'kill m1 m2 m3' "${cmds[@]}"

step 11 'wait 45s'
pause 45

step 12 'expect quorum lost'
expect 12 "$CHECK_WITHIN" 'quorum lost' quorum_lost

step 13 'expect error "does not have a leader": docker service scale web=6'
expect_error 13 'does not have a leader' docker service scale web=6

step 15 'docker swarm init --force-new-cluster --advertise-addr m5'
on_node m5 swarm init --force-new-cluster --advertise-addr "${addr[m5]}"
managers=(m5)

step 16 'wait 5s'
pause 5

step 17 'expect leader in c'
expect 17 "$CHECK_WITHIN" 'a leader in zone c' leader_in c

step 18 'expect quorum holds'
expect 18 "$CHECK_WITHIN" 'quorum holds' quorum_holds

step 19 'docker service scale web=6'
docker service scale web=6

step 20 'wait 45s'
pause 45

step 21 'expect service web running 6'
expect 21 "$CHECK_WITHIN" 'service web running 6' service_running web 6

step 23 'docker node promote m4 w1'
docker node promote m4 w1
managers=(m5 m4 w1)

step 24 'wait 10s'
pause 10

step 25 'expect quorum holds'
expect 25 "$CHECK_WITHIN" 'quorum holds' quorum_holds

mapfile -t cmds < <(stop_docker m4)
manual 26 'kill m4' "${cmds[@]}"

step 27 'wait 45s'
pause 45

step 28 'expect quorum holds'
expect 28 "$CHECK_WITHIN" 'quorum holds' quorum_holds

printf '\nThe runbook of %s ran to the end: every expectation held.\n' ../../examples/force-new-cluster.drill
