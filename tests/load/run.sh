#!/usr/bin/env bash
# Load figures for IvrVoice, measured in one run on loopback, in interleaved rounds (every row once per round, the order
# rotated each round), reported as medians with their min and max, each row with the server's CPU time per request
# (its process and threads, or nginx's workers, from /proc/<pid>/stat around each wrk run), which other work on a shared
# machine disturbs far less than requests per second; every ratio is given for both:
#   1. cached prompt fetches per second (signed, as Twilio fetches): the service vs nginx serving the same file with
#      sendfile; the ratio is taken within each round;
#   2. Twilio voice webhooks per second with signature validation on;
#   3. the same two with the request log written by a synchronous console sink (Serilog:WriteTo set to Console) against
#      the default asynchronous one (Serilog.Sinks.Async), to show what taking the log off the request thread is worth;
#   4. the same two for each commit in LOAD_BASELINES, built from git in a folder of their own and run side by side, so a
#      change is measured against what it replaced in the same run (default: 2e81e30, the commit issue 12 measured);
#   5. optionally (LOAD_ANNOUNCE=1) the fetch of the audio URL that /twilio/announce plays;
#      optionally (LOAD_WATCHED=1) the service with its log file in its content root, where the configuration reload
#      watcher looks (as a run from a checkout with output redirected into it would);
#   6. optionally (LOAD_RENDERS=N) the render path's own time beyond the provider's (tests/load/render_overhead.py).
#   7. optionally (LOAD_VARIANTS="name:VAR=value,... ...") the current build with extra environment variables (runtime
#      settings such as DOTNET_gcServer=0), each against the service as configured.
# Usage: bash tests/load/run.sh   (LOAD_DURATION=5s LOAD_ROUNDS=3 LOAD_CONNECTIONS=32 LOAD_THREADS=1 LOAD_BASELINES=2e81e30)
# Needs the .NET SDK, git, wrk, nginx, python3, curl (bash scripts/setup.sh test installs them). LOAD_KEEP=1 keeps the
# work folder; LOAD_LOG_LEVEL=Warning measures without the per-request log line; LOAD_SYNC_SINK=0 skips rows 3.
# Results go to standard output; docs/performance.md quotes them.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

duration=${LOAD_DURATION:-5s}
rounds=${LOAD_ROUNDS:-3}
connections=${LOAD_CONNECTIONS:-32}
threads=${LOAD_THREADS:-1}
renders=${LOAD_RENDERS:-0}
baselines=${LOAD_BASELINES-2e81e30}
token="load-test-auth-token-0d1e2f3a4b5c6d7e"
api_key="load-test-api-key-9f8e7d6c5b4a"
signing_key="load-test-url-signing-key-00112233445566778899"
emulator_key="gemini-emulator-key-c0ffee"

for tool in dotnet git wrk nginx python3 curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (bash scripts/setup.sh test installs it)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/ivrvoice-load.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/logs"
pids=()
stop() { # pid: SIGTERM, then SIGKILL if it is still there after five seconds
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  for pid in "${pids[@]}"; do stop "$pid"; done
  if [ -z "${LOAD_KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_for() { # url, what
  for _ in $(seq 1 600); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "run.sh: $2 did not come up at $1" >&2; exit 1
}

# wrk's summary as "requests/s p50_ms p99_ms", after checking every answer succeeded.
wrk_figures() { # label, wrk output file
  python3 - "$1" "$2" <<'PY'
import re, sys
label, text = sys.argv[1], open(sys.argv[2]).read()
if "Non-2xx" in text or re.search(r"Socket errors: .*(read|write|timeout) [1-9]", text) or re.search(r"non-TwiML answers: [1-9]", text):
    sys.exit(f"{label}: some requests failed:\n{text}")
def ms(v):
    n, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
print(f"{rps:.0f} {p50:.3f} {p99:.3f}")
PY
}

echo "== machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name:\s*//p'); $(grep -o -m1 -w avx512f /proc/cpuinfo >/dev/null && echo AVX-512 || echo no AVX-512)), shared by the services, nginx and wrk; load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $(dotnet --version | sed 's/^/.NET SDK /'), $(nginx -v 2>&1), $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2)"
echo "== wrk -t$threads -c$connections -d$duration per measurement, $rounds interleaved rounds"

echo "== publishing the service and the provider emulator (Release)"
artifacts=/tmp/ivrvoice-load-artifacts   # kept between runs: a second run only rebuilds what changed
dotnet publish src/IvrVoice.Server/IvrVoice.Server.csproj -c Release -p:UseAppHost=false -o "$work/app" --artifacts-path "$artifacts" -nologo -v q >/dev/null
dotnet publish tests/IvrVoice.ProviderEmulator/IvrVoice.ProviderEmulator.csproj -c Release -p:UseAppHost=false -o "$work/emulator" --artifacts-path "$artifacts" -nologo -v q >/dev/null

# Each baseline commit is exported from git and published once into /tmp/ivrvoice-load-baseline/<commit>/app.
declare -A app_of=([current]="$work/app")
base_shas=()
for commit in $baselines; do
  sha=$(git rev-parse --short=7 "$commit^{commit}")
  base_shas+=("$sha")
  dir=/tmp/ivrvoice-load-baseline/$sha
  if [ ! -f "$dir/app/IvrVoice.Server.dll" ]; then
    echo "== publishing baseline $sha ($(git log -1 --format=%s "$sha" | cut -c1-70))"
    rm -rf "$dir/src" && mkdir -p "$dir/src"
    git archive "$sha" | tar -x -C "$dir/src"
    (cd "$dir/src" && dotnet publish src/IvrVoice.Server/IvrVoice.Server.csproj -c Release -p:UseAppHost=false -p:UseSharedCompilation=false -o "$dir/app" -nologo -v q >/dev/null)
  fi
  app_of[base-$sha]="$dir/app"
done

emulator_port=$(free_port)
dotnet "$work/emulator/IvrVoice.ProviderEmulator.dll" --port "$emulator_port" --clip-seconds 10 >"$work/logs/emulator.log" 2>&1 &
pids+=($!)
emulator="http://127.0.0.1:$emulator_port"
wait_for "$emulator/" "the provider emulator"

declare -A url_of pid_of
start_service() { # name, app folder, extra env assignments...
  local name=$1 app=$2; shift 2
  local port; port=$(free_port)
  local url="http://127.0.0.1:$port"
  # The content root (the working folder) holds nothing that changes: logs and cache live elsewhere, so the configuration
  # reload watcher sees no writes; the "watched" service puts its log there on purpose.
  local root="$work/root-$name" log="$work/logs/$name.log"
  mkdir -p "$root"
  [ "$name" = watched ] && log="$root/service.log"
  (cd "$root" && exec env \
    Urls="$url" \
    Service__LogFormat=Json \
    Serilog__MinimumLevel__Default="${LOAD_LOG_LEVEL:-Information}" \
    Service__ApiKeys__0="$api_key" \
    Service__UrlSigningKey="$signing_key" \
    Service__RateLimit__PermitsPerMinute=1000000 \
    Service__RateLimit__Burst=100000 \
    Twilio__AuthToken="$token" \
    Twilio__PublicBaseUrl="$url" \
    Cache__Disk__Path="$work/cache-$name" \
    Flows__Folder="$repo/prompts" \
    Providers__Order=gemini,espeak \
    Providers__Gemini__BaseUrl="$emulator/gemini" \
    Providers__Gemini__ApiKey="$emulator_key" \
    "$@" \
    dotnet "$app/IvrVoice.Server.dll" >"$log" 2>&1) &
  pids+=($!)
  pid_of[$name]=$!
  url_of[$name]=$url
  wait_for "$url/readyz" "the service ($name)"
}

services=(current)
start_service current "$work/app"
if [ "${LOAD_SYNC_SINK:-1}" != 0 ]; then
  # Serilog:WriteTo replaces the default asynchronous console sink: the same JSON lines, written on the request thread.
  start_service sync "$work/app" Serilog__WriteTo__0__Name=Console \
    "Serilog__WriteTo__0__Args__formatter__type=Serilog.Formatting.Json.JsonFormatter, Serilog" \
    Serilog__WriteTo__0__Args__formatter__renderMessage=true
  services+=(sync)
fi
if [ -n "${LOAD_WATCHED:-}" ]; then
  start_service watched "$work/app"
  services+=(watched)
fi
# LOAD_VARIANTS="name:VAR=value,VAR=value ...": the current build again, with extra environment (runtime knobs such as
# DOTNET_gcServer=0), measured beside it in the same rounds.
for spec in ${LOAD_VARIANTS:-}; do
  IFS=',' read -r -a assignments <<<"${spec#*:}"
  echo "== variant ${spec%%:*}: the service with ${assignments[*]}"
  start_service "var-${spec%%:*}" "$work/app" "${assignments[@]}"
  services+=("var-${spec%%:*}")
done
for sha in "${base_shas[@]}"; do
  # A baseline reads the sample flows of its own commit (the flow format moves with the code).
  start_service "base-$sha" "${app_of[base-$sha]}" Flows__Folder="/tmp/ivrvoice-load-baseline/$sha/src/prompts"
  services+=("base-$sha")
done

if [ "$renders" -gt 0 ]; then
  echo "== render overhead: $renders distinct prompts from the emulator (gemini route, zero latency)"
  python3 tests/load/render_overhead.py "${url_of[current]}" "$api_key" "$work/logs/current.log" "$renders" --emulator "$emulator" "$emulator_key"
  long_text="Thank you for calling Northwind Dental. Our office is open Monday through Thursday from seven in the morning until six in the evening, and on Friday until two. Message {i}."
  echo "== render overhead: a 10-second prompt from the offline engine (espeak-ng), 5 renders"
  python3 tests/load/render_overhead.py "${url_of[current]}" "$api_key" "$work/logs/current.log" 5 --model espeak-ng --text "$long_text"
fi

sign() { python3 tests/load/twilio_sign.py "$token" "$@"; }
form="AccountSid=AC0123456789abcdef0123456789abcdef&ApiVersion=2010-04-01&CallSid=CA0123456789abcdef0123456789abcdef&CallStatus=ringing&Called=%2B15035550100&Caller=%2B15555550123&Direction=inbound&From=%2B15555550123&To=%2B15035550100"
form_pairs=$(echo "$form" | python3 -c 'import sys, urllib.parse; print(" ".join(f"{k}={v}" for k, v in urllib.parse.parse_qsl(sys.stdin.read().strip())))')
# Long enough that the emulator's 10-second clip passes the audio checks' length plausibility.
announce_query="text=Your%20table%20at%20Northwind%20Bistro%20is%20ready.%20Please%20come%20to%20the%20host%20stand%20by%20the%20front%20door%2C%20where%20our%20staff%20will%20show%20you%20to%20your%20seat.&voice=Kore"
declare -A prompt_path prompt_sig webhook_sig announce_path announce_sig
mkdir -p "$work/www/prompts"
for name in "${services[@]}"; do
  service=${url_of[$name]}
  # One cached prompt per service (same text, same voice: the same file), into its memory tier.
  key=$(curl -fsS -X POST "$service/api/prompts" -H "X-Api-Key: $api_key" -H 'Content-Type: application/json' \
    -d '{"text":"Thank you for calling Northwind Dental. Please hold.","voice":"Kore"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  prompt_path[$name]="/prompts/$key.wav"
  prompt_sig[$name]=$(sign "$service${prompt_path[$name]}")
  curl -fsS -H "X-Twilio-Signature: ${prompt_sig[$name]}" "$service${prompt_path[$name]}" -o "$work/prompt-$name.wav"
  if [ "$name" = current ]; then
    cp "$work/prompt-current.wav" "$work/www${prompt_path[current]}"
  fi
  cmp -s "$work/prompt-$name.wav" "$work/prompt-current.wav" || echo "== note: $name serves other bytes for the prompt ($(stat -c %s "$work/prompt-$name.wav") bytes)"

  # The webhook's prompts rendered and cached before it is measured, so its answer is <Play> inside <Gather>.
  webhook_sig[$name]=$(sign "$service/twilio/voice/main" $form_pairs)
  for _ in $(seq 1 60); do
    answer=$(curl -fsS -X POST "$service/twilio/voice/main" -H "X-Twilio-Signature: ${webhook_sig[$name]}" -H 'Content-Type: application/x-www-form-urlencoded' --data "$form")
    [ "$(grep -o '<Play>' <<<"$answer" | wc -l)" -ge 2 ] && break
    sleep 0.5
  done
  grep -q '<Play>' <<<"$answer" || { echo "run.sh: $name's webhook never played its prompts: $answer" >&2; exit 1; }

  if [ -n "${LOAD_ANNOUNCE:-}" ]; then
    # The URL /twilio/announce plays, fetched as Twilio's media fetcher would (signed; a self-signed URL ignores it).
    for _ in $(seq 1 60); do
      answer=$(curl -fsS -X POST "$service/twilio/announce?$announce_query" -H "X-Twilio-Signature: $(sign "$service/twilio/announce?$announce_query" $form_pairs)" \
        -H 'Content-Type: application/x-www-form-urlencoded' --data "$form")
      grep -q '<Play>' <<<"$answer" && break
      sleep 0.5
    done
    played=$(python3 -c 'import html, re, sys; m = re.search(r"<Play>([^<]+)</Play>", sys.stdin.read()); print(html.unescape(m.group(1)) if m else "")' <<<"$answer")
    [ -n "$played" ] || { echo "run.sh: $name's announcement never played: $answer" >&2; exit 1; }
    announce_path[$name]=${played#"$service"}
    announce_sig[$name]=$(sign "$played")
    curl -fsS -o /dev/null -H "X-Twilio-Signature: ${announce_sig[$name]}" "$played"
  fi
done
chmod -R a+rX "$work/www"
echo "== the prompt: $(stat -c %s "$work/www${prompt_path[current]}") bytes"

nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
$( [ "$(id -u)" -eq 0 ] && echo "user root;" )
events { worker_connections 1024; }
http {
  access_log $work/nginx/access.log;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  types { audio/wav wav; }
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    location /prompts/ { add_header Cache-Control "public, max-age=31536000, immutable"; }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' 2>"$work/nginx/stderr.log" &
pids+=($!)
pid_of[nginx]=$!
nginx_url="http://127.0.0.1:$nginx_port"
wait_for "$nginx_url${prompt_path[current]}" "nginx"

# Every measurement of a round, as "row service": rotated by one each round so none always runs first or last.
plan=("prompt nginx")
for name in "${services[@]}"; do
  [ "$name" = watched ] || plan+=("prompt $name")
  plan+=("webhook $name")
  [ -n "${LOAD_ANNOUNCE:-}" ] && [ "$name" != sync ] && [ "$name" != watched ] && plan+=("announce $name")
done
# CPU time (user + system, clock ticks) of a server: the process with all its threads, plus its child processes (nginx's
# workers). Divided by the requests wrk completed it gives CPU per request, which the other work on a shared machine
# disturbs far less than requests per second (it is what the server spent, not what it was given).
cpu_ticks() { # pid
  local total=0 p
  for p in "$1" $(ps -o pid= --ppid "$1"); do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | cut -d' ' -f12,13 | tr ' ' '+')))
  done
  echo "$total"
}
ticks_per_second=$(getconf CLK_TCK)
results="$work/results.tsv"
: >"$results"
measure() { # row service round
  local row=$1 name=$2 out="$work/wrk-$1-$2-$3.txt"
  local before; before=$(cpu_ticks "${pid_of[$name]}")
  case "$row/$name" in
    prompt/nginx) wrk -t"$threads" -c"$connections" -d"$duration" --latency "$nginx_url${prompt_path[current]}" >"$out" ;;
    prompt/*) wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "X-Twilio-Signature: ${prompt_sig[$name]}" "${url_of[$name]}${prompt_path[$name]}" >"$out" ;;
    announce/*) wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "X-Twilio-Signature: ${announce_sig[$name]}" "${url_of[$name]}${announce_path[$name]}" >"$out" ;;
    webhook/*) WEBHOOK_BODY="$form" WEBHOOK_SIGNATURE="${webhook_sig[$name]}" wrk -t"$threads" -c"$connections" -d"$duration" --latency \
                 -s tests/load/webhook.lua "${url_of[$name]}/twilio/voice/main" >"$out" ;;
  esac
  local ticks=$(($(cpu_ticks "${pid_of[$name]}") - before))
  local requests; requests=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$out")
  local cpu_us; cpu_us=$(python3 -c "print(f'{$ticks * 1e6 / $ticks_per_second / max($requests, 1):.1f}')")
  printf '%s\t%s\t%s\t%s %s\n' "$3" "$row" "$name" "$(wrk_figures "$row $name" "$out")" "$cpu_us" >>"$results"
}
# Every row once before the rounds, discarded: each process's hot paths reach their optimised (tier-1) code first.
warmup=${LOAD_WARMUP:-3s}
echo "== warm-up: every row for $warmup, not counted"
for entry in "${plan[@]}"; do
  read -r row name <<<"$entry"
  duration=$warmup measure "$row" "$name" 0
done
: >"$results"
for round in $(seq 1 "$rounds"); do
  echo "== round $round of $rounds (load average $(cut -d' ' -f1 /proc/loadavg))"
  n=${#plan[@]}
  for i in $(seq 0 $((n - 1))); do
    read -r row name <<<"${plan[$(((i + round - 1) % n))]}"
    measure "$row" "$name" "$round"
  done
done
echo "== load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" "${base_shas[*]}" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(dict)   # (row, service) -> {round: (rps, p50, p99)}
for line in open(sys.argv[1]):
    rnd, row, name, figures = line.rstrip("\n").split("\t")
    rows[(row, name)][int(rnd)] = tuple(map(float, figures.split()))
names = {"nginx": "nginx (sendfile)", "current": "service", "sync": "service, synchronous log sink",
         "watched": "service, log file in its content root"}
def label(name):
    if name.startswith("var-"): return f"service, variant {name[4:]}"
    return names.get(name, f"service at {name[5:]}" if name.startswith("base-") else name)
def spread(values, fmt): return f"{fmt(statistics.median(values))} ({fmt(min(values))}–{fmt(max(values))})"
count = lambda v: f"{v:,.0f}"
ms = lambda v: f"{v:.2f}"
ratio = lambda v: f"{v:.2f}x"
us = lambda v: f"{v:.1f}"
print()
print("| Load (loopback) | requests/s, median (min–max) | p99 ms, median (min–max) | server CPU µs per request, median (min–max) |")
print("|---|---|---|---|")
for (row, name), by_round in sorted(rows.items(), key=lambda kv: (kv[0][0] != "prompt", kv[0][0], kv[0][1] != "nginx", kv[0][1] != "current", kv[0][1])):
    what = {"prompt": "cached prompt", "webhook": "voice webhook, signed", "announce": "announcement audio as /twilio/announce plays it"}[row]
    print(f"| {what}, {label(name)} | {spread([f[0] for f in by_round.values()], count)} | {spread([f[2] for f in by_round.values()], ms)} | {spread([f[3] for f in by_round.values()], us)} |")
def paired(a, b):
    """Per-round ratios of row a to row b (same round, so the same moment's load)."""
    if a not in rows or b not in rows: return None
    return [rows[a][r][0] / rows[b][r][0] for r in rows[a] if r in rows[b]]
def paired_cpu(a, b):
    """Per-round ratios of b's server CPU per request to a's: above 1 means a spends less per request."""
    if a not in rows or b not in rows: return None
    return [rows[b][r][3] / rows[a][r][3] for r in rows[a] if r in rows[b] and rows[a][r][3] > 0]
print()
pairs = [(("prompt", "current"), ("prompt", "nginx"), "cached prompt: service / nginx (goal ≥ 1.0)"),
         (("prompt", "current"), ("prompt", "sync"), "cached prompt: async log sink / synchronous sink"),
         (("webhook", "current"), ("webhook", "sync"), "webhook: async log sink / synchronous sink"),
         (("webhook", "watched"), ("webhook", "current"), "webhook: log file in the content root / elsewhere")]
bases = ["base-" + sha for sha in sys.argv[2].split()]
for base in bases:
    pairs += [(("prompt", "current"), ("prompt", base), f"cached prompt: service / {base[5:]}"),
              (("webhook", "current"), ("webhook", base), f"webhook: service / {base[5:]} (issue 12 goal ≥ 1.5 against the commit it measured)"),
              (("announce", "current"), ("announce", base), f"announcement audio fetch: service / {base[5:]}"),
              (("prompt", base), ("prompt", "nginx"), f"cached prompt: {base[5:]} / nginx")]
for variant in sorted({name for _, name in rows if name.startswith("var-")}):
    pairs += [(("prompt", variant), ("prompt", "current"), f"cached prompt: variant {variant[4:]} / service"),
              (("webhook", variant), ("webhook", "current"), f"webhook: variant {variant[4:]} / service"),
              (("prompt", variant), ("prompt", "nginx"), f"cached prompt: variant {variant[4:]} / nginx")]
for earlier, later in zip(bases, bases[1:]):
    pairs += [((row, later), (row, earlier), f"{row}: {later[5:]} / {earlier[5:]}") for row in ("prompt", "webhook", "announce")]
print("| Ratio, taken within each round | requests/s, median (min–max) | CPU per request, the other's / this one's, median (min–max) |")
print("|---|---|---|")
for a, b, what in pairs:
    r = paired(a, b)
    if r: print(f"| {what} | {spread(r, ratio)} | {spread(paired_cpu(a, b), ratio)} |")
# The two figures issue 12 asks for, on two lines of their own.
print()
if (r := paired(("prompt", "current"), ("prompt", "nginx"))):
    print(f"cached prompt, service / nginx (goal >= 1.0x): {spread(r, ratio)} over {len(r)} rounds"
          f"; CPU per request, nginx's / the service's: {spread(paired_cpu(('prompt', 'current'), ('prompt', 'nginx')), ratio)}")
if ("webhook", "current") in rows:
    rates = [f[0] for f in rows[("webhook", "current")].values()]
    against = [f"{spread(r, ratio)} the service at {b[5:]}" for b in bases if (r := paired(("webhook", "current"), ("webhook", b)))]
    print(f"signed webhook: {spread(rates, count)} requests/s over {len(rates)} rounds" + (" = " + ", ".join(against) if against else ""))
PY
