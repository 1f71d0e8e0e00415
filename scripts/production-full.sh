#!/usr/bin/env bash
# The production suite at full size (docs/reliability.md quotes its figures): 1,200 simulated calls under provider
# faults, a 200-prompt library built under faults and killed ten times, 400,000 mutated WAV files and 50,000 mutated
# answers for each of eight provider conversations. CI runs the same tests at a smaller size. Extra arguments go to
# dotnet test (e.g. --filter FullyQualifiedName~Faults).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
IVRVOICE_TEST_POSTGRES=${IVRVOICE_TEST_POSTGRES:-$(bash scripts/postgres.sh start)}
export IVRVOICE_TEST_POSTGRES IVRVOICE_FULL=1
exec dotnet test tests/IvrVoice.Production.Tests -c Release --logger "console;verbosity=detailed" "$@"
