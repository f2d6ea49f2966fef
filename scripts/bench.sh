#!/usr/bin/env bash
# Speed and memory, compared in one run on the same machine: a 1 GiB file
# served by nginx over loopback, fetched by curl (to disk and to /dev/null),
# aria2c -x4 -s4 when installed, and magedl single-stream and -s 4, verified
# (md5 + sha256) and --no-verify. Reports the median wall time of RUNS runs
# and the peak RSS. Ratios matter, not absolute numbers: machines are noisy.
#
# Needs nginx (apt-get install nginx-light); SIZE_MIB and RUNS may be set.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-3}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "bench: nginx is required (apt-get install -y nginx-light)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is required (apt-get install -y time)" >&2; exit 1; }
BIN=$PWD/target/release/magedl
WORK=$(mktemp -d /var/tmp/magedl-bench.XXXXXX)
trap '"$NGINX" -p "$WORK" -c nginx.conf -s stop 2>/dev/null || true; rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
mkdir -p "$WORK/www/file" "$WORK/www/info" "$WORK/logs" "$WORK/out"

NAME=bench-1G.tar.gz
echo "bench: generating $SIZE_MIB MiB of test data" >&2
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom > "$WORK/www/file/$NAME"
MD5=$(md5sum "$WORK/www/file/$NAME" | cut -d' ' -f1)
SHA=$(sha256sum "$WORK/www/file/$NAME" | cut -d' ' -f1)
printf '{"ce-full":{"9.9.9":[{"name":"%s","file_name":"%s","md5":"%s"}]}}' "$NAME" "$NAME" "$MD5" > "$WORK/www/info/json"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
error_log $WORK/logs/error.log;
pid $WORK/nginx.pid;
daemon on;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  default_type application/octet-stream;
  server { listen 127.0.0.1:$PORT; root $WORK/www; }
}
CONF
"$NGINX" -p "$WORK" -c nginx.conf
URL="http://127.0.0.1:$PORT/file/$NAME"
ENDPOINT="http://127.0.0.1:$PORT/"

# measure LABEL CMD...: median wall seconds and max RSS (KiB) over RUNS runs.
measure() {
  local label=$1; shift
  local walls=() rss=0
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/out" && mkdir -p "$WORK/out"
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    cat "$WORK/www/file/$NAME" > /dev/null   # the server side warm, as for every tool
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" > /dev/null 2> "$WORK/stderr" \
      || { echo "bench: $label failed:" >&2; cat "$WORK/stderr" >&2; exit 1; }
    read -r wall kib < "$WORK/time"
    walls+=("$wall"); (( kib > rss )) && rss=$kib
  done
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  printf '| %-34s | %8s s | %8.1f MiB |\n' "$label" "$median" "$(echo "$rss / 1024" | bc -l)"
}

check_out() {
  echo "$SHA  $WORK/out/$NAME" | sha256sum --check --quiet
}

echo
echo "1 GiB = $SIZE_MIB MiB over loopback nginx, median of $RUNS runs, $(nproc) cores"
echo
echo "| tool | wall | peak RSS |"
echo "|---|---|---|"
measure "curl -o /dev/null (network limit)" curl -sf -o /dev/null "$URL"
measure "curl -o file" curl -sf -o "$WORK/out/$NAME" "$URL"
# magedl fsyncs before the rename (durability): curl + sync is the fair peer.
measure "curl -o file && sync -f file" sh -c "curl -sf -o '$WORK/out/$NAME' '$URL' && sync -f '$WORK/out/$NAME'"
if command -v aria2c > /dev/null; then
  measure "aria2c -x4 -s4 (unverified)" aria2c -q -x4 -s4 --file-allocation=none --allow-overwrite=true -d "$WORK/out" -o "$NAME" "$URL"
fi
M=("$BIN" --endpoint "$ENDPOINT" -q download -o "$WORK/out" "$NAME")
measure "magedl -s 1 --no-verify" "${M[@]}" -s 1 --no-verify; check_out
measure "magedl -s 4 --no-verify" "${M[@]}" -s 4 --no-verify; check_out
measure "magedl -s 1 (md5 + sha256)" "${M[@]}" -s 1; check_out
measure "magedl -s 4 (md5 + sha256)" "${M[@]}" -s 4; check_out
# The same on tmpfs, where no disk write-back is waited for: the transfer
# path alone (magedl's fsync costs nothing there).
if [ -d /dev/shm ] && [ "$(df --output=avail -k /dev/shm | tail -1)" -gt $((SIZE_MIB * 1024 * 3)) ]; then
  SHM=$(mktemp -d /dev/shm/magedl-bench.XXXXXX)
  measure "curl -o tmpfs" sh -c "rm -f '$SHM/$NAME'; curl -sf -o '$SHM/$NAME' '$URL'"
  measure "magedl -s 4 --no-verify -o tmpfs" sh -c "rm -f '$SHM/$NAME'; exec \"\$@\"" sh "$BIN" --endpoint "$ENDPOINT" -q download -o "$SHM" "$NAME" -s 4 --no-verify
  measure "magedl -s 4 (md5 + sha256) -o tmpfs" sh -c "rm -f '$SHM/$NAME'; exec \"\$@\"" sh "$BIN" --endpoint "$ENDPOINT" -q download -o "$SHM" "$NAME" -s 4
  rm -rf "$SHM"
fi
measure "md5sum + sha256sum of the file" sh -c "md5sum '$WORK/www/file/$NAME' >/dev/null; sha256sum '$WORK/www/file/$NAME' >/dev/null"
