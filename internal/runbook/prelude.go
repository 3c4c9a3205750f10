package runbook

// prelude is the runbook's fixed part: how it reaches the swarm, how it
// asks for a manual step and how it checks an expectation. It is the
// same for every drill; the drill's nodes come before it and its steps
// after. Every check reads `docker node ls`, `docker service ls` or
// `docker service ps` in a --format that needs no parsing of tables.
const prelude = `CHECK_WITHIN=${CHECK_WITHIN:-60}
seen=""

# docker runs a docker command on a manager, over ssh, the way the drill's
# commands reach whichever manager is alive: when a manager is down or has
# no leader to ask, the next one is tried. Other errors are the answer.
# Service changes are sent with --detach: like the drill's, they return
# once the swarm accepted them, and the expectations wait for the rest.
docker() {
  local m out status=1
  if [[ ${1:-} == service && ${2:-} =~ ^(create|update|scale|rollback)$ ]]; then
    set -- "$1" "$2" --detach "${@:3}"
  fi
  for m in "${managers[@]}"; do
    if out=$(command docker -H "ssh://${host[$m]:-$m}" "$@" 2>&1); then
      if [[ -n $out ]]; then printf '%s\n' "$out"; fi
      return 0
    else
      status=$?
    fi
    case $out in
      *"does not have a leader"* | *"deadline exceeded"* | *"not a swarm manager"* | *"error during connect"* | *"Cannot connect"* | *"connection refused"* | *"ssh:"*) continue ;;
    esac
    break
  done
  printf '%s\n' "$out" >&2
  return "$status"
}

# on_node runs a docker command on one node, for what Docker runs there.
on_node() {
  local node=$1
  shift
  command docker -H "ssh://${host[$node]:-$node}" "$@"
}

step() { printf '\n[line %s] %s\n' "$1" "$2"; }

pause() {
  printf '  waiting %ss\n' "$1"
  sleep "$1"
}

# manual LINE WHAT COMMAND...: a failure the operator causes by hand, with
# the commands that cause it; the runbook goes on when they press Enter.
manual() {
  local line=$1 what=$2 c
  shift 2
  printf '\n######## MANUAL STEP, line %s: %s\n' "$line" "$what"
  printf '# Make it happen now, from another terminal:\n'
  for c in "$@"; do printf '#   %s\n' "$c"; done
  read -r -p '# then press Enter to go on (Ctrl-C stops the runbook) ' _
}

# The commands below are printed for the operator to paste: every host,
# address and path in them is quoted (printf %q), so a name from a nodes
# file stays one word and runs nothing.

# quote TEXT: TEXT single-quoted, one word for the remote shell ssh starts.
quote() {
  local q="'\\''"
  printf "'%s'" "${1//\'/$q}"
}

stop_docker() {
  local n
  for n in "$@"; do printf 'ssh %q sudo systemctl stop docker.socket docker.service\n' "${host[$n]:-$n}"; done
}

start_docker() {
  local n
  for n in "$@"; do printf 'ssh %q sudo systemctl start docker.socket docker.service\n' "${host[$n]:-$n}"; done
}

# backup_swarm NODE ARCHIVE and restore_swarm NODE ARCHIVE: Docker's admin
# guide, with Docker stopped while the swarm directory is copied or replaced.
backup_swarm() {
  stop_docker "$1"
  printf 'ssh %q sudo tar -czf %q -C /var/lib/docker swarm\n' "${host[$1]:-$1}" "$2"
  start_docker "$1"
}

restore_swarm() {
  stop_docker "$1"
  printf 'ssh %q sudo rm -rf /var/lib/docker/swarm\n' "${host[$1]:-$1}"
  printf 'ssh %q sudo tar -xzf %q -C /var/lib/docker\n' "${host[$1]:-$1}" "$2"
  start_docker "$1"
}

# cut_links A... -- B...: on each node of A, drop all traffic to and from
# the nodes of B. The rules carry a comment so heal_links finds them.
cut_links() {
  local -a a=()
  while [[ $1 != -- ]]; do
    a+=("$1")
    shift
  done
  shift
  local x y ips=""
  for y in "$@"; do ips+=" $(printf '%q' "${addr[$y]:-$y}")"; done
  for x in "${a[@]}"; do
    printf 'ssh %q %s\n' "${host[$x]:-$x}" "$(quote "for ip in$ips; do sudo iptables -I INPUT -s \$ip -m comment --comment swarmsim-drill -j DROP; sudo iptables -I OUTPUT -d \$ip -m comment --comment swarmsim-drill -j DROP; done")"
  done
}

# heal_links NODE...: remove every rule cut_links added on these nodes.
heal_links() {
  local x
  for x in "$@"; do
    printf "ssh %q 'sudo iptables-save | grep -v swarmsim-drill | sudo iptables-restore'\n" "${host[$x]:-$x}"
  done
}

# pick_managers N: the leader, then other reachable managers by name, as
# the drill's "kill N managers" takes the leader first.
pick_managers() {
  local out
  out=$(docker node ls --filter role=manager --format '{{.ManagerStatus}} {{.Hostname}}') || return 1
  {
    grep '^Leader ' <<<"$out" || true
    grep '^Reachable ' <<<"$out" | sort || true
  } | head -n "$1" | cut -d' ' -f2
}

# expect LINE SECONDS WHAT CHECK ARGS...: run CHECK until it holds, for at
# most SECONDS; if it never does, say what was seen and stop the runbook.
expect() {
  local line=$1 deadline=$((SECONDS + $2)) what=$3
  shift 3
  until "$@"; do
    if ((SECONDS >= deadline)); then
      printf 'FAILED line %s: expected %s\n  seen: %s\n' "$line" "$what" "$seen" >&2
      exit 1
    fi
    sleep 3
  done
  printf '  ok: %s (%s)\n' "$what" "$seen"
}

# expect_error LINE TEXT COMMAND...: the command must fail with TEXT.
expect_error() {
  local line=$1 want=$2 out
  shift 2
  if out=$("$@" 2>&1); then
    printf 'FAILED line %s: expected "%s" to fail with "%s", but it succeeded\n' "$line" "$*" "$want" >&2
    exit 1
  fi
  if [[ $out != *"$want"* ]]; then
    printf 'FAILED line %s: expected an error with "%s"\n  seen: %s\n' "$line" "$want" "$out" >&2
    exit 1
  fi
  printf '  ok: failed as expected: %s\n' "${out##*desc = }"
}

# The checks. Each sets seen to what it saw and succeeds when it holds.

# lab_has MANAGERS WORKERS. (Bash scopes dynamically: a local named
# managers here would hide the list the docker function walks.)
lab_has() {
  local out nm nw
  if ! out=$(docker node ls --format '{{.Hostname}} {{.ManagerStatus}}' 2>&1); then
    seen="docker node ls: ${out##*desc = }"
    return 1
  fi
  nm=$(awk 'NF > 1' <<<"$out" | grep -c . || true)
  nw=$(awk 'NF == 1' <<<"$out" | grep -c . || true)
  seen="$nm managers and $nw workers"
  ((nm == $1 && nw == $2))
}

quorum_holds() {
  local out total up
  if ! out=$(docker node ls --filter role=manager --format '{{.ManagerStatus}}' 2>&1); then
    seen="docker node ls: ${out##*desc = }"
    return 1
  fi
  total=$(grep -c . <<<"$out" || true)
  up=$(grep -c -E '^(Leader|Reachable)$' <<<"$out" || true)
  seen="$up of $total managers reachable"
  ((up * 2 > total))
}

quorum_lost() { ! quorum_holds; }

# leader_in ZONE: some manager leads, in ZONE unless it is empty.
leader_in() {
  local out name
  if ! out=$(docker node ls --format '{{.ManagerStatus}} {{.Hostname}}' 2>&1); then
    seen="no leader: ${out##*desc = }"
    return 1
  fi
  name=$(awk '$1 == "Leader" {print $2}' <<<"$out")
  if [[ -z $name ]]; then
    seen="no manager is Leader"
    return 1
  fi
  seen="$name leads, in zone ${zone[$name]:-unknown}"
  [[ -z $1 || ${zone[$name]:-} == "$1" ]]
}

no_leader() { ! leader_in ""; }

# service_running NAME N [ZONE=COUNT...]: N tasks running, so many per zone.
service_running() {
  local name=$1 want=$2 out running
  shift 2
  out=$(docker service ls --format '{{.Name}} {{.Replicas}}' 2>&1) || { seen=$out; return 1; }
  running=$(awk -v n="$name" '$1 == n {split($2, r, "/"); print r[1]}' <<<"$out")
  seen="$name: ${running:-no such service} running"
  [[ $running == "$want" ]] || return 1
  (($# > 0)) || return 0
  local tasks pair z count have node state
  tasks=$(docker service ps "$name" --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' 2>&1) || { seen=$tasks; return 1; }
  for pair in "$@"; do
    z=${pair%%=*}
    count=${pair#*=}
    have=0
    while read -r node state _; do
      if [[ $state == Running && ${zone[$node]:-} == "$z" ]]; then have=$((have + 1)); fi
    done <<<"$tasks"
    seen+=", $have in zone $z"
    ((have == count)) || return 1
  done
}

# task_pending NAME REASON: a task of NAME is pending, its error naming REASON.
task_pending() {
  local out
  out=$(docker service ps "$1" --no-trunc --filter desired-state=running --format '{{.CurrentState}} {{.Error}}' 2>&1) || { seen=$out; return 1; }
  seen=$(grep '^Pending' <<<"$out" | head -n 1 || true)
  seen=${seen:-no pending task}
  [[ $seen == Pending* && $seen == *"$2"* ]]
}

# port_is NODE PORT open|closed: whether NODE accepts connections on PORT.
port_is() {
  local state=closed
  # The inner bash expands $1 and $2: its arguments, the host and the port.
  # shellcheck disable=SC2016
  if timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "${host[$1]:-$1}" "$2" 2>/dev/null; then state=open; fi
  seen="port $2 on $1 is $state"
  [[ $state == "$3" ]]
}

# node_is NAME STATE: ready, down or unknown (its status), active, pause or drain
# (its availability), or locked (its daemon waits for the unlock key).
node_is() {
  local out line
  if [[ $2 == locked ]]; then
    out=$(on_node "$1" info --format '{{.Swarm.LocalNodeState}}' 2>&1)
    seen="$1 is $out"
    [[ $out == locked ]]
    return
  fi
  out=$(docker node ls --format '{{.Hostname}} {{.Status}} {{.Availability}}' 2>&1) || { seen=$out; return 1; }
  line=$(awk -v n="$1" '$1 == n' <<<"$out")
  seen=${line:-$1 is not in docker node ls}
  case $2 in
    ready | down | unknown) [[ ${line,,} == "${1,,} $2 "* ]] ;;
    *) [[ ${line,,} == *" $2" ]] ;;
  esac
}
`
