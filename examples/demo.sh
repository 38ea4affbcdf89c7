#!/usr/bin/env bash
# `make demo`: a fresh SQLite store, four weeks of a three-graph sales fleet, and the gate's view.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
DB=${DB:-demo.db}
FLEET=${FLEET:-examples/fleet.jsonl}
export RELEASEGATE_DB="$DB" RELEASEGATE_CONFIG=examples/releasegate.toml
rg() { "$BIN/releasegate" "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

rm -f "$DB" "$DB-wal" "$DB-shm"
say "Generating the example fleet (seeded): examples/generate_fleet.py"
"$BIN/python" examples/generate_fleet.py --seed 7 --out "$FLEET"

say "Ingesting verdicts into $DB"
rg ingest "$FLEET"
say "Ingesting the same file again: idempotent on run_id"
rg ingest "$FLEET"

say "A file with bad rows is refused whole, each problem named by line and field"
rg ingest examples/bad_verdicts.jsonl || echo "(exit code $?)"

say "Every window and what the gate says now"
rg windows

decide() {
  say "releasegate decide $*"
  local code=0
  rg decide "$@" || code=$?
  echo "(exit code $code: 0 PROMOTE, 3 HOLD, 4 ROLLBACK)"
}
decide --graph campaign_composer --version v2
decide --graph campaign_composer --version v3
decide --graph campaign_composer --version v4
decide --graph lead_qualifier --version v2
decide --graph lead_qualifier --version v3
decide --graph reply_classifier --version v2
decide --graph reply_classifier --version v3

say "The decision log (append-only)"
rg history --graph campaign_composer

say "Explore further"
echo "export RELEASEGATE_DB=$DB RELEASEGATE_CONFIG=examples/releasegate.toml"
echo "$BIN/releasegate windows        # or decide, history, rollout status, serve"
