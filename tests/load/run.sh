#!/usr/bin/env bash
# Load figures for IvrVoice, measured in one run on loopback:
#   1. cached prompt fetches per second, p50/p99 latency: the service (as Twilio fetches, signed; and unsigned) vs nginx
#      serving the same file from disk; the ratio is the headline figure;
#   2. Twilio voice webhooks per second with signature validation on (one fixed signed request, so one fixed signature);
#   3. the render path's own time beyond the provider's: distinct prompts rendered through /api/prompts, minus the time
#      of the same provider request sent straight to the provider (the emulator answering a 10-second prompt, zero latency); and a 10-second prompt
#      from the offline engine, minus the engine's own time as the service logs it.
# Usage: bash tests/load/run.sh            (LOAD_DURATION=10s LOAD_CONNECTIONS=32 LOAD_THREADS=2 LOAD_RENDERS=20)
# Needs the .NET SDK, wrk, nginx, python3, curl, espeak-ng (bash scripts/setup.sh test installs them). Set
# LOAD_KEEP=1 to keep the work folder (logs, configs), LOAD_LOG_LEVEL=Warning to measure without the per-request log line
# (the default, Information, logs every request as production does). Results go to standard output; docs/performance.md
# quotes them.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

duration=${LOAD_DURATION:-10s}
connections=${LOAD_CONNECTIONS:-32}
threads=${LOAD_THREADS:-2}
renders=${LOAD_RENDERS:-20}
token="load-test-auth-token-0d1e2f3a4b5c6d7e"
api_key="load-test-api-key-9f8e7d6c5b4a"
signing_key="load-test-url-signing-key-00112233445566778899"
emulator_key="gemini-emulator-key-c0ffee"

for tool in dotnet wrk nginx python3 curl espeak-ng; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (bash scripts/setup.sh test installs it)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/ivrvoice-load.XXXXXX)
chmod 755 "$work"
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
  for _ in $(seq 1 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
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

echo "== machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name:\s*//p')), shared by the service, nginx and wrk"
echo "== $(dotnet --version | sed 's/^/.NET SDK /'), $(nginx -v 2>&1), $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2)"
echo "== wrk -t$threads -c$connections -d$duration per run"

echo "== publishing the service and the provider emulator (Release)"
artifacts=/tmp/ivrvoice-load-artifacts   # kept between runs: a second run only rebuilds what changed
dotnet publish src/IvrVoice.Server/IvrVoice.Server.csproj -c Release -p:UseAppHost=false -o "$work/app" --artifacts-path "$artifacts" -nologo -v q >/dev/null
dotnet publish tests/IvrVoice.ProviderEmulator/IvrVoice.ProviderEmulator.csproj -c Release -p:UseAppHost=false -o "$work/emulator" --artifacts-path "$artifacts" -nologo -v q >/dev/null

emulator_port=$(free_port)
dotnet "$work/emulator/IvrVoice.ProviderEmulator.dll" --port "$emulator_port" --clip-seconds 10 >"$work/emulator.log" 2>&1 &
pids+=($!)
emulator="http://127.0.0.1:$emulator_port"
wait_for "$emulator/" "the provider emulator"

service_pid=""
start_service() { # signed media: true|false
  service_port=$(free_port)
  service="http://127.0.0.1:$service_port"
  log="$work/service-media-$1.log"
  (cd "$work" && exec env \
    Urls="$service" \
    Service__LogFormat=Json \
    Serilog__MinimumLevel__Default="${LOAD_LOG_LEVEL:-Information}" \
    Service__ApiKeys__0="$api_key" \
    Service__UrlSigningKey="$signing_key" \
    Service__RequireTwilioSignatureForMedia="$1" \
    Service__RateLimit__PermitsPerMinute=1000000 \
    Service__RateLimit__Burst=100000 \
    Twilio__AuthToken="$token" \
    Twilio__PublicBaseUrl="$service" \
    Cache__Disk__Path="$work/cache" \
    Flows__Folder="$repo/prompts" \
    Providers__Order=gemini,espeak \
    Providers__Gemini__BaseUrl="$emulator/gemini" \
    Providers__Gemini__ApiKey="$emulator_key" \
    dotnet "$work/app/IvrVoice.Server.dll" >"$log" 2>&1) &
  service_pid=$!
  pids+=("$service_pid")
  wait_for "$service/readyz" "the service"
}
stop_service() { stop "$service_pid"; }

start_service true

echo "== render overhead: $renders distinct prompts from the emulator (gemini route, zero latency)"
emulator_overhead=$(python3 tests/load/render_overhead.py "$service" "$api_key" "$log" "$renders" --emulator "$emulator" "$emulator_key")
echo "$emulator_overhead"
long_text="Thank you for calling Northwind Dental. Our office is open Monday through Thursday from seven in the morning until six in the evening, and on Friday until two. Message {i}."
echo "== render overhead: a 10-second prompt from the offline engine (espeak-ng), 5 renders"
espeak_overhead=$(python3 tests/load/render_overhead.py "$service" "$api_key" "$log" 5 --model espeak-ng --text "$long_text")
echo "$espeak_overhead"

# One cached prompt, served by both: render it, save the service's bytes into nginx's folder.
key=$(curl -fsS -X POST "$service/api/prompts" -H "X-Api-Key: $api_key" -H 'Content-Type: application/json' \
  -d '{"text":"Thank you for calling Northwind Dental. Please hold.","voice":"Kore"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
media_path="/prompts/$key.wav"
media_signature=$(python3 tests/load/twilio_sign.py "$token" "$service$media_path")
mkdir -p "$work/www/prompts"
curl -fsS -H "X-Twilio-Signature: $media_signature" "$service$media_path" -o "$work/www$media_path"
chmod -R a+rX "$work/www"
echo "== the prompt: $(stat -c %s "$work/www$media_path") bytes"

echo "== webhook: warming the flow's prompts"
form="AccountSid=AC0123456789abcdef0123456789abcdef&ApiVersion=2010-04-01&CallSid=CA0123456789abcdef0123456789abcdef&CallStatus=ringing&Called=%2B15035550100&Caller=%2B15555550123&Direction=inbound&From=%2B15555550123&To=%2B15035550100"
webhook_signature=$(python3 tests/load/twilio_sign.py "$token" "$service/twilio/voice/main" $(echo "$form" | tr '&' '\n' | python3 -c 'import sys, urllib.parse; print(" ".join(f"{k}={v}" for k, v in urllib.parse.parse_qsl(sys.stdin.read().replace(chr(10), "&"))))'))
for _ in $(seq 1 60); do
  answer=$(curl -fsS -X POST "$service/twilio/voice/main" -H "X-Twilio-Signature: $webhook_signature" -H 'Content-Type: application/x-www-form-urlencoded' --data "$form")
  [ "$(grep -o '<Play>' <<<"$answer" | wc -l)" -ge 2 ] && break
  sleep 0.5
done
grep -q '<Play>' <<<"$answer" || { echo "run.sh: the webhook never played its prompts: $answer" >&2; exit 1; }

echo "== wrk: webhook with signature validation"
WEBHOOK_BODY="$form" WEBHOOK_SIGNATURE="$webhook_signature" wrk -t"$threads" -c"$connections" -d"$duration" --latency -s tests/load/webhook.lua "$service/twilio/voice/main" >"$work/wrk-webhook.txt"
webhook=$(wrk_figures webhook "$work/wrk-webhook.txt")

echo "== wrk: cached prompt from the service (signed, as Twilio fetches it)"
wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "X-Twilio-Signature: $media_signature" "$service$media_path" >"$work/wrk-service-signed.txt"
service_signed=$(wrk_figures "service signed" "$work/wrk-service-signed.txt")
stop_service

start_service false
echo "== wrk: cached prompt from the service (Service:RequireTwilioSignatureForMedia=false)"
curl -fsS -o /dev/null "$service$media_path"   # into the memory tier
wrk -t"$threads" -c"$connections" -d"$duration" --latency "$service$media_path" >"$work/wrk-service-open.txt"
service_open=$(wrk_figures "service open" "$work/wrk-service-open.txt")
stop_service

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
wait_for "http://127.0.0.1:$nginx_port$media_path" "nginx"
echo "== wrk: the same file from nginx"
wrk -t"$threads" -c"$connections" -d"$duration" --latency "http://127.0.0.1:$nginx_port$media_path" >"$work/wrk-nginx.txt"
nginx_figures=$(wrk_figures nginx "$work/wrk-nginx.txt")

python3 - "$service_signed" "$service_open" "$nginx_figures" "$webhook" "$emulator_overhead" "$espeak_overhead" <<'PY'
import json, sys
signed, open_, nginx, webhook = (list(map(float, a.split())) for a in sys.argv[1:5])
emulator, espeak = json.loads(sys.argv[5]), json.loads(sys.argv[6])
print()
print("| Load (loopback) | requests/s | p50 ms | p99 ms | vs nginx |")
print("|---|---|---|---|---|")
for name, f in (("cached prompt, nginx (static file)", nginx), ("cached prompt, service, signed fetch (default)", signed),
                ("cached prompt, service, unsigned fetch", open_), ("voice webhook, signature validated", webhook)):
    ratio = f"{f[0] / nginx[0]:.2f}x" if "prompt" in name else ""
    print(f"| {name} | {f[0]:,.0f} | {f[1]:.2f} | {f[2]:.2f} | {ratio} |")
print()
print("| Render path | audio s | client ms (median) | provider ms (median) | service's own ms (median) |")
print("|---|---|---|---|---|")
print(f"| emulator (gemini route), {emulator['renders']} renders | {emulator['audio_seconds']:.2f} | {emulator['client_ms_median']:.1f} | "
      f"{emulator['provider_direct_ms_median']:.1f} (sent straight to the emulator) | {emulator['overhead_ms_median']:.1f} |")
if espeak.get("logged_provider_ms_median") is None:
    # Below Information the service does not log its renders, so the engine's own time is unknown.
    print(f"| espeak-ng (offline), {espeak['renders']} renders | {espeak['audio_seconds']:.2f} | {espeak['client_ms_median']:.1f} | n/a at this log level | n/a |")
else:
    print(f"| espeak-ng (offline), {espeak['renders']} renders | {espeak['audio_seconds']:.2f} | {espeak['client_ms_median']:.1f} | "
          f"{espeak['logged_provider_ms_median']:.1f} (as the service logs it) | {espeak['overhead_ms_median']:.1f} |")
PY
