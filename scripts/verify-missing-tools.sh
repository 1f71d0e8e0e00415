#!/usr/bin/env bash
# Proves the tests' missing-tool policy (tests/IvrVoice.Testing/ExternalTools.cs): for each external tool in turn it
# hides just that tool, runs the test projects that use it, and checks that the run FAILS and that every failed test
# names the missing tool and what to install. A test that errors with anything else (a stack trace from Process.Start,
# a refused connection) counts against the tool, and so does a run that passes.
# With --allow it runs each project again with IVRVOICE_ALLOW_MISSING_TOOLS=1 and checks that nothing fails: a test that
# needs the tool is reported skipped; one that only shared a class fixture with such tests may pass (it is counted).
#
# How a tool is hidden: PATH becomes one folder of links to every program on the real PATH except the tool's own
# (sox: sox soxi play rec; ffmpeg: ffmpeg ffprobe; espeak-ng: espeak-ng espeak; node: node nodejs npm npx; chromium:
# chromium, and CHROMIUM_PATH names a file that does not exist; postgresql: psql and the server programs, and
# IVRVOICE_TEST_POSTGRES is unset). "postgresql-down" keeps psql but points IVRVOICE_TEST_POSTGRES at a loopback port
# nothing listens on (a server that is not running).
#
# Usage: bash scripts/verify-missing-tools.sh [--allow] [--no-build] [--projects=Cli,Server] [tool ...]
#   tools: sox ffmpeg espeak-ng node chromium postgresql postgresql-down (default: all)
# Prints one line per tool and a summary; exits 0 only when every tool's check held.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

allow=0; build=1; tools=(); only_projects=""
for arg in "$@"; do
  case "$arg" in
    --allow) allow=1 ;;
    --no-build) build=0 ;;
    --projects=*) only_projects=${arg#--projects=} ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) tools+=("$arg") ;;
  esac
done
[ ${#tools[@]} -gt 0 ] || tools=(sox ffmpeg espeak-ng node chromium postgresql postgresql-down)
[ -n "${IVRVOICE_TEST_ARTIFACTS:-}" ] || echo "IVRVOICE_TEST_ARTIFACTS is not set: the installed-CLI tests are left out (bash scripts/publish-cli.sh DIR, then set it to DIR)" >&2

# What each tool hides, the test projects that use it, and the word its failure messages must name.
hidden_of() {
  case "$1" in
    sox) echo "sox soxi play rec" ;;
    ffmpeg) echo "ffmpeg ffprobe" ;;
    espeak-ng) echo "espeak-ng espeak speak-ng" ;;
    node) echo "node nodejs npm npx" ;;
    chromium) echo "chromium chromium-browser" ;;
    postgresql) echo "psql pg_ctl pg_ctlcluster initdb postgres createdb dropdb" ;;
    postgresql-down) echo "" ;;
    *) return 1 ;;
  esac
}
projects_of() {
  if [ -n "$only_projects" ]; then echo "${only_projects//,/ }"; return; fi
  case "$1" in
    sox|ffmpeg) echo "Audio Providers Library Cli Production" ;;
    espeak-ng) echo "Audio Providers Prompts Library Cli Server Production" ;;
    node) echo "Telephony Server" ;;
    chromium) echo "Server" ;;
    postgresql|postgresql-down) echo "Caching Server Production" ;;
  esac
}
named_of() {
  case "$1" in
    postgresql) echo "psql" ;;
    postgresql-down) echo "PostgreSQL server" ;;
    *) echo "$1" ;;
  esac
}

for tool in "${tools[@]}"; do
  hidden_of "$tool" >/dev/null || { echo "verify-missing-tools: unknown tool '$tool'" >&2; exit 2; }
done

work=$(mktemp -d -t ivrvoice-missing-tools-XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ "$build" -eq 1 ]; then
  needed=$(for tool in "${tools[@]}"; do projects_of "$tool"; done | tr ' ' '\n' | sort -u)
  for project in $needed; do
    echo "building tests/IvrVoice.$project.Tests"
    dotnet build "tests/IvrVoice.$project.Tests" -c Release -warnaserror --nologo -v q >"$work/build.log" 2>&1 \
      || { cat "$work/build.log"; echo "verify-missing-tools: the build failed" >&2; exit 1; }
  done
fi

# A folder of links to every program on PATH but the hidden ones (the first of each name, in PATH order).
shim_path() { # folder, hidden names...
  local folder=$1; shift
  mkdir -p "$folder"
  local dir file name
  IFS=: read -ra dirs <<<"$PATH"
  for dir in "${dirs[@]}"; do
    [ -d "$dir" ] || continue
    for file in "$dir"/*; do
      name=${file##*/}
      [ -x "$file" ] && [ ! -d "$file" ] && [ ! -e "$folder/$name" ] || continue
      case " $* " in *" $name "*) continue ;; esac
      ln -s "$file" "$folder/$name"
    done
  done
  echo "$folder"
}

# Counts and checks one project's TRX: prints "total passed failed skipped unhelpful" and lists unhelpful failures.
judge() { # trx, named, failed-list out, skipped-list out
  python3 - "$@" <<'PY'
import re, sys, xml.etree.ElementTree as ET
trx, named, failed_out, skipped_out = sys.argv[1:5]
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
counts = {"Passed": 0, "Failed": 0, "NotExecuted": 0}
unhelpful, failed, skipped = [], [], []
root = ET.parse(trx).getroot()
for result in root.iterfind(".//t:UnitTestResult", ns):
    outcome = result.get("outcome")
    name = result.get("testName")
    counts[outcome] = counts.get(outcome, 0) + 1
    message = " ".join(m.text or "" for m in result.iterfind(".//t:ErrorInfo/t:Message", ns))
    if outcome == "Failed":
        failed.append(name)
        # The policy's message: "Missing <what> (...install...)" naming the tool, and how to install it.
        if not (re.search(r"Missing [^\n]*" + re.escape(named), message, re.I) and re.search(r"install", message, re.I)):
            unhelpful.append((name, message.strip().splitlines()[0][:300] if message.strip() else "(no message)"))
    elif outcome == "NotExecuted":
        skipped.append(name)
total = sum(counts.values())
print(total, counts["Passed"], counts["Failed"], counts["NotExecuted"], len(unhelpful))
for name, message in unhelpful:
    print(f"    unhelpful: {name}: {message}", file=sys.stderr)
open(failed_out, "a").write("".join(n + "\n" for n in failed))
open(skipped_out, "a").write("".join(n + "\n" for n in skipped))
PY
}

# Runs the projects of one tool with it hidden; prints a summary line. Mode "strict" or "allow".
run_tool() { # tool, mode
  local tool=$1 mode=$2
  local dir="$work/$tool-$mode"; mkdir -p "$dir"
  local path; path=$(shim_path "$work/$tool-bin" $(hidden_of "$tool"))
  local -a env_args=(-u IVRVOICE_ALLOW_MISSING_TOOLS PATH="$path")
  case "$tool" in
    chromium) env_args+=(CHROMIUM_PATH=/nonexistent/chromium) ;;
    postgresql) env_args=(-u IVRVOICE_TEST_POSTGRES "${env_args[@]}") ;;
    postgresql-down)
      local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
      env_args+=(IVRVOICE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=ivrvoice") ;;
  esac
  [ "$mode" = allow ] && env_args+=(IVRVOICE_ALLOW_MISSING_TOOLS=1)
  local total=0 passed=0 failed=0 skipped=0 unhelpful=0 aborted=0 project
  : >"$dir/failed"; : >"$dir/skipped"
  for project in $(projects_of "$tool"); do
    local log="$dir/$project.log"
    local -a filter=()
    # The installed-CLI tests run the published binaries (scripts/publish-cli.sh, which scripts/test.sh runs first); without
    # them they fail whatever tool is missing, so they are left out unless IVRVOICE_TEST_ARTIFACTS names that output.
    [ "$project" = Cli ] && [ -z "${IVRVOICE_TEST_ARTIFACTS:-}" ] && filter=(--filter 'FullyQualifiedName!~InstalledCliTests')
    env "${env_args[@]}" timeout 40m dotnet test "tests/IvrVoice.$project.Tests" -c Release --no-build --nologo "${filter[@]}" \
      --logger "trx;LogFileName=$project.trx" --results-directory "$dir" >"$log" 2>&1
    if [ ! -s "$dir/$project.trx" ] || grep -qE 'Test Run Aborted|The active test run was aborted' "$log"; then
      echo "    $project: the test run did not complete (see below)" >&2; tail -n 20 "$log" | sed 's/^/      /' >&2
      aborted=$((aborted + 1)); continue
    fi
    read -r t p f s u < <(judge "$dir/$project.trx" "$(named_of "$tool")" "$dir/failed" "$dir/skipped" 2> >(sed "s/^    /    $project: /" >&2))
    total=$((total + t)); passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s)); unhelpful=$((unhelpful + u))
  done
  echo "$total $passed $failed $skipped $unhelpful $aborted"
}

ok_all=1; lines=()
for tool in "${tools[@]}"; do
  echo "== $tool hidden ($(projects_of "$tool" | sed 's/ /, /g'))" >&2
  read -r total passed failed skipped unhelpful aborted < <(run_tool "$tool" strict)
  verdict=ok; why=""
  if [ "$aborted" -gt 0 ]; then verdict=FAIL; why="$aborted project run(s) did not complete"
  elif [ "$failed" -eq 0 ]; then verdict=FAIL; why="nothing failed without $tool"
  elif [ "$unhelpful" -gt 0 ]; then verdict=FAIL; why="$unhelpful failure(s) do not name $(named_of "$tool") and what to install"
  fi
  line="$tool: $failed of $total tests fail, $((failed - unhelpful)) of them naming $(named_of "$tool") and what to install; $passed pass, $skipped skipped"
  if [ "$allow" -eq 1 ]; then
    cp "$work/$tool-strict/failed" "$work/$tool-expected"
    read -r a_total a_passed a_failed a_skipped _ a_aborted < <(run_tool "$tool" allow)
    # A test failed by a class-wide fixture (the class's database) may pass with the opt-out when it does not need the
    # tool itself; what must not happen is a failure, or a test that needs the tool passing in silence (it would have
    # passed in the strict run too, which the strict check above already refuses).
    passed_anyway=$(sort -u "$work/$tool-expected" | comm -23 - <(sort -u "$work/$tool-allow/skipped") | comm -23 - <(sort -u "$work/$tool-allow/failed") | wc -l)
    line+="; with IVRVOICE_ALLOW_MISSING_TOOLS=1: $a_failed failed, $a_skipped skipped, $passed_anyway of the strict failures pass (their class's fixture failed them; they do not use $tool)"
    if [ "$a_aborted" -gt 0 ] || [ "$a_failed" -gt 0 ]; then
      verdict=FAIL; why+="${why:+; }with the opt-out $a_failed failed"
      sort -u "$work/$tool-allow/failed" | sed 's/^/    failed with the opt-out: /' >&2
    fi
  fi
  [ "$verdict" = ok ] || ok_all=0
  lines+=("$verdict  $line${why:+ — $why}")
  echo "${lines[-1]}"
done

echo "== summary"
printf '%s\n' "${lines[@]}"
held=$(printf '%s\n' "${lines[@]}" | grep -c '^ok' || true)
echo "$held of ${#lines[@]} tools: the suite fails without the tool and says what to install"
[ "$ok_all" -eq 1 ]
