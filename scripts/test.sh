#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs dependencies, starts PostgreSQL on loopback,
# runs every test project, runs the audio suite again with hardware intrinsics off (the scalar
# fallback) and with AVX-512 off (the AVX2 paths), and ends with one line of totals.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test || exit 1
export IVRVOICE_TEST_POSTGRES
IVRVOICE_TEST_POSTGRES=$(bash scripts/postgres.sh start) || { echo "could not start PostgreSQL" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results=$(mktemp -d)
dotnet build IvrVoice.sln -c Release -warnaserror --nologo -v q || { echo "0 passed, 1 failed"; exit 1; }
# The installable ivrvoice (Native AOT binary and .NET tool) for InstalledCliTests: 1-3 minutes.
export IVRVOICE_TEST_ARTIFACTS=$PWD/artifacts
bash scripts/publish-cli.sh "$IVRVOICE_TEST_ARTIFACTS" || { echo "0 passed, 1 failed"; exit 1; }

run() { # label, extra env..., then dotnet test args
  local label=$1; shift
  echo "== $label"
  env "$@" 2>&1 | tee "$results/$label.log" | grep -E '^(Passed!|Failed!|  Failed |Error Message:|\s+Assert)' || true
}
run all dotnet test IvrVoice.sln -c Release --no-build --nologo
# On an AVX-512 machine, the Vector256 (AVX2) paths again as an AVX2-only CPU runs them (.NET 10 reads EnableAVX512).
run avx2 DOTNET_EnableAVX512=0 dotnet test tests/IvrVoice.Audio.Tests -c Release --no-build --nologo
run scalar DOTNET_EnableHWIntrinsic=0 dotnet test tests/IvrVoice.Audio.Tests -c Release --no-build --nologo

passed=0; failed=0
while read -r f p; do failed=$((failed + f)); passed=$((passed + p)); done < <(
  cat "$results"/*.log | sed -nE 's/.*Failed:[[:space:]]*([0-9]+), Passed:[[:space:]]*([0-9]+).*/\1 \2/p')
# A project that failed to run at all reports no counts: count it as a failure.
crashed=$(cat "$results"/*.log | grep -cE 'Test Run Aborted|The active test run was aborted' || true)
failed=$((failed + crashed))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
