#!/usr/bin/env bash
# Paired start-up race on the 5-second prompt: each round runs every command once, in a shuffled order, and takes each
# run's user + system CPU time and minor page faults from wait4(2) (microsecond resolution) and its wall time around it.
# Prints medians with the interquartile range and the median of the per-round ratios to the first command. On a machine
# other work loads, CPU time and page faults are the steady figures; wall time is mostly the scheduler's.
#
# Usage: bash scripts/bench-startup.sh [rounds] [name=command ...]
#   Without commands: sox, and the installed ivrvoice (IVRVOICE=path for another) mastered and --no-master. Commands run
#   in the folder of the 5 s prompt (speech-24k-5s.wav, made by scripts/bench-transcode.sh in OUT, /tmp/ivrvoice-bench).
#   Example, a build against an earlier one: bash scripts/bench-startup.sh 60 "sox=sox speech-24k-5s.wav -r 8000 -e u-law s.wav" \
#     "before=/tmp/old/ivrvoice transcode speech-24k-5s.wav a.wav" "after=/tmp/new/ivrvoice transcode speech-24k-5s.wav b.wav"
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-60}
shift || true
OUT=${OUT:-/tmp/ivrvoice-bench}
command -v python3 >/dev/null || { echo "bench-startup: python3 is not installed" >&2; exit 1; }
if [ ! -f "$OUT/speech-24k-5s.wav" ]; then
  echo "bench-startup: $OUT/speech-24k-5s.wav is missing; run bash scripts/bench-transcode.sh 1 first (OUT=$OUT)" >&2
  exit 1
fi
if [ $# -eq 0 ]; then
  ivrvoice=${IVRVOICE:-$(command -v ivrvoice || true)}
  [ -n "$ivrvoice" ] || { echo "bench-startup: no ivrvoice on PATH (bash scripts/install.sh) and no IVRVOICE=path" >&2; exit 1; }
  command -v sox >/dev/null || { echo "bench-startup: sox is not installed (bash scripts/setup.sh test)" >&2; exit 1; }
  set -- "sox=sox speech-24k-5s.wav -r 8000 -e u-law out-sox.wav" \
    "ivrvoice=$ivrvoice transcode speech-24k-5s.wav out-ivrvoice.wav" \
    "ivrvoice --no-master=$ivrvoice transcode speech-24k-5s.wav out-ivrvoice-nm.wav --no-master"
fi

python3 - "$OUT" "$rounds" "$@" <<'PY'
import os, random, shlex, statistics, subprocess, sys, time

out, rounds, specs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
os.chdir(out)
commands = [(spec.split("=", 1)[0], shlex.split(spec.split("=", 1)[1])) for spec in specs]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"CPU: {cpu}, {os.cpu_count()} logical CPUs; load average {os.getloadavg()[0]:.1f} at the start; {rounds} interleaved rounds")

def run(argv):
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench-startup: {shlex.join(argv)} failed")
    return wall * 1e3, (usage.ru_utime + usage.ru_stime) * 1e3, usage.ru_minflt

def q(values, f):
    values = sorted(values)
    k = (len(values) - 1) * f
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)

for _, argv in commands:   # warm-up: page cache, first-run effects
    run(argv)
results = {name: [] for name, _ in commands}
for _ in range(rounds):
    order = list(commands)
    random.shuffle(order)
    for name, argv in order:
        results[name].append(run(argv))

peer = commands[0][0]
print(f"load average {os.getloadavg()[0]:.1f} at the end")
print(f"| command | CPU ms, median (IQR) | page faults, median | wall ms, median (IQR) | CPU vs {peer} (IQR) | wall vs {peer} (IQR) |")
print("|---|---:|---:|---:|---:|---:|")
for name, rows in results.items():
    wall, cpu_ms = [r[0] for r in rows], [r[1] for r in rows]
    cells = [f"{statistics.median(cpu_ms):.2f} ({q(cpu_ms, .25):.2f}-{q(cpu_ms, .75):.2f})",
             f"{statistics.median(r[2] for r in rows):.0f}",
             f"{statistics.median(wall):.2f} ({q(wall, .25):.2f}-{q(wall, .75):.2f})"]
    for i in (1, 0):
        ratios = [a[i] / b[i] for a, b in zip(rows, results[peer])]
        cells.append(f"{statistics.median(ratios):.3f}x ({q(ratios, .25):.3f}-{q(ratios, .75):.3f})")
    print(f"| {name} | " + " | ".join(cells) + " |")
PY
