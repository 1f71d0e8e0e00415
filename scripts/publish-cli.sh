#!/usr/bin/env bash
# Builds both installable forms of `ivrvoice` into OUT (default artifacts/):
#   OUT/native/ivrvoice          Native AOT for linux-x64, compiled for x86-64-v3 (AVX2, FMA): two files that go
#   OUT/native/ivrvoice-full     side by side. `ivrvoice` (src/IvrVoice.Cli.Launcher, 2.3 MB, no ICU) runs `transcode`
#                                itself and hands every other command to `ivrvoice-full` (src/IvrVoice.Cli), so a
#                                prompt-sized transcode does not pay the full program's start-up.
#   OUT/tool/ivrvoice.*.nupkg    the .NET tool package (`dotnet tool install --add-source OUT/tool ivrvoice`)
# Usage: bash scripts/publish-cli.sh [OUT] [native|tool|both]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-artifacts}")
what=${2:-both}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
step() { echo "publish-cli: $*" >&2; }

if [ "$what" != tool ]; then
  step "compiling the native binaries (Native AOT, linux-x64, x86-64-v3): about 2-5 minutes on 2 cores"
  start=$SECONDS
  full=$(mktemp -d)
  dotnet publish src/IvrVoice.Cli -c Release -p:IvrVoiceNative=true -warnaserror --nologo -v q -o "$full" >&2
  dotnet publish src/IvrVoice.Cli.Launcher -c Release -p:IvrVoiceNative=true -warnaserror --nologo -v q -o "$out/native" >&2
  mv "$full/ivrvoice" "$out/native/ivrvoice-full"
  rm -rf "$full" "$out/native/"*.dbg "$out/native/"*.pdb
  step "native binaries ready: $out/native/ivrvoice ($(du -h "$out/native/ivrvoice" | cut -f1)) and ivrvoice-full ($(du -h "$out/native/ivrvoice-full" | cut -f1)), $((SECONDS - start)) s"
fi
if [ "$what" != native ]; then
  step "packing the .NET tool"
  start=$SECONDS
  rm -f "$out/tool/"ivrvoice.*.nupkg
  dotnet pack src/IvrVoice.Cli -c Release -warnaserror --nologo -v q -o "$out/tool" >&2
  step "tool package ready: $(ls "$out/tool/"ivrvoice.*.nupkg) ($((SECONDS - start)) s)"
fi
