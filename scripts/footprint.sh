#!/usr/bin/env bash
# Start-up time, memory and idle CPU of the real app against a bare eframe window with the same
# eframe features, each started several times on a virtual X display; prints medians and the
# budgets as ratios to the bare window. Also the app with a 50 MB JSON answer on screen.
#
# usage: scripts/footprint.sh [RUNS]        (default 5; needs Xvfb, openbox, xdotool, x11-utils)
# Builds the release binaries first. Figures depend on the machine: compare within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
for tool in Xvfb openbox xdotool xwininfo python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install xvfb openbox xdotool x11-utils)" >&2; exit 2; }
done
cargo build --release --quiet --bin flameup-explorer --example bare
app=target/release/flameup-explorer
bare=target/release/examples/bare
tick_hz=$(getconf CLK_TCK)

display=:$((600 + RANDOM % 300))
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
export DISPLAY=$display
unset WAYLAND_DISPLAY
for _ in $(seq 50); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.1; done
openbox >/dev/null 2>&1 & wm=$!
scratch=$(mktemp -d)
big_port=$((20000 + RANDOM % 20000))
cleanup() { kill "$xvfb" "$wm" "${server:-}" 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT
sleep 0.5

# A server answering every POST with the same 50 MB JSON array.
python3 - "$big_port" "$scratch/big.json" <<'PY' &
import http.server, json, sys
port, path = int(sys.argv[1]), sys.argv[2]
item = {"id": "0" * 8, "external_id": "user", "email": "user@example.com", "traits": {"plan": "pro", "tags": ["a", "b"]}}
text = json.dumps([item] * (50_000_000 // len(json.dumps(item))))
open(path, "w").write(text)
body = text.encode()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
PY
server=$!

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/{printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# measure NAME PROGRAM [big]: prints "startup_ms rss_mb idle_ticks"
measure() {
  local program=$1 big=${2:-} home
  home=$(mktemp -d -p "$scratch")
  local t0 t1 pid wid
  t0=$(now_ms)
  # The 50 MB run sends to a custom base URL, which needs a token of its own (the sandbox's
  # stand-in stays with the sandbox); the others start as on a fresh machine.
  local token=
  [[ -n $big ]] && token=ws_test_footprint.local
  FLAMEUP_API_TOKEN=$token XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data FLAMEUP_EXPLORER_KEYRING=off \
    "$program" >/dev/null 2>&1 &
  pid=$!
  wid=
  for _ in $(seq 1000); do
    wid=$(xdotool search --onlyvisible --pid "$pid" 2>/dev/null | head -1 || true)
    [[ -n $wid ]] && break
    sleep 0.005
  done
  t1=$(now_ms)
  if [[ -n $big ]]; then
    sleep 1
    xdotool windowactivate --sync "$wid" >/dev/null 2>&1 || true
    xdotool key --window "$wid" ctrl+l; sleep 0.3
    xdotool key --window "$wid" ctrl+a; xdotool type --window "$wid" --delay 5 "http://127.0.0.1:$big_port/api/v1"
    xdotool key --window "$wid" ctrl+Return
    sleep 12   # the answer arrives, is prepared off the UI thread, and is shown
    xdotool mousemove 5 5; sleep 1
  fi
  sleep 3
  local rss before after
  rss=$(rss_mb "$pid")
  before=$(ticks "$pid"); sleep 10; after=$(ticks "$pid")
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  echo "$((t1 - t0)) $rss $((after - before))"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

declare -A results
for run in $(seq "$runs"); do
  for name in bare app big; do
    case $name in
      bare) line=$(measure "$bare") ;;
      app) line=$(measure "$app") ;;
      big) line=$(measure "$app" big) ;;
    esac
    results[$name]+="$line"$'\n'
    echo "run $run $name: $line (startup ms, RSS MB, CPU ticks in 10 s idle)" >&2
  done
done

column() { printf '%s' "${results[$1]}" | awk -v c="$2" 'NF {print $c}' | median; }
printf '\n%-34s %12s %10s %22s\n' "median of $runs runs" "start-up ms" "RSS MB" "idle ticks in 10 s"
for name in bare app big; do
  label=$name
  [[ $name == bare ]] && label="bare eframe window"
  [[ $name == app ]] && label="Flameup Explorer (first launch)"
  [[ $name == big ]] && label="Flameup Explorer, 50 MB answer"
  printf '%-34s %12s %10s %22s\n' "$label" "$(column "$name" 1)" "$(column "$name" 2)" "$(column "$name" 3)"
done
bare_start=$(column bare 1); app_start=$(column app 1)
bare_rss=$(column bare 2); app_rss=$(column app 2)
echo
awk -v a="$app_start" -v b="$bare_start" 'BEGIN {printf "start-up: %.2fx the bare window (budget 1.1x, part 9)\n", a / b}'
awk -v a="$app_rss" -v b="$bare_rss" 'BEGIN {printf "memory: +%.1f MB over the bare window (budget +15 MB, part 9)\n", a - b}'
echo "idle CPU: app $(column app 3) ticks, with 50 MB $(column big 3) ticks, in 10 s at $tick_hz ticks/s (budget 0)"
