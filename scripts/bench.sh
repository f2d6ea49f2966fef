#!/usr/bin/env bash
# Speed and memory, compared in one run on the same machine, against nginx
# over loopback. Ratios matter, not absolute numbers: machines are noisy, so
# the tools of a scenario take turns run by run (A B A B ...), each run
# starts from cold caches with the served files warm, and a ratio is the
# median of the run-by-run ratios.
#
# Sections (each a function below, run in this order):
#   reference  the long-standing rows: a 1 GiB file with curl, aria2c and
#              magedl in several modes, on disk and tmpfs
#   noverify   1 GiB --no-verify vs curl -o file
#   verified   1 GiB md5 + sha256 vs md5sum of the file alone
#   capped     256 MiB from a server capped at 50 MB/s per connection, -s 4,
#              vs aria2c -x4 -s4 and curl
#   many       200 x 1 MiB with -j 8, verified, vs curl --parallel + md5sum,
#              and the peak RSS of both
#   verify     magedl verify of the 1 GiB file (md5 + sha256, one read) vs
#              md5sum of it
#   noop       a second sync of a directory holding the 1 GiB file, and of
#              a 1,000-file catalog: wall time, blocks read from disk, and
#              file requests (goals: < 0.1 s and < 0.3 s, none read)
# Every goal row is collected and printed again as one table at the end.
#
# Adding a section: write `section_NAME() { ... }` using the helpers
# (`timed_runs`, `row`, `goal`), then `register NAME` after it. Data files
# come from `data_file` (generated once per run of the script).
#
# Needs nginx (apt-get install nginx-light), GNU time, curl and python3;
# aria2c is used when present (its rows are left out otherwise). Variables: RUNS
# (default 5), BENCH_ONLY=name,name (default: every section), SIZE_MIB (the
# big file, default 1024).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZE_MIB=${SIZE_MIB:-1024}
BENCH_ONLY=${BENCH_ONLY:-}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "bench: nginx is required (apt-get install -y nginx-light)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is required (apt-get install -y time)" >&2; exit 1; }
for tool in curl python3; do
  command -v "$tool" > /dev/null || { echo "bench: $tool is required (apt-get install -y $tool)" >&2; exit 1; }
done
BIN=$PWD/target/release/magedl
[ -x "$BIN" ] || { echo "bench: build first (make build)" >&2; exit 1; }
WORK=$(mktemp -d /var/tmp/magedl-bench.XXXXXX)
SHM=""
trap '"$NGINX" -p "$WORK" -c nginx.conf -s stop 2>/dev/null || true; rm -rf "$WORK" ${SHM:+"$SHM"}' EXIT
chmod 755 "$WORK"
mkdir -p "$WORK/www/file" "$WORK/www/info" "$WORK/logs" "$WORK/out" "$WORK/runs" "$WORK/md5"
OUT=$WORK/out
GOALS=$WORK/goals.md
: > "$GOALS"

# ---------------------------------------------------------------- helpers

SECTIONS=()
register() { SECTIONS+=("$1"); }

selected() {
  [ -z "$BENCH_ONLY" ] && return 0
  case ",$BENCH_ONLY," in *",$1,"*) return 0 ;; esac
  return 1
}

# data_file NAME MIB: a file of random bytes served as file/NAME, made once
# (with its md5 for the catalog); the catalog is rewritten to name it.
data_file() {
  local path=$WORK/www/file/$1
  [ -f "$path" ] && return 0
  head -c $(($2 * 1024 * 1024)) /dev/urandom | tee "$path" | md5sum | cut -d' ' -f1 > "$WORK/md5/$1"
  CATALOG_STALE=1
}

# The catalog names every served file with its md5, so magedl verifies.
write_catalog() {
  [ "${CATALOG_STALE:-0}" = 1 ] || return 0
  local first=1 f name
  {
    printf '{"ce-full":{"9.9.9":['
    for f in "$WORK"/md5/*; do
      name=$(basename "$f")
      [ $first = 1 ] || printf ','
      first=0
      printf '{"name":"%s","file_name":"%s","md5":"%s"}' "$name" "$name" "$(cat "$f")"
    done
    printf ']}}'
  } > "$WORK/www/info/json"
  CATALOG_STALE=0
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Two servers over the same tree: one plain, one capped per connection.
start_nginx() {
  PORT=$(free_port)
  CAPPED_PORT=$(free_port)
  LOGGED_PORT=$(free_port)
  cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
error_log $WORK/logs/error.log;
pid $WORK/nginx.pid;
daemon on;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  default_type application/octet-stream;
  server { listen 127.0.0.1:$PORT; root $WORK/www; }
  server { listen 127.0.0.1:$CAPPED_PORT; root $WORK/www; limit_rate 50m; }
  server { listen 127.0.0.1:$LOGGED_PORT; root $WORK/www; access_log $WORK/logs/access.log; }
}
CONF
  "$NGINX" -p "$WORK" -c nginx.conf
  ENDPOINT="http://127.0.0.1:$PORT/"
  CAPPED="http://127.0.0.1:$CAPPED_PORT/"
  LOGGED="http://127.0.0.1:$LOGGED_PORT/"
}

# Before every run: an empty output folder, the page cache dropped (the
# previous run's dirty pages written first), the served files warm.
WARM=()
prepare_run() {
  rm -rf "$OUT" && mkdir -p "$OUT"
  [ -z "$SHM" ] || { rm -rf "$SHM" && mkdir -p "$SHM"; }
  sync
  echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  local f
  for f in "${WARM[@]}"; do cat "$f" > /dev/null; done
}

# timed_runs LABEL CMD [LABEL CMD]...: RUNS rounds; in each round every
# command runs once, in turn. Wall seconds and peak RSS (KiB) of each run
# go to $WORK/runs/LABEL.{wall,rss}. A failed command stops the bench, and
# so does a failed CHECK[LABEL] (run, untimed, after each of its runs).
declare -A CHECK=()
# The file name under $WORK/runs/ for a label (labels hold spaces and `/`).
key() { printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_'; }
timed_runs() {
  local round i
  for ((i = 1; i <= $#; i += 2)); do : > "$WORK/runs/$(key "${!i}").wall"; : > "$WORK/runs/$(key "${!i}").rss"; done
  for round in $(seq "$RUNS"); do
    local args=("$@")
    for ((i = 0; i < ${#args[@]}; i += 2)); do
      local label=${args[i]} cmd=${args[i + 1]}
      prepare_run
      /usr/bin/time -f '%e %M' -o "$WORK/time" sh -c "$cmd" > /dev/null 2> "$WORK/stderr" \
        || { echo "bench: $label failed (round $round):" >&2; cat "$WORK/stderr" >&2; exit 1; }
      local wall kib
      read -r wall kib < "$WORK/time"
      echo "$wall" >> "$WORK/runs/$(key "$label").wall"
      echo "$kib" >> "$WORK/runs/$(key "$label").rss"
      [ -z "${CHECK[$label]:-}" ] || eval "${CHECK[$label]}"
    done
  done
}

median_of() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
median() { median_of < "$WORK/runs/$(key "$1").wall"; }
peak_mib() { sort -n "$WORK/runs/$(key "$1").rss" | tail -1 | awk '{ printf "%.1f", $1 / 1024 }'; }

# ratio A B: the median of the run-by-run ratios wall(A) / wall(B).
ratio() {
  paste "$WORK/runs/$(key "$1").wall" "$WORK/runs/$(key "$2").wall" | awk '{ print ($2 > 0) ? $1 / $2 : 0 }' | median_of
}

row() { printf '| %-44s | %8s s | %8s MiB |\n' "$1" "$(median "$1")" "$(peak_mib "$1")"; }

table_head() { echo; echo "$1"; echo; echo "| tool | wall (median) | peak RSS |"; echo "|---|---|---|"; }

# goal SCENARIO A B MAX: A's time against B's, beside the goal (ratio <= MAX).
goal() {
  local r verdict
  r=$(ratio "$2" "$3")
  verdict=$(awk -v r="$r" -v m="$4" 'BEGIN { print (r <= m) ? "met" : "NOT met" }')
  printf '| %s | %s s | %s %s s | %.2f x | <= %s x | %s |\n' \
    "$1" "$(median "$2")" "$3" "$(median "$3")" "$r" "$4" "$verdict" >> "$GOALS"
  printf 'goal: %s: %.2f x (goal <= %s x): %s\n' "$1" "$r" "$4" "$verdict"
}

# goal_rss SCENARIO A PEER MAX_MIB: A's peak RSS against a limit.
goal_rss() {
  local mib verdict
  mib=$(peak_mib "$2")
  verdict=$(awk -v r="$mib" -v m="$4" 'BEGIN { print (r <= m) ? "met" : "NOT met" }')
  printf '| %s | %s MiB | %s %s MiB | | <= %s MiB | %s |\n' \
    "$1" "$mib" "$3" "$(peak_mib "$3")" "$4" "$verdict" >> "$GOALS"
  printf 'goal: %s: %s MiB (goal <= %s MiB): %s\n' "$1" "$mib" "$4" "$verdict"
}

# check_same NAME DIR: the copy in DIR is the served file.
check_same() { cmp -s "$WORK/www/file/$1" "$2/$1" || { echo "bench: $2/$1 differs from the source" >&2; exit 1; }; }

magedl() { echo "exec $BIN --endpoint ${2:-$ENDPOINT} -q download -o ${3:-$OUT} $1"; }

# --------------------------------------------------------------- sections

BIG=bench-1G.tar.gz
MID=bench-256M.tar.gz

# uses FILE...: the files a section serves, made and listed, and warmed
# before each of its runs.
uses() {
  WARM=()
  local f
  for f in "$@"; do WARM+=("$WORK/www/file/$f"); done
  write_catalog
}

section_reference() {
  data_file "$BIG" "$SIZE_MIB"
  uses "$BIG"
  local url=${ENDPOINT}file/$BIG
  table_head "reference: $SIZE_MIB MiB over loopback nginx, median of $RUNS runs, $(nproc) cores"
  local rows=(
    "curl -o /dev/null (network limit)" "exec curl -sf -o /dev/null $url"
    "curl -o file" "exec curl -sf -o $OUT/$BIG $url"
    # magedl fsyncs before the rename (durability): curl + sync is the fair peer.
    "curl -o file && sync -f file" "curl -sf -o $OUT/$BIG $url && sync -f $OUT/$BIG"
  )
  command -v aria2c > /dev/null && rows+=(
    "aria2c -x4 -s4 (unverified)" "exec aria2c -q -x4 -s4 --file-allocation=none --allow-overwrite=true -d $OUT -o $BIG $url")
  local m
  for m in "-s 1 --no-verify" "-s 4 --no-verify" "-s 1 (md5 + sha256)" "-s 4 (md5 + sha256)"; do
    rows+=("magedl $m" "$(magedl "$BIG ${m% (*}")")
    CHECK["magedl $m"]="check_same $BIG $OUT"
  done
  # On tmpfs no disk write-back is waited for: the transfer path alone.
  if [ -d /dev/shm ] && [ "$(df --output=avail -k /dev/shm | tail -1)" -gt $((SIZE_MIB * 1024 * 3)) ]; then
    SHM=$(mktemp -d /dev/shm/magedl-bench.XXXXXX)
    rows+=(
      "curl -o tmpfs" "exec curl -sf -o $SHM/$BIG $url"
      "magedl -s 4 --no-verify -o tmpfs" "$(magedl "$BIG -s 4 --no-verify" "$ENDPOINT" "$SHM")"
      "magedl -s 4 (md5 + sha256) -o tmpfs" "$(magedl "$BIG -s 4" "$ENDPOINT" "$SHM")"
    )
  fi
  rows+=("md5sum + sha256sum of the file"
    "md5sum $WORK/www/file/$BIG >/dev/null; sha256sum $WORK/www/file/$BIG >/dev/null")
  # One row at a time: these rows have no goal to pair with.
  local i
  for ((i = 0; i < ${#rows[@]}; i += 2)); do
    timed_runs "${rows[i]}" "${rows[i + 1]}"
    row "${rows[i]}"
  done
  [ -z "$SHM" ] || { rm -rf "$SHM"; SHM=""; }
}
register reference

section_noverify() {
  data_file "$BIG" "$SIZE_MIB"
  uses "$BIG"
  CHECK["magedl --no-verify"]="check_same $BIG $OUT"
  timed_runs "magedl --no-verify" "$(magedl "$BIG --no-verify")" \
    "curl -o file" "exec curl -sf -o $OUT/$BIG ${ENDPOINT}file/$BIG"
  table_head "noverify: $SIZE_MIB MiB, --no-verify, automatic segments"
  row "magedl --no-verify"
  row "curl -o file"
  goal "$SIZE_MIB MiB --no-verify" "magedl --no-verify" "curl -o file" 0.75
}
register noverify

section_verified() {
  data_file "$BIG" "$SIZE_MIB"
  uses "$BIG"
  CHECK["magedl (md5 + sha256)"]="check_same $BIG $OUT"
  timed_runs "magedl (md5 + sha256)" "$(magedl "$BIG")" \
    "md5sum of the file" "exec md5sum $WORK/www/file/$BIG"
  table_head "verified: $SIZE_MIB MiB, md5 + sha256, automatic segments"
  row "magedl (md5 + sha256)"
  row "md5sum of the file"
  goal "$SIZE_MIB MiB md5 + sha256" "magedl (md5 + sha256)" "md5sum of the file" 1.25
}
register verified

section_capped() {
  data_file "$MID" 256
  uses "$MID"
  local url=${CAPPED}file/$MID cmds
  CHECK["magedl -s 4 (md5 + sha256)"]="check_same $MID $OUT"
  cmds=("magedl -s 4 (md5 + sha256)" "$(magedl "$MID -s 4" "$CAPPED")"
    "curl" "exec curl -sf -o $OUT/$MID $url")
  command -v aria2c > /dev/null && cmds+=("aria2c -x4 -s4 (unverified)"
    "exec aria2c -q -x4 -s4 --file-allocation=none --allow-overwrite=true -d $OUT -o $MID $url")
  timed_runs "${cmds[@]}"
  table_head "capped: 256 MiB from nginx with limit_rate 50m (per connection)"
  row "magedl -s 4 (md5 + sha256)"
  row "curl"
  if command -v aria2c > /dev/null; then
    row "aria2c -x4 -s4 (unverified)"
    goal "256 MiB capped, -s 4, vs aria2c" "magedl -s 4 (md5 + sha256)" "aria2c -x4 -s4 (unverified)" 1.0
  fi
  goal "256 MiB capped, -s 4, vs curl" "magedl -s 4 (md5 + sha256)" "curl" 0.29
}
register capped

section_many() {
  local i names=()
  for i in $(seq -w 1 200); do
    data_file "many-$i.bin" 1
    names+=("many-$i.bin")
  done
  uses "${names[@]}"
  for i in "${names[@]}"; do echo "-o $OUT/$i ${ENDPOINT}file/$i"; done > "$WORK/many.curl"
  local me="magedl -j 8 (200 files, verified)" peer="curl --parallel-max 8 + md5sum"
  CHECK[$me]="[ \$(ls $OUT | wc -l) = 200 ] && check_same many-200.bin $OUT"
  timed_runs "$me" "$(magedl "-j 8 'many-*.bin'")" \
    "$peer" "curl -sf --parallel --parallel-max 8 \$(cat $WORK/many.curl) && md5sum $OUT/*.bin"
  table_head "many: 200 x 1 MiB, -j 8"
  row "$me"
  row "$peer"
  goal "200 x 1 MiB, -j 8, verified" "$me" "$peer" 1.0
  goal_rss "peak RSS, 200 files, -j 8" "$me" "$peer" 20
}
register many

section_verify() {
  data_file "$BIG" "$SIZE_MIB"
  uses "$BIG"
  local file=$WORK/www/file/$BIG
  timed_runs "magedl verify (md5 + sha256)" "exec $BIN verify --md5 $(cat "$WORK/md5/$BIG") $file" \
    "md5sum of the file" "exec md5sum $file"
  table_head "verify: $SIZE_MIB MiB on disk (warm), both digests in one read"
  row "magedl verify (md5 + sha256)"
  row "md5sum of the file"
  goal "verify $SIZE_MIB MiB" "magedl verify (md5 + sha256)" "md5sum of the file" 1.1
}
register verify

# noop_runs LABEL DIR GLOB MAX: after one sync that fills DIR, RUNS more with
# nothing new: their wall time (median), the blocks they read from disk
# (the page cache is dropped before each) and the file requests they made.
noop_runs() {
  local label=$1 dir=$2 glob=$3 max=$4 round walls=() reads=0 requests
  $BIN --endpoint "$LOGGED" -q sync "$dir" "$glob" > /dev/null
  : > "$WORK/logs/access.log"
  for round in $(seq "$RUNS"); do
    # What loading the binary itself reads from a cold cache, to take off.
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    /usr/bin/time -f '%I' -o "$WORK/time" $BIN --version > /dev/null
    local base wall blocks
    read -r base < "$WORK/time"
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    /usr/bin/time -f '%e %I' -o "$WORK/time" $BIN --endpoint "$LOGGED" -q sync "$dir" "$glob" > /dev/null
    read -r wall blocks < "$WORK/time"
    walls+=("$wall")
    reads=$((reads + (blocks > base ? blocks - base : 0)))
  done
  requests=$(grep -c ' /file/' "$WORK/logs/access.log" || true)
  local median verdict
  median=$(printf '%s\n' "${walls[@]}" | median_of)
  verdict=$(awk -v t="$median" -v m="$max" -v r="$requests" 'BEGIN { print (t < m && r == 0) ? "met" : "NOT met" }')
  printf '| %s | %s s | (%s KiB read beside the binary, %s file requests, %s runs) | | < %s s, none read | %s |\n' \
    "$label" "$median" "$((reads / 2))" "$requests" "$RUNS" "$max" "$verdict" >> "$GOALS"
  printf 'goal: %s: %s s, %s KiB read beside the binary, %s file requests (goal < %s s): %s\n' \
    "$label" "$median" "$((reads / 2))" "$requests" "$max" "$verdict"
}

section_noop() {
  data_file "$BIG" "$SIZE_MIB"
  local i
  mkdir -p "$WORK/tiny"
  for i in $(seq -w 1 1000); do
    local name=tiny-$i.bin path=$WORK/www/file/tiny-$i.bin
    [ -f "$path" ] || { head -c 1024 /dev/urandom > "$path"; md5sum < "$path" | cut -d' ' -f1 > "$WORK/md5/$name"; CATALOG_STALE=1; }
  done
  uses "$BIG"
  table_head "noop: a second sync with nothing new"
  noop_runs "no-op sync, $SIZE_MIB MiB held" "$WORK/noop-big" "$BIG" 0.1
  noop_runs "no-op sync, 1,000-file catalog" "$WORK/noop-many" 'tiny-*' 0.3
}
register noop

# ------------------------------------------------------------------- main

main() {
  local s wanted=()
  for s in "${SECTIONS[@]}"; do selected "$s" && wanted+=("$s"); done
  [ ${#wanted[@]} -gt 0 ] \
    || { echo "bench: BENCH_ONLY=$BENCH_ONLY names no section (sections: ${SECTIONS[*]})" >&2; exit 1; }
  start_nginx
  for s in "${wanted[@]}"; do
    echo "bench: section $s" >&2
    "section_$s"
  done
  [ -s "$GOALS" ] || return 0
  echo
  echo "Goals ($(nproc) cores; medians of $RUNS interleaved runs; a ratio is the median of the run-by-run ratios)"
  echo
  echo "| scenario | magedl | peer | ratio | goal | |"
  echo "|---|---|---|---|---|---|"
  cat "$GOALS"
}
main
