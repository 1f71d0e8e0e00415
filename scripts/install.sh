#!/usr/bin/env bash
# Builds `ivrvoice` from this checkout and puts it on PATH, with espeak-ng for offline rendering.
#   bash scripts/install.sh            the native binary (Native AOT, x86-64-v3) when this is linux-x64 with AVX2+FMA,
#                                      otherwise the .NET tool (runs anywhere .NET 10 does)
#   bash scripts/install.sh --tool     always the .NET tool (`dotnet tool install --global`)
# The native binary goes to /usr/local/bin as root, else ~/.local/bin (BIN_DIR=... to choose), with ivrvoice-full beside
# it: `ivrvoice` runs transcode itself and starts ivrvoice-full for every other verb.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "install: $*" >&2; }

mode=native
[ "${1:-}" = "--tool" ] && mode=tool
if [ "$mode" = native ]; then
  if [ "$(uname -sm)" != "Linux x86_64" ]; then
    say "not linux-x64: installing the .NET tool instead of the native binary"; mode=tool
  elif ! grep -qw avx2 /proc/cpuinfo || ! grep -qw fma /proc/cpuinfo; then
    say "this CPU lacks AVX2/FMA, which the native binary is compiled for (x86-64-v3): installing the .NET tool instead"
    mode=tool
  fi
fi

bash scripts/setup.sh "$([ "$mode" = native ] && echo install || echo run)"
if [ -z "${BIN_DIR:-}" ]; then
  if [ "$(id -u)" -eq 0 ]; then BIN_DIR=/usr/local/bin; else BIN_DIR=$HOME/.local/bin; fi
fi
mkdir -p "$BIN_DIR"
artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT

if [ "$mode" = native ]; then
  bash scripts/publish-cli.sh "$artifacts" native
  install -m 0755 "$artifacts/native/ivrvoice-full" "$BIN_DIR/ivrvoice-full"
  install -m 0755 "$artifacts/native/ivrvoice" "$BIN_DIR/ivrvoice"
else
  bash scripts/publish-cli.sh "$artifacts" tool
  say "installing the .NET tool (dotnet tool install --global)"
  dotnet tool uninstall --global ivrvoice >/dev/null 2>&1 || true
  dotnet tool install --global --add-source "$artifacts/tool" ivrvoice >&2
  # ~/.dotnet/tools is often not on PATH: link the tool where the native binary would go.
  ln -sf "$HOME/.dotnet/tools/ivrvoice" "$BIN_DIR/ivrvoice"
fi

hash -r
case ":$PATH:" in
  *":$BIN_DIR:"*) say "installed $(command -v ivrvoice): $("$BIN_DIR/ivrvoice" about)" ;;
  *) say "installed $BIN_DIR/ivrvoice, but $BIN_DIR is not on PATH: add it (export PATH=\"$BIN_DIR:\$PATH\")" ;;
esac
