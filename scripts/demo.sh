#!/usr/bin/env bash
# The tool's main job, end to end, against the built-in local double of the
# downloads endpoint: list, versions, url, then a verified parallel download.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release
WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$BIN/fake-endpoint" --generate Magento-CE-2.4.8-demo.tar.gz=48M:ce-full:2.4.8 > "$WORK/url" &
SERVER=$!
for _ in $(seq 100); do grep -q '^URL ' "$WORK/url" 2>/dev/null && break; sleep 0.1; done
export MAGEDL_ENDPOINT=$(sed -n 's/^URL //p' "$WORK/url")
# The double's partner account (test data, not a real token).
export MAGE_ID=MAG000000002
export MAGE_TOKEN=2222222222222222222222222222222222222222
export HOME="$WORK"   # never the user's real ~/.netrc

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
step "$BIN/magedl" list --type ce-full
step "$BIN/magedl" versions
step "$BIN/magedl" url file/Magento-CE-2.0.2+sample_data.zip
step "$BIN/magedl" download -o "$WORK/downloads" --progress line \
    Magento-CE-2.4.8-demo.tar.gz Magento-CE-2.4.2.tar.gz
step "$BIN/magedl" verify "$WORK/downloads/Magento-CE-2.4.8-demo.tar.gz" "$WORK/downloads/Magento-CE-2.4.2.tar.gz"
echo
echo "demo finished: the files above were fetched in parallel segments and verified against the catalog md5."
