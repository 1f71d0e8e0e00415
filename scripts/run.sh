#!/usr/bin/env bash
# Runs the service on its embedded defaults: offline TTS (espeak-ng), disk cache under .ivrvoice/,
# the sample call flows from prompts/, listening on http://127.0.0.1:5080. No keys, no network.
#
# Twilio signatures are checked unless told otherwise. Without Twilio__AuthToken this script turns the check off
# for a local demo (the service warns loudly and listens on loopback only); set the token to keep it on:
#   Twilio__AuthToken=... Twilio__PublicBaseUrl=https://your-tunnel.example bash scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run
if [ -z "${Twilio__AuthToken:-}" ] && [ -z "${Twilio__RequestValidation:-}" ]; then
  echo "run: no Twilio__AuthToken set: local demo mode, Twilio signature checks are OFF (never expose this port)" >&2
  export Twilio__RequestValidation=Disabled
fi
# Another port or address: bash scripts/run.sh --urls http://127.0.0.1:8080 (or Urls=http://0.0.0.0:8080 in the environment).
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The content root is the checkout, where the disk cache (.ivrvoice/) and any log file redirected into it are written.
# With reload on change, the host watches that whole tree for appsettings changes and wakes on every such write (issue 12
# measured 0.70x the throughput with the log file there): settings are read at start-up, so restart to change them.
export DOTNET_hostBuilder__reloadConfigOnChange=false
if [ -f src/IvrVoice.Server/bin/Release/net10.0/IvrVoice.Server.dll ]; then
  echo "run: building the service (only what changed; a few seconds)" >&2
else
  echo "run: building the service for the first time (restores packages and compiles 7 projects: 1-3 minutes)" >&2
fi
start=$SECONDS
# Progress goes to the terminal: one line per project as it is compiled.
dotnet build src/IvrVoice.Server -c Release --nologo -v m -clp:NoSummary 2>&1 \
  | sed -nE 's#^ *([A-Za-z.]+) -> .*#run:   built \1#p; /error/p' >&2
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "run: the build failed (see the errors above)" >&2; exit 1; }
echo "run: built in $((SECONDS - start)) s; starting the service (Ctrl+C stops it)" >&2
# dotnet run starts the app in the project folder; the content root is the checkout, where prompts/ and .ivrvoice/ live.
exec dotnet run -c Release --no-build --project src/IvrVoice.Server -- --contentRoot "$PWD" "$@"
