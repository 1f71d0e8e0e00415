#!/usr/bin/env bash
# Runs the service on its embedded defaults: offline TTS (espeak-ng), disk cache under .ivrvoice/,
# the sample call flows from prompts/, listening on http://127.0.0.1:5080. No keys, no network.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run
exec dotnet run -c Release --project src/IvrVoice.Server -- "$@"
