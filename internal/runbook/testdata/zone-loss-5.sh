#!/usr/bin/env bash
# Runbook for a lab swarm, written by swarmsim from ../../examples/zone-loss-5.drill.
#
# Five managers as 2-2-1 over three zones: no zone holds more than 2, the
# number of managers five can lose. Any one zone may die, and then still one
# more manager.
#
# The lab: 5 managers and 6 workers, named as in the drill and labelled with
# their zones (docker node update --label-add zone=a m1); zone a: m1 m2 w1
# w2; zone b: m3 m4 w3 w4; zone c: m5 w5 w6.
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
  [w4]=w4
  [w5]=w5
  [w6]=w6
)
# No partition or --advertise-addr in this drill: no addresses are needed.
declare -A addr=(
)
# Each node's zone, as the drill places it (node.labels.zone).
declare -A zone=(
  [m1]=a
  [m2]=a
  [m3]=b
  [m4]=b
  [m5]=c
  [w1]=a
  [w2]=a
  [w3]=b
  [w4]=b
  [w5]=c
  [w6]=c
)
managers=(m1 m2 m3 m4 m5)

# [the prelude: prelude.go]

step 4 'cluster managers=5 az=2-2-1 workers=6 seed=7'
expect 4 "$CHECK_WITHIN" 'a lab of 5 managers and 6 workers' lab_has 5 6

step 5 'docker service create --name web --replicas 6 --placement-pref spread=node.labels.zone nginx'
docker service create --name web --replicas 6 --placement-pref spread=node.labels.zone nginx

step 6 'docker service create --name agent --mode global agent'
docker service create --name agent --mode global agent

step 7 'wait 30s'
pause 30

step 8 'expect quorum holds'
expect 8 "$CHECK_WITHIN" 'quorum holds' quorum_holds

step 9 'expect service web running 6 spread a=2 b=2 c=2'
expect 9 "$CHECK_WITHIN" 'service web running 6 spread a=2 b=2 c=2' service_running web 6 a=2 b=2 c=2

step 10 'expect service agent running 11'
expect 10 "$CHECK_WITHIN" 'service agent running 11' service_running agent 11

mapfile -t cmds < <(stop_docker m1 m2 w1 w2)
manual 12 'kill az a: every node of zone a' "${cmds[@]}"

step 13 'wait 60s'
pause 60

step 14 'expect quorum holds'
expect 14 "$CHECK_WITHIN" 'quorum holds' quorum_holds

step 15 'expect leader'
expect 15 "$CHECK_WITHIN" 'a leader' leader_in ''

step 16 'expect service web running 6 spread a=0 b=3 c=3'
expect 16 "$CHECK_WITHIN" 'service web running 6 spread a=0 b=3 c=3' service_running web 6 a=0 b=3 c=3

step 17 'expect service agent running 7'
expect 17 "$CHECK_WITHIN" 'service agent running 7' service_running agent 7

mapfile -t cmds < <(start_docker m1 m2 w1 w2)
manual 19 'restart az a: every node of zone a' "${cmds[@]}"

step 20 'wait 30s'
pause 30

mapfile -t cmds < <(stop_docker m3 m4 w3 w4)
manual 21 'kill az b: every node of zone b' "${cmds[@]}"

step 22 'wait 45s'
pause 45

step 23 'expect quorum holds'
expect 23 "$CHECK_WITHIN" 'quorum holds' quorum_holds

step 24 'expect service web running 6 spread b=0'
expect 24 "$CHECK_WITHIN" 'service web running 6 spread b=0' service_running web 6 b=0

mapfile -t cmds < <(start_docker m3 m4 w3 w4)
manual 26 'restart az b: every node of zone b' "${cmds[@]}"

step 27 'wait 30s'
pause 30

mapfile -t cmds < <(stop_docker m5 w5 w6)
manual 28 'kill az c: every node of zone c' "${cmds[@]}"

step 29 'wait 60s'
pause 60

step 30 'expect quorum holds'
expect 30 "$CHECK_WITHIN" 'quorum holds' quorum_holds

step 31 'expect service web running 6 spread c=0'
expect 31 "$CHECK_WITHIN" 'service web running 6 spread c=0' service_running web 6 c=0

printf '\nThe runbook of %s ran to the end: every expectation held.\n' ../../examples/zone-loss-5.drill
