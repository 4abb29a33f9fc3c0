#!/usr/bin/env bash
# Peak memory (max RSS) of `flameup-explorer send` for answers that are big on purpose:
#   bomb     a 1 MB gzip answer that inflates to 1 GiB of zeros
#   endless  a chunked answer that never ends (64 KiB chunks as fast as the client reads)
#   json50   a 50 MB JSON answer (an array of people), printed pretty and as --output json
#   list50   the same people as a 50 MB list answer, each person held to the contract
# Prints one line per case: peak RSS, exit code and the first line of standard error.
#
# usage: scripts/response_memory.sh [BINARY]   (default: $CARGO_TARGET_DIR or target, debug build)
# Needs python3 and GNU time (/usr/bin/time). Figures depend on the machine: compare within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-${CARGO_TARGET_DIR:-target}/debug/flameup-explorer}
[ -x "$binary" ] || { echo "no binary at $binary (cargo build first)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "missing GNU time (apt-get install time)" >&2; exit 2; }
scratch=$(mktemp -d)
cleanup() { kill "${server:-}" 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT

cat >"$scratch/server.py" <<'PY'
import gzip, http.server, io, json, sys, zlib

def bomb():
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    parts = [packer.compress(zeros) for _ in range(1024)]
    parts.append(packer.flush())
    return b"".join(parts)

def people(size):
    person = {"id": "p_0123456789", "external_id": "user-0123456789", "email": "ada@example.com",
              "first_name": "Ada", "last_name": "Lovelace", "status": "active",
              "traits": {"plan": "pro", "seats": 3, "tags": ["a", "b", "c"], "score": 12.5}}
    one = json.dumps(person).encode()
    count = size // (len(one) + 1)
    return b"[" + b",".join([one] * count) + b"]"

BOMB = bomb()
JSON50 = people(50_000_000)
LIST50 = b'{"people":' + JSON50 + b',"total":%d}' % JSON50.count(b'"id"')

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def do_GET(self):
        self.do_POST()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.path.startswith("/bomb"):
            self.answer(BOMB, [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
        elif self.path.startswith("/json50"):
            self.answer(JSON50, [("Content-Type", "application/json")])
        elif self.path.startswith("/list50"):
            self.answer(LIST50, [("Content-Type", "application/json")])
        elif self.path.startswith("/endless"):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
            try:
                while True:
                    self.wfile.write(chunk)
            except OSError:
                pass
        else:
            self.answer(b"{}", [("Content-Type", "application/json")])
    def answer(self, body, headers):
        self.send_response(201)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # A client that hangs up mid-answer is what a size limit does.

server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
python3 "$scratch/server.py" >"$scratch/port" & server=$!
for _ in $(seq 300); do [ -s "$scratch/port" ] && break; sleep 0.1; done
port=$(cat "$scratch/port")
echo '{"userId": "u1", "email": "ada@example.com"}' >"$scratch/body.json"

measure() { # NAME PATH [EXTRA ARGS...]: a create person with a small body
  local name=$1 path=$2; shift 2
  measure_send "$name" "$path" createPerson --body "$scratch/body.json" "$@"
}

measure_send() { # NAME PATH OPERATION [EXTRA ARGS...]
  local name=$1 path=$2 operation=$3; shift 3
  local code=0
  FLAMEUP_API_TOKEN=memory-test /usr/bin/time -f "%M" -o "$scratch/rss" \
    "$binary" send "$operation" --no-history --base-url "http://127.0.0.1:$port/$path" "$@" \
    >/dev/null 2>"$scratch/stderr" || code=$?
  local rss_kb
  rss_kb=$(tail -n 1 "$scratch/rss")
  printf '%-28s peak RSS %7d MB  exit %d  %s\n' "$name" $((rss_kb / 1024)) "$code" \
    "$(grep -v '^Command exited' "$scratch/stderr" | head -n 1 | cut -c1-110)"
}

measure "bomb (1 MB -> 1 GiB)" bomb
# Bounded by --timeout: without a cap on the answer, memory grows until the deadline.
measure "endless chunked, 3 s" endless --timeout 3
measure "json50, pretty" json50
measure "json50, --output json" json50 --output json
# A list of people whose every person the contract check walks (a few fields are undocumented).
measure_send "list50 (listPeople), json" list50 listPeople --output json
