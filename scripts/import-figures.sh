#!/usr/bin/env bash
# The import's figures against the real sandbox (both the release binary, on loopback), printed,
# never asserted:
#   1. no limit (`sandbox --rate-limit off`): people per second end to end for 100,000 CSV rows,
#      and the import's peak resident memory for 100,000 and 1,000,000 rows (flat is the aim);
#   2. a limit of 10 requests per 2 s window (`--rate-limit 10 --rate-window 2`), ~30 s of
#      batches of 100: people per second as a share of the ideal (limit x batch / window), the
#      windows used against the fewest possible, and the 429s met.
#
# usage: scripts/import-figures.sh            (needs /usr/bin/time, awk, jq)
# The binary: $FLAMEUP_BIN, else $CARGO_TARGET_DIR/release (or target/release), built once with
# `cargo build --release` when missing or too old to know --rate-window (slow on 2 cores).
# Figures depend on the machine and on what else runs on it: compare within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in /usr/bin/time awk jq; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install time gawk jq)" >&2; exit 2; }
done

bin=${FLAMEUP_BIN:-${CARGO_TARGET_DIR:-target}/release/flameup-explorer}
if [[ -z ${FLAMEUP_BIN:-} ]] && ! { [[ -x $bin ]] && "$bin" sandbox --help | grep -q -- --rate-window; }; then
  echo "building the release binary (once; slow on 2 cores)..." >&2
  cargo build --release --quiet --bin flameup-explorer
fi
"$bin" sandbox --help | grep -q -- --rate-window || { echo "$bin has no sandbox --rate-window" >&2; exit 2; }

scratch=$(mktemp -d)
sandbox_pid=
stop_sandbox() {
  if [[ -n $sandbox_pid ]]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
    sandbox_pid=
  fi
}
trap 'stop_sandbox; rm -rf "$scratch"' EXIT
# Sends record history: keep it out of the user's folders.
export XDG_DATA_HOME=$scratch/data XDG_CONFIG_HOME=$scratch/config
export FLAMEUP_API_TOKEN=figures-token

# people_csv ROWS FILE: the benchmark's columns, every row valid.
people_csv() {
  awk -v rows="$1" 'BEGIN {
    print "userId,email,phone,traits.first_name,traits.last_name,traits.age:number,traits.vip:boolean"
    for (i = 0; i < rows; i++)
      printf "user-%07d,user%d@example.com,+1-555-0123,First%d,Lovelace,%d,%s\n", i, i, i, i % 90, (i % 2 ? "false" : "true")
  }' >"$2"
}

# start_sandbox FLAGS...: a fresh sandbox (an empty store) on a free port; sets $base_url.
start_sandbox() {
  stop_sandbox
  : >"$scratch/sandbox.out"
  "$bin" sandbox --port 0 "$@" >"$scratch/sandbox.out" 2>&1 &
  sandbox_pid=$!
  for _ in $(seq 200); do
    base_url=$(awk '/listening on/ {print $NF; exit}' "$scratch/sandbox.out")
    [[ -n $base_url ]] && return
    sleep 0.05
  done
  echo "the sandbox did not start: $(cat "$scratch/sandbox.out")" >&2
  exit 1
}

# import FILE [FLAGS...]: runs `import --output json` against $base_url; sets $summary (its JSON),
# $wall_s (the process's wall time) and $peak_mb (its peak resident memory).
import() {
  local file=$1
  shift
  local started ended
  started=$(date +%s.%N)
  /usr/bin/time -v -o "$scratch/time.txt" "$bin" import --output json --base-url "$base_url" "$@" "$file" \
    >"$scratch/summary.json" 2>"$scratch/import.err" \
    || { echo "import failed: $(cat "$scratch/summary.json" "$scratch/import.err")" >&2; exit 1; }
  ended=$(date +%s.%N)
  summary=$(cat "$scratch/summary.json")
  wall_s=$(awk -v a="$started" -v b="$ended" 'BEGIN {printf "%.3f", b - a}')
  peak_mb=$(awk '/Maximum resident set size/ {printf "%.1f", $NF / 1024}' "$scratch/time.txt")
  import_started=$started
}

field() { jq -r ".$1" <<<"$summary"; }

echo "import figures, $(date -u +%FT%TZ), $(nproc) cores, $bin"
echo

# 1. No limit.
people_csv 100000 "$scratch/100k.csv"
start_sandbox --rate-limit off
import "$scratch/100k.csv"
rows_100k=$(field created)
printf 'no limit, 100,000 CSV rows (batches of 100, 4 in flight): %.2f s wall = %.0f people/s end to end (the import says %.2f s; %s requests, %s created)\n' \
  "$wall_s" "$(awk -v n="$rows_100k" -v s="$wall_s" 'BEGIN {print n / s}')" \
  "$(awk -v ms="$(field elapsed_ms)" 'BEGIN {print ms / 1000}')" "$(field requests)" "$rows_100k"
peak_100k=$peak_mb

people_csv 1000000 "$scratch/1m.csv"
start_sandbox --rate-limit off
import "$scratch/1m.csv"
printf 'no limit, 1,000,000 CSV rows (%.0f MB file): %.1f s wall = %.0f people/s, %s created\n' \
  "$(awk -v b="$(stat -c %s "$scratch/1m.csv")" 'BEGIN {print b / 1e6}')" "$wall_s" \
  "$(awk -v n="$(field created)" -v s="$wall_s" 'BEGIN {print n / s}')" "$(field created)"
echo "peak resident memory of import: ${peak_100k} MB for 100,000 rows, ${peak_mb} MB for 1,000,000 rows"
rm -f "$scratch/1m.csv"
stop_sandbox
echo

# 2. 10 requests per 2 s window, batches of 100: 500 people/s at most; 15,000 rows is 150
# requests, 15 windows, about 30 s.
limit=10 window=2 batch=100 rows=15000
people_csv "$rows" "$scratch/limited.csv"
start_sandbox --rate-limit "$limit" --rate-window "$window"
import "$scratch/limited.csv" --batch-size "$batch"
ideal=$((limit * batch / window))
awk -v created="$(field created)" -v wall="$wall_s" -v ideal="$ideal" -v requests="$(field requests)" \
  -v limited="$(field rate_limited)" -v start="$import_started" \
  -v limit="$limit" -v window="$window" -v rows="$rows" -v batch="$batch" 'BEGIN {
    rate = created / wall
    # Windows are aligned to the Unix epoch. The first one is whole for the client however
    # little of it is left, so a perfect pacer beats the ideal rate by up to a window.
    fewest = int((requests - limited + limit - 1) / limit)
    printf "limit %d requests per %d s window, %d rows in batches of %d: %.1f s wall, %.1f people/s = %.1f%% of the ideal %d people/s\n", limit, window, rows, batch, wall, rate, 100 * rate / ideal, ideal
    printf "  %d requests (they need %d windows at least; the run started %.2f s into one); 429s %d over the whole run, the first window included\n", requests, fewest, start - window * int(start / window), limited
  }'
echo
echo "(one run on a shared, noisy machine: the figures move with whatever else runs)"
