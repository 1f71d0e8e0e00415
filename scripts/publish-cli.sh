#!/usr/bin/env bash
# Builds both installable forms of `ivrvoice` into OUT (default artifacts/):
#   OUT/native/ivrvoice          one Native AOT file for linux-x64, compiled for x86-64-v3 (AVX2, FMA)
#   OUT/tool/ivrvoice.*.nupkg    the .NET tool package (`dotnet tool install --add-source OUT/tool ivrvoice`)
# Usage: bash scripts/publish-cli.sh [OUT] [native|tool|both]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-artifacts}")
what=${2:-both}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
step() { echo "publish-cli: $*" >&2; }

if [ "$what" != tool ]; then
  step "compiling the native binary (Native AOT, linux-x64, x86-64-v3): about 1-3 minutes on 2 cores"
  start=$SECONDS
  dotnet publish src/IvrVoice.Cli -c Release -p:IvrVoiceNative=true -warnaserror --nologo -v q -o "$out/native" >&2
  rm -f "$out/native/"*.dbg
  step "native binary ready: $out/native/ivrvoice ($(du -h "$out/native/ivrvoice" | cut -f1), $((SECONDS - start)) s)"
fi
if [ "$what" != native ]; then
  step "packing the .NET tool"
  start=$SECONDS
  rm -f "$out/tool/"ivrvoice.*.nupkg
  dotnet pack src/IvrVoice.Cli -c Release -warnaserror --nologo -v q -o "$out/tool" >&2
  step "tool package ready: $(ls "$out/tool/"ivrvoice.*.nupkg) ($((SECONDS - start)) s)"
fi
