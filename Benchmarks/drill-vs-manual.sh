#!/usr/bin/env bash
# How much the drill costs over doing the same work by hand, and whether the harness stays
# small as the data grows. For each size, one run of each, back to back:
#   drill:  restore-drill run (prepare, throwaway target, pg_restore -j N, checks, teardown);
#   manual: sha256sum, initdb, pg_ctl start, createdb, pg_restore --list, pg_restore -j N,
#           the very SQL the drill's checks sent (read from its JSON report) through psql,
#           immediate shutdown, rm.
# Targets (issue): drill/manual ≤ 1.10 and checks < 10% of the restore at the largest size;
# the harness's peak RSS flat from the smallest size to the largest.
#
# Usage: Benchmarks/drill-vs-manual.sh [--sizes "medium large"] [--jobs N] [--rounds N] [--save-reports DIR]
set -euo pipefail
shopt -s inherit_errexit

usage() {
  cat <<'EOF'
Usage: Benchmarks/drill-vs-manual.sh [--sizes "medium large"] [--jobs N] [--rounds N] [--save-reports DIR]
  --sizes         RefStore sizes to measure, among tiny (100 orders), small (10k),
                  medium (100k), large (1M); default "medium large"
  --jobs          pg_restore jobs for both the drill and the manual restore; default: nproc
  --rounds        drill + manual pairs per size, on the same dump, in alternating order;
                  the targets are judged on the medians; default 3
  --save-reports  copy each size's drill reports, logs and replayed SQL into DIR/SIZE
                  (everything else is removed when the benchmark ends)
EOF
}

sizes="medium large"
jobs=$(nproc)
rounds=3
save_reports=""
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) sizes=${2:?--sizes needs a list such as "medium large"}; shift 2 ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --save-reports) save_reports=${2:?--save-reports needs a folder}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
say() { echo "drill-vs-manual: $*" >&2; }
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { say "--jobs must be a positive integer, not '$jobs'"; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { say "--rounds must be a positive integer, not '$rounds'"; exit 2; }
# Relative to where it was asked for, before moving to the repository.
[ -z "$save_reports" ] || save_reports=$(realpath -m "$save_reports")
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

declare -A orders_of=([tiny]=100 [small]=10000 [medium]=100000 [large]=1000000)
for size in $sizes; do
  [ -n "${orders_of[$size]:-}" ] || { say "unknown size '$size' (tiny, small, medium, large)"; exit 2; }
done
# Smallest first, so "the largest size" and "smallest → largest" mean what they say whatever
# order --sizes was written in.
read -r -a sizes_in_order <<<"$(for size in $sizes; do echo "${orders_of[$size]} $size"; done | sort -n -u | cut -d' ' -f2 | tr '\n' ' ')"
[ ${#sizes_in_order[@]} -gt 0 ] || { say "--sizes is empty"; exit 2; }

max_ratio=1.10
max_check_share_percent=10
# Peak RSS counts as flat when the largest size needs at most this much more than the smallest.
max_rss_growth_percent=10

command -v jq >/dev/null || { say "needs jq to read the drill's JSON report (apt-get install jq)"; exit 2; }

source scripts/lib/production.sh
scripts/install-deps.sh >&2
swift build -c release >&2
bin=.build/release
production_locate_pgbin

work=$(mktemp -d /tmp/restore-drill-bench-XXXXXX)
manual=""
# The log of the step under way: on failure its end is shown, since $work goes away.
current_log=""
remove_manual_cluster() {
  if [ -n "$manual" ]; then
    if [ -f "$manual/data/postmaster.pid" ]; then
      as_server "$pgbin/pg_ctl" --pgdata "$manual/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$manual"
    manual=""
  fi
}
cleanup() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -n "$current_log" ] && [ -s "$current_log" ]; then
    say "failed; the end of $(basename "$current_log"):"
    tail -n 20 "$current_log" >&2
  fi
  production_stop
  remove_manual_cluster
  rm -rf "$work"
}
trap cleanup EXIT
# Turning signals into exit runs the EXIT trap; the drill, in the same process group, gets the
# signal too and tears its own target down.
trap 'exit 130' INT
trap 'exit 143' TERM

now() { echo "$EPOCHREALTIME"; }
seconds_between() { awk -v from="$1" -v to="$2" 'BEGIN { printf "%.3f", to - from }'; }
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# The parameters the drill bound to its `$n` queries are not in its report (only the SQL is),
# so they are rebuilt here from the same sources the drill used:
# - catalog look-ups (RestoredCatalog.describeSQL): the tables and columns bench.yml's checks
#   name, quoted as the drill quotes them; keep in step with Benchmarks/bench.yml;
describe_targets='{
  "row_counts":       [["\"customers\"", null], ["\"products\"", null], ["\"orders\"", null],
                       ["\"order_lines\"", null], ["\"invoices\"", null]],
  "money":            [["\"orders\"", "total_cents"], ["\"order_lines\"", "unit_price_cents"],
                       ["\"invoices\"", "total_cents"], ["\"orders\"", "currency"]],
  "invoice_sequence": [["\"invoices\"", "number"], ["\"invoices\"", "series"]]
}'
# - the currency-code check: ISO4217.acceptedCodes, read from the harness's own source (List
#   One plus the replaced codes: every upper-case three-letter string in that file), sorted;
accepted_currency_codes=$(grep -o '"[A-Z]\{3\}"' Sources/DrillKit/Checks/ISO4217.swift | tr -d '"' | LC_ALL=C sort -u |
  jq -R . | jq -s -c .)
[ "$(jq length <<<"$accepted_currency_codes")" -gt 150 ] || { say "could not read the ISO 4217 codes from ISO4217.swift"; exit 2; }
# - invoice_sequence's uniqueness question: the table, column, series and key columns bench.yml names;
# - next_number_sql: once per invoice series, the series production reported in the manifest.
# Each parameterised query becomes PREPARE (its text unchanged) + one EXECUTE per parameter
# set, so psql sends the same SQL the drill sent and the server plans it the same way. A
# parameterised query not recognised here stops the benchmark rather than being skipped.
write_check_queries() {
  local report=$1 manifest=$2 out=$3 series
  series=$(jq -c '[.invoice_latest[] | keys[]] | unique' "$manifest")
  jq -r --argjson targets "$describe_targets" --argjson codes "$accepted_currency_codes" --argjson series "$series" '
    def sql_literal: "'"'"'" + gsub("'"'"'"; "'"'"''"'"'") + "'"'"'";
    def array_literal:
      "{" + (map(if . == null then "NULL" else "\"" + (gsub("\\\\"; "\\\\") | gsub("\""; "\\\"")) + "\"" end) | join(",")) + "}";
    # A statement several checks share (one pass over a table) was sent once: replay it once.
    [.checks | to_entries[] | .key as $check_index | .value as $check
     | $check.queries | to_entries[] | {check: $check, name: "q\($check_index)_\(.key)", sql: .value}]
    | reduce .[] as $query ([];
        if ($query.sql | test("\\$[0-9]") | not) and any(.[]; .sql == $query.sql) then . else . + [$query] end)
    | .[] | .check as $check | .name as $name | .sql as $sql
    | if ($sql | test("\\$[0-9]") | not) then $sql + ";"
      else
        (if ($sql | contains("unnest($1::text[], $2::text[])")) then
           ($targets[$check.kind] // error("no catalog targets for \($check.kind); add them to describe_targets")) as $pairs
           | [[($pairs | map(.[0]) | array_literal | sql_literal), ($pairs | map(.[1]) | array_literal | sql_literal)]]
         elif ($sql | contains("<> ALL ($1::text[])")) then [[$codes | array_literal | sql_literal]]
         elif ($sql | contains("FROM pg_index i")) then
           # invoice_sequence asks the catalog whether a unique index rules out duplicates;
           # bench.yml checks invoices.number per series.
           [["invoices", "number", "series", (["number", "series"] | array_literal)] | map(sql_literal)]
         elif $check.kind == "invoice_sequence" then $series | map([sql_literal])
         else error("\($check.id): cannot tell the parameters of: \($sql)") end) as $parameter_sets
        | "PREPARE \($name) AS \($sql);\n"
          + ($parameter_sets | map("EXECUTE \($name)(\(join(", ")));") | join("\n"))
      end' "$report" >"$out"
}

# The drill's target and restore, done by hand: LocalCluster's initdb options and settings,
# except that the server listens on its socket only (no TCP port to find; the clients use
# the socket in both cases). Sets manual_seconds, the wall-clock time of the whole.
# Called neither in a subshell nor under `||`, so set -e stops at the first failing step
# and the EXIT trap knows which cluster to remove.
manual_run() {
  local dump=$1 queries=$2
  local started expected actual password
  started=$(now)
  expected=$(cut -d' ' -f1 "$dump.sha256")
  actual=$(sha256sum "$dump" | cut -d' ' -f1)
  if [ "$actual" != "$expected" ]; then
    say "manual: the sha256 of $dump differs from $dump.sha256"
    return 1
  fi

  manual=$(mktemp -d /tmp/restore-drill-bench-manual-XXXXXX)
  mkdir -m 700 "$manual/sock"
  password=$(random_hex 24)
  (umask 077 && printf '%s' "$password" >"$manual/pwfile")
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$manual"; fi
  LC_ALL=C as_server "$pgbin/initdb" --pgdata "$manual/data" --username refstore --pwfile "$manual/pwfile" \
    --auth scram-sha-256 --encoding UTF8 --locale C --no-sync
  rm -f "$manual/pwfile"
  cat >>"$manual/data/postgresql.conf" <<SETTINGS

# drill-vs-manual: the drill's settings, by hand.
listen_addresses = ''
port = 5434
unix_socket_directories = '$manual/sock'
unix_socket_permissions = 0700
max_wal_size = '4GB'
maintenance_work_mem = '256MB'
log_min_messages = warning
SETTINGS
  as_server "$pgbin/pg_ctl" --pgdata "$manual/data" --log "$manual/server.log" --wait --timeout 60 start
  local -x PGHOST="$manual/sock" PGPORT=5434 PGUSER=refstore PGPASSWORD="$password" PGDATABASE=refstore PGSSLMODE=disable
  "$pgbin/createdb" refstore
  "$pgbin/pg_restore" --list "$dump" >/dev/null
  # --verbose as in the drill, which reads that output for progress and errors.
  "$pgbin/pg_restore" --verbose --no-owner --no-privileges --dbname refstore --jobs "$jobs" "$dump"
  "$pgbin/psql" --no-psqlrc --quiet --set ON_ERROR_STOP=1 --file "$queries" >/dev/null
  as_server "$pgbin/pg_ctl" --pgdata "$manual/data" -m immediate stop
  rm -rf "$manual"
  manual=""
  manual_seconds=$(seconds_between "$started" "$(now)")
}

results=()
for size in "${sizes_in_order[@]}"; do
  run="$work/$size"
  mkdir -p "$run"
  # Next to the dump, so the scenario's relative paths name this size's files.
  sed "s/^  jobs: .*/  jobs: $jobs/" Benchmarks/bench.yml >"$run/bench.yml"
  grep -q "^  jobs: $jobs\$" "$run/bench.yml" || { say "could not set jobs in the scenario"; exit 2; }

  say "[$size] seeding ${orders_of[$size]} orders into a throwaway production, then dump + manifest"
  current_log="$run/seed.log"
  production_start >"$current_log" 2>&1
  DRILL_CANARY=$(random_hex 16)
  export DRILL_CANARY
  production_seed_and_dump "$bin" "$size" "$run/bench.yml" "$run/refstore.dump" "$run/refstore.manifest.json" >>"$current_log" 2>&1
  production_stop

  # One drill first (the manual side replays the SQL its checks sent), then pairs in
  # alternating order, so a slow spell on a shared machine does not always hit the same side.
  for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then order="drill manual"; else order="manual drill"; fi
    for side in $order; do
      if [ "$side" = drill ]; then
        say "[$size] round $round/$rounds: drill"
        current_log="$run/drill-$round.log"
        rm -rf "$run/reports"
        started=$(now)
        "$bin/restore-drill" run "$run/bench.yml" >"$current_log" 2>&1
        drill_seconds=$(seconds_between "$started" "$(now)")
        reports=("$run"/reports/bench-*.json)
        report=${reports[0]}
        if ! jq -e --arg jobs "--jobs $jobs " \
          '[.steps[] | select(.id == "restore") | .evidence[] | select(startswith("restore command:") and contains($jobs))] | length == 1' \
          "$report" >/dev/null; then
          say "[$size] the drill did not restore with $jobs jobs; the comparison would be unfair"
          exit 1
        fi
        [ -f "$run/checks.sql" ] || write_check_queries "$report" "$run/refstore.manifest.json" "$run/checks.sql"
        # The check phase's wall time: checks run side by side, so their durations' sum overstates
        # it. RTO ends with the last check and starts with the target, so what follows the restore is:
        check_seconds=$(jq '.rto.measured_seconds - ([.steps[] | select(.id == "target" or .id == "restore") | .duration_seconds] | add)' "$report")
        restore_seconds=$(jq '.steps[] | select(.id == "restore") | .duration_seconds' "$report")
        peak_rss_bytes=$(jq '.environment.harness_peak_memory_bytes' "$report")
        teardown_seconds=$(jq '.teardown.duration_seconds' "$report")
        if [ -n "$save_reports" ]; then
          mkdir -p "$save_reports/$size/round-$round"
          cp -r "$run/reports" "$save_reports/$size/round-$round/"
        fi
      else
        say "[$size] round $round/$rounds: manual"
        current_log="$run/manual-$round.log"
        manual_run "$run/refstore.dump" "$run/checks.sql" >"$current_log" 2>&1
      fi
    done
    current_log=""
    results+=("$size ${orders_of[$size]} $round $drill_seconds $manual_seconds $check_seconds $restore_seconds $peak_rss_bytes $teardown_seconds")
  done
  if [ -n "$save_reports" ]; then
    cp "$run"/*.log "$run/checks.sql" "$run/bench.yml" "$save_reports/$size/"
  fi
done

# One row per round; the targets are judged on the medians at the largest size (RSS: the
# largest peak of the smallest size → of the largest size). The drill's teardown is shown
# because it is where a fixed overhead hides: where PID 1 reaps orphans late (some
# containers), the harness waits for the stopped postmaster's zombie, while pg_ctl stop only
# waits for postmaster.pid to go.
printf '%s\n' "${results[@]}" | awk -v jobs="$jobs" -v rounds="$rounds" -v max_ratio="$max_ratio" \
  -v max_share="$max_check_share_percent" -v max_growth="$max_rss_growth_percent" '
  function median(values, count,    i, j, swap) {
    for (i = 2; i <= count; i++)
      for (j = i; j > 1 && values[j - 1] > values[j]; j--) { swap = values[j]; values[j] = values[j - 1]; values[j - 1] = swap }
    return count % 2 ? values[(count + 1) / 2] : (values[count / 2] + values[count / 2 + 1]) / 2
  }
  {
    ratio = $4 / $5; share = 100 * $6 / $7; rss = $8 / 1048576
    if (NR == 1) {
      printf "pg_restore jobs: %d (drill and manual); %d round(s) per size\n\n", jobs, rounds
      printf "%-7s %9s %5s %9s %9s %7s %9s %10s %8s %12s %17s\n", "size", "orders", "round", "drill s", "manual s", "ratio",
        "checks s", "restore s", "checks%", "peak RSS", "drill teardown s"
      first_size = $1
    }
    printf "%-7s %9d %5d %9.2f %9.2f %7.3f %9.3f %10.3f %7.1f%% %8.1f MiB %17.2f\n", $1, $2, $3, $4, $5, ratio, $6, $7, share, rss, $9
    if ($1 != last_size) { count = 0; size_rss = 0 }
    count++; ratios[count] = ratio; shares[count] = share
    if (rss > size_rss) size_rss = rss
    if ($1 == first_size) first_rss = size_rss
    last_size = $1; last_count = count; last_rss = size_rss
  }
  END {
    last_ratio = median(ratios, last_count); last_share = median(shares, last_count)
    printf "\n"
    printf "ratio ≤ %.2f: %s (median %.3f at %s)\n", max_ratio, (last_ratio <= max_ratio ? "yes" : "no"), last_ratio, last_size
    printf "checks < %d%% of restore: %s (median %.1f%% at %s)\n", max_share, (last_share < max_share ? "yes" : "no"), last_share, last_size
    if (first_size == last_size) printf "peak RSS flat across sizes: n/a, one size measured (%.1f MiB)\n", last_rss
    else printf "peak RSS flat across sizes: %s (%.1f MiB → %.1f MiB, at most +%d%% allowed)\n",
      (last_rss <= first_rss * (1 + max_growth / 100) ? "yes" : "no"), first_rss, last_rss, max_growth
  }'
