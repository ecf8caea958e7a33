# shellcheck shell=bash
# A throwaway "production" PostgreSQL filled with RefStore's shop data, and the dump a drill
# restores, taken with its manifest in one snapshot. Sourced by scripts/demo.sh and
# Benchmarks/drill-vs-manual.sh so both drill exactly the same kind of backup.
#
# Sets and uses: pgbin (the server programs), production (its folder while it runs).

# Newest installed major version, as the drill's `postgres_bin: auto` picks it, so the dump
# is never newer than the pg_restore that reads it.
production_locate_pgbin() {
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ ! -x "$pgbin/initdb" ]; then
    echo "${0##*/}: no PostgreSQL server found under /usr/lib/postgresql" >&2
    return 2
  fi
}

# PostgreSQL refuses to run as root; as root, its programs run as the postgres account.
as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts "production" with a database `refstore` and exports the PG* variables that reach it.
# The password is random and known only to this shell (the environment, never argv), and the
# server listens on a unix socket inside its own folder only.
production_start() {
  production=$(mktemp -d /tmp/refstore-production-XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$production"; fi
  local password
  password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  (
    umask 077
    printf '%s' "$password" > "$production/pw"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$production/pw"; fi
    as_server "$pgbin/initdb" -D "$production/data" -U refstore --pwfile="$production/pw" \
      --auth=scram-sha-256 -E UTF8 --locale=C >/dev/null
    rm -f "$production/pw"
    as_server "$pgbin/pg_ctl" -D "$production/data" -l "$production/server.log" -w \
      -o "-c listen_addresses='' -c unix_socket_directories='$production' -c port=5433" start >/dev/null
  )
  export PGHOST="$production" PGPORT=5433 PGUSER=refstore PGPASSWORD="$password" PGDATABASE=refstore
  "$pgbin/createdb" refstore
}

# Seeds the shop and writes DUMP, DUMP.sha256 and MANIFEST from one snapshot.
# The caller exports DRILL_CANARY first: seeding plants it, the drill proves it came back.
# With MASTER_KEY, DRILL_PASSWORD and DRILL_TOTP_SECRET set, the drill account is enrolled
# and, given KEY_AGE and RECIPIENT, the master key is written to KEY_AGE encrypted with age.
# Usage: production_seed_and_dump BIN_DIR SIZE SCENARIO DUMP MANIFEST [KEY_AGE RECIPIENT]
production_seed_and_dump() {
  local bin=$1 size=$2 scenario=$3 dump=$4 manifest=$5 key_age=${6:-} recipient=${7:-}
  : "${DRILL_CANARY:?export DRILL_CANARY before seeding}"
  "$bin/refstore" migrate
  # Data up to now: the backup is as fresh as a live store's, so the freshness check means something.
  "$bin/refstore" seed --size "$size" --ending now
  if [ -n "$key_age" ]; then
    : "${MASTER_KEY:?set MASTER_KEY to encrypt it}"
    # age reads the key on stdin, so it is never in argv.
    printf '%s' "$MASTER_KEY" | age --encrypt --recipient "$recipient" --output "$key_age"
  fi
  "$bin/restore-drill" manifest --scenario "$scenario" \
    --exec "'$pgbin/pg_dump' -Fc --no-owner --no-privileges --snapshot={snapshot} -f '$dump'" \
    --dump "$dump" --out "$manifest"
}

# Stops "production" and removes it. Safe to call twice and from an EXIT trap.
production_stop() {
  if [ -n "${production:-}" ]; then
    as_server "$pgbin/pg_ctl" -D "$production/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$production"
    production=
  fi
  unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
}

# A backup folder as the demo and the benchmarks use it: RefStore's data of SIZE dumped with
# its manifest, the master key encrypted with age to a fresh identity. Exports the drill's
# secrets (DRILL_CANARY, DRILL_PASSWORD, DRILL_TOTP_SECRET) and DRILL_AGE_IDENTITY.
# SCENARIO (default Scenarios/demo-local.yml) says what the manifest records.
# Usage: production_demo_backup BIN SIZE FOLDER [SCENARIO] (production running)
production_demo_backup() {
  local bin=$1 size=$2 demo=$3 scenario=${4:-Scenarios/demo-local.yml}
  # The canary: a value written to production and never anywhere else; the drill proves it came back.
  DRILL_CANARY=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  # The drill account's known-good authenticator: a password and a base32 TOTP secret, in the
  # environment only. The master key lives in this shell until it is encrypted with age.
  DRILL_PASSWORD=$(head -c 18 /dev/urandom | base64)
  DRILL_TOTP_SECRET=$(head -c 20 /dev/urandom | base32 | tr -d '=')
  export DRILL_CANARY DRILL_PASSWORD DRILL_TOTP_SECRET
  (umask 077 && age-keygen -o "$demo/age-identity.txt" 2>/dev/null)
  DRILL_AGE_IDENTITY="$(cd "$demo" && pwd)/age-identity.txt"
  export DRILL_AGE_IDENTITY
  MASTER_KEY=$(head -c 32 /dev/urandom | base64) production_seed_and_dump "$bin" "$size" "$scenario" \
    "$demo/refstore.dump" "$demo/refstore.manifest.json" "$demo/master.key.age" "$(age-keygen -y "$demo/age-identity.txt")"
}
