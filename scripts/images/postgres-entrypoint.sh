#!/bin/sh
# The drill's PostgreSQL container, honouring the official image's variables (POSTGRES_USER,
# POSTGRES_PASSWORD, POSTGRES_DB) so a scenario can switch to postgres:17 or
# pgvector/pgvector:pg17 without changing anything else. Runs as postgres.
set -eu
data=/var/lib/postgresql/data
bin=/usr/lib/postgresql/${PG_MAJOR:-15}/bin
if [ ! -s "$data/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set: the drill gives each run its own}"
  user=${POSTGRES_USER:-postgres}
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
  "$bin/initdb" -D "$data" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  # Inside the project's network only; the host reaches it through the port published on 127.0.0.1.
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$data/pg_hba.conf"
  cat >>"$data/postgresql.conf" <<SETTINGS
listen_addresses = '*'
max_wal_size = '4GB'
maintenance_work_mem = '256MB'
SETTINGS
  if [ "${POSTGRES_DB:-$user}" != postgres ]; then
    "$bin/pg_ctl" -D "$data" -o "-c listen_addresses=''" -w start >/dev/null
    "$bin/createdb" -U "$user" "${POSTGRES_DB:-$user}"
    "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
fi
exec "$bin/postgres" -D "$data"
