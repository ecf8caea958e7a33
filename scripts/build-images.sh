#!/usr/bin/env bash
# Builds the images docker-compose.drill.yml uses by default, offline, from this machine's
# own Debian package source (no registry), and reuses each one while its inputs are the same:
#   restore-drill/base:bookworm   Debian bookworm minbase + postgresql-15, libpq5, liboath0, libsqlite3-0, libcurl4
#   restore-drill/base:trixie-pg17  Debian trixie minbase + postgresql-17, postgresql-17-pgvector
#   restore-drill/postgres:15     the drill's PostgreSQL (official-image variables)
#   restore-drill/postgres:17     PostgreSQL 17 with pgvector, the same way (a stand-in for pgvector/pgvector:pg17)
#   restore-drill/refstore:local  RefStore, built here with a static Swift stdlib (release 1)
#   restore-drill/refstore:1, :2  the same binary serving release 1.0.0 or 2.0.0 (the upgrade gate's from and to)
# Usage: scripts/build-images.sh        (DOCKER_HOST as scripts/docker-engine.sh start prints)
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
say() { echo "build-images: $*" >&2; }

docker info >/dev/null 2>&1 || { say "no Docker engine answers (DOCKER_HOST=${DOCKER_HOST:-unset}); run scripts/docker-engine.sh start"; exit 2; }
command -v mmdebstrap >/dev/null || {
  [ "$(id -u)" -eq 0 ] || { say "mmdebstrap is missing; install it: apt-get install mmdebstrap"; exit 2; }
  say "installing mmdebstrap"; apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
}

# The label every image carries: a hash of what it was built from.
inputs_of() { docker image inspect --format '{{ index .Config.Labels "restore-drill.inputs" }}' "$1" 2>/dev/null || true; }
hash_of() { sha256sum | cut -c1-16; }

sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list
# This machine's Debian mirror, which also serves trixie (PostgreSQL 17 and pgvector).
# (a one-line `deb [signed-by=…] URL suite` may carry options before the URL)
mirror=$(awk '/^URIs:/ { print $2; exit } /^deb / { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; exit } }' "$sources")
[ -n "$mirror" ] || { say "no Debian mirror found in $sources"; exit 2; }

base_image() { # IMAGE SUITE PACKAGES SOURCE: a Debian rootfs from the mirror, imported as IMAGE
  local inputs
  inputs=$( (echo "$3"; echo "$4"; if [ -f "$4" ]; then cat "$4"; fi) | hash_of)
  if [ "$(inputs_of "$1")" = "$inputs" ]; then say "$1 is up to date"; echo "$inputs"; return; fi
  say "building $1 from $2 (about a minute)"
  local work
  work=$(mktemp -d /tmp/restore-drill-images-XXXXXX)
  # The rootfs is half a gigabyte: gone on every path, a failed import too.
  trap 'rm -rf "$work"' EXIT
  mmdebstrap --quiet --variant=minbase --include="$3" "$2" "$work/rootfs.tar" "$4" >&2 ||
    { say "mmdebstrap could not build $1 from $2"; exit 2; }
  docker import --change "LABEL restore-drill.inputs=$inputs" "$work/rootfs.tar" "$1" >/dev/null
  rm -rf "$work"
  trap - EXIT
  echo "$inputs"
}

base=restore-drill/base:bookworm
base_inputs=$(base_image "$base" bookworm "postgresql-15,libpq5,liboath0,libsqlite3-0,libcurl4,ca-certificates" "$sources")
base17=restore-drill/base:trixie-pg17
base17_inputs=$(base_image "$base17" trixie "postgresql-17,postgresql-17-pgvector,ca-certificates" "$mirror")

build() { # IMAGE DOCKERFILE CONTEXT INPUTS [BUILD-ARG...]
  if [ "$(inputs_of "$1")" = "$4" ]; then say "$1 is up to date"; return; fi
  say "building $1"
  local image=$1 dockerfile=$2 context=$3 inputs=$4
  shift 4
  local arguments=()
  [[ " $* " == *" BASE="* ]] || arguments+=(--build-arg "BASE=$base")
  for argument in "$@"; do arguments+=(--build-arg "$argument"); done
  # The legacy builder is what works offline here; its deprecation notice is noise. Only the
  # filter may find nothing to print: a failed build still fails the pipe (pipefail).
  docker build --quiet "${arguments[@]}" --label "restore-drill.inputs=$inputs" -t "$image" -f "$dockerfile" "$context" 2>&1 >/dev/null |
    { grep -v -e "legacy builder is deprecated" -e "Install the buildx component" -e "docs.docker.com/go/buildx" -e '^ *$' >&2 || true; }
}

postgres_inputs=$(cat scripts/images/postgres.Dockerfile scripts/images/postgres-entrypoint.sh <(echo "$base_inputs") | hash_of)
build restore-drill/postgres:15 scripts/images/postgres.Dockerfile scripts/images "$postgres_inputs" PG_MAJOR=15
# The stand-in for pgvector/pgvector:pg17, the image SovEcom runs.
postgres17_inputs=$(cat scripts/images/postgres.Dockerfile scripts/images/postgres-entrypoint.sh <(echo "$base17_inputs") | hash_of)
build restore-drill/postgres:17 scripts/images/postgres.Dockerfile scripts/images "$postgres17_inputs" "BASE=$base17" PG_MAJOR=17

say "building refstore (release, static Swift stdlib)"
# DrillKit's HTTP client is FoundationNetworking, which the static stdlib links against the
# system's libcurl; the image carries libcurl4 for it.
libcurl=$(ls /usr/lib/*-linux-gnu/libcurl.so.4 2>/dev/null | head -n 1 || true)
[ -n "$libcurl" ] || { say "libcurl.so.4 is missing; install it: apt-get install libcurl4"; exit 2; }
context=$(mktemp -d /tmp/restore-drill-images-XXXXXX)
trap 'rm -rf "$context"' EXIT
# The linker asks for -lcurl; without libcurl's -dev package only the runtime .so.4 exists.
mkdir -p "$context/lib" && ln -s "$libcurl" "$context/lib/libcurl.so"
swift build -c release --static-swift-stdlib -Xlinker -L"$context/lib" --product refstore >&2
rm -rf "$context/lib"
cp .build/release/refstore scripts/images/refstore-entrypoint.sh "$context/"
refstore_inputs=$(cat scripts/images/refstore.Dockerfile "$context/refstore" scripts/images/refstore-entrypoint.sh <(echo "$base_inputs") | hash_of)
build restore-drill/refstore:local scripts/images/refstore.Dockerfile "$context" "$refstore_inputs-1" RELEASE=1
build restore-drill/refstore:1 scripts/images/refstore.Dockerfile "$context" "$refstore_inputs-1" RELEASE=1
build restore-drill/refstore:2 scripts/images/refstore.Dockerfile "$context" "$refstore_inputs-2" RELEASE=2
# Images replaced by a rebuild are left untagged; only ours (by label) are removed.
docker image prune --force --filter "label=restore-drill.inputs" >/dev/null
say "ready: $base, $base17, restore-drill/postgres:15, restore-drill/postgres:17 (with pgvector), restore-drill/refstore:local, :1 and :2"
