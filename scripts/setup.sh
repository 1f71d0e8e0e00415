#!/usr/bin/env bash
# Installs what the service and its tests need on a fresh Debian machine. Idempotent: a second run
# installs nothing. Run as root (CI, containers) or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang and zlib1g-dev: the Native AOT compiler's linker and zlib (scripts/publish-cli.sh, scripts/install.sh).
want_apt=(espeak-ng sox libsox-fmt-all ffmpeg libsoxr0 libspeexdsp1 postgresql chromium nginx-light wrk python3 time curl strace clang zlib1g-dev)
mode=${1:-test}   # "run": what the service needs; "install": that and the native compiler's; "test": everything
if [ "$mode" = run ]; then want_apt=(espeak-ng); fi
# The interop oracles (the twilio package) and the browser driver run on Node.js 20 or later. A machine that already has
# node (e.g. from NodeSource, whose nodejs bundles npm) keeps it; otherwise the distribution's packages provide it.
if [ "$mode" = test ] && ! command -v node >/dev/null 2>&1; then want_apt+=(nodejs npm); fi
if [ "$mode" = install ]; then want_apt=(espeak-ng clang zlib1g-dev); fi

missing=()
for p in "${want_apt[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" = test ]; then
  # Every tool the tests use must be present: a test whose tool is missing fails (tests/IvrVoice.Testing/ExternalTools.cs).
  for tool in sox ffmpeg ffprobe espeak-ng psql node npm; do
    command -v "$tool" >/dev/null 2>&1 || { echo "setup: $tool is still missing after installing packages" >&2; exit 1; }
  done
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { echo "setup: chromium is missing (${CHROMIUM_PATH:-/usr/bin/chromium})" >&2; exit 1; }
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$node_major" -ge 20 ] || { echo "setup: Node.js $node_major is too old; the interop tests need 20 or later (e.g. from NodeSource)" >&2; exit 1; }
  # Interop oracles and the browser driver come from npm, pinned by tests/interop/package-lock.json.
  if [ -f tests/interop/package.json ] && [ ! -d tests/interop/node_modules ]; then
    echo "setup: installing npm packages for interop tests"
    (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "setup: ready ($mode)"
