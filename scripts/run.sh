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
# dotnet run starts the app in the project folder; the content root is the checkout, where prompts/ and .ivrvoice/ live.
exec dotnet run -c Release --project src/IvrVoice.Server -- --contentRoot "$PWD" "$@"
