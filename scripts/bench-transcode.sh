#!/usr/bin/env bash
# Whole-process race: the installed `ivrvoice` (the Native AOT launcher of scripts/install.sh, which transcodes itself
# and leaves other verbs to ivrvoice-full; built with scripts/publish-cli.sh into $OUT/cli when none is on PATH)
# against sox and ffmpeg, converting 24 kHz 16-bit mono WAV
# (espeak-ng speech, looped) of 5 s, 60 s and 10 min to 8 kHz μ-law WAV; ivrvoice mastered (its default, which sox and
# ffmpeg do not do) and with --no-master (the like-for-like conversion).
#
# Runs are interleaved: each round runs every command once, in a shuffled order, so load from other work falls on all
# of them alike. Each run's user + system CPU time and minor page faults come from wait4(2) (microsecond resolution,
# where /usr/bin/time prints 10 ms steps, too coarse for a 10 ms prompt); wall time is measured around it. Peak RSS is
# measured apart, by /usr/bin/time (a child forked from this Python driver would report the driver's own RSS as its peak).
# Per size it prints medians with the interquartile range, ratios (median of the per-round ratios, which pair runs of
# the same round) of wall and of CPU time, and peak memory, then the goals: a 5 s prompt no slower than sox, ten
# minutes mastered in at most half of ffmpeg's time, peak memory at most ffmpeg's. On a loaded machine wall time mostly
# measures the scheduler; CPU time is the steadier figure. (hyperfine cannot interleave commands, hence this driver.)
#
# Usage: bash scripts/bench-transcode.sh [rounds]     IVRVOICE=/path/to/ivrvoice to race another build.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-15}
OUT=${OUT:-/tmp/ivrvoice-bench}
mkdir -p "$OUT"
for tool in sox soxi ffmpeg espeak-ng python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-transcode: $tool is not installed (bash scripts/setup.sh test)" >&2; exit 1; }
done

ivrvoice=${IVRVOICE:-}
if [ -z "$ivrvoice" ]; then
  if command -v ivrvoice >/dev/null && ivrvoice about 2>/dev/null | grep -qi "native"; then
    ivrvoice=$(command -v ivrvoice)
  else
    echo "bench-transcode: no native ivrvoice on PATH; building one with scripts/publish-cli.sh (bash scripts/install.sh installs it)" >&2
    bash scripts/publish-cli.sh "$OUT/cli" native
    ivrvoice=$OUT/cli/native/ivrvoice
  fi
fi
echo "ivrvoice: $ivrvoice ($("$ivrvoice" about 2>/dev/null | head -1))"

long="$OUT/speech-24k-600s.wav"
if [ ! -f "$long" ]; then
  espeak-ng -v en-us -s 160 -w "$OUT/sentence.wav" \
    "Thank you for calling Northwind Dental. For appointments, press one. For billing, press two. To hear these options again, press nine."
  # Resample the 22.05 kHz speech to 24 kHz once (very high quality), then repeat it to just past ten minutes.
  seconds=$(soxi -D "$OUT/sentence.wav")
  repeats=$(python3 -c "import math; print(math.ceil(600 / $seconds))")
  sox "$OUT/sentence.wav" -r 24000 -b 16 "$OUT/sentence-24k.wav" rate -v
  sox "$OUT/sentence-24k.wav" "$long" repeat "$repeats" trim 0 600
fi
for s in 5 60; do
  [ -f "$OUT/speech-24k-${s}s.wav" ] || sox "$long" "$OUT/speech-24k-${s}s.wav" trim 0 "$s"
done

python3 - "$OUT" "$ivrvoice" "$rounds" <<'PY'
import os, random, statistics, subprocess, sys, time

out, ivrvoice, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.chdir(out)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
flags = open("/proc/cpuinfo").read()
print(f"CPU: {cpu}, {os.cpu_count()} logical CPUs, {'AVX-512' if 'avx512f' in flags else 'AVX2' if 'avx2' in flags else 'no AVX2'}; "
      f"load average {os.getloadavg()[0]:.1f} at the start; {rounds} interleaved rounds")

def run(argv):
    with open("run.err", "wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"bench-transcode: {' '.join(argv)} failed: {open('run.err', errors='replace').read().strip()}")
    return wall * 1e3, (usage.ru_utime + usage.ru_stime) * 1e3, usage.ru_minflt

def peak_rss(argv):
    # The most of three runs, in MiB.
    peaks = []
    for _ in range(3):
        subprocess.run(["/usr/bin/time", "-o", "time.out", "-f", "%M"] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        peaks.append(int(open("time.out").read().split()[-1]) / 1024)
    return max(peaks)

def q(values, f):
    values = sorted(values)
    k = (len(values) - 1) * f
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)

def ratio_text(rows, peer_rows, i):
    # Median of per-round ratios.
    if any(p[i] <= 0 for p in peer_rows):
        return "n/a (peer 0)"
    return f"{statistics.median(r[i] / p[i] for r, p in zip(rows, peer_rows)):.2f}x"

goals = []
for seconds in (5, 60, 600):
    src = f"speech-24k-{seconds}s.wav"
    commands = {
        "sox": ["sox", src, "-r", "8000", "-e", "u-law", "out-sox.wav"],
        "ffmpeg": ["ffmpeg", "-y", "-loglevel", "error", "-i", src, "-ar", "8000", "-acodec", "pcm_mulaw", "out-ffmpeg.wav"],
        "ivrvoice (mastered)": [ivrvoice, "transcode", src, "out-ivrvoice.wav"],
        "ivrvoice --no-master": [ivrvoice, "transcode", src, "out-ivrvoice-nm.wav", "--no-master"],
    }
    for argv in commands.values():   # warm-up: page cache, first-run effects
        run(argv)
    results = {name: [] for name in commands}
    for _ in range(rounds):
        order = list(commands)
        random.shuffle(order)
        for name in order:
            results[name].append(run(commands[name]))
    peaks = {name: peak_rss(argv) for name, argv in commands.items()}
    label = f"{seconds} s" if seconds < 600 else "10 min"
    print(f"\n{label} of 24 kHz 16-bit mono WAV -> 8 kHz mu-law WAV ({os.path.getsize(src):,} bytes), load average {os.getloadavg()[0]:.1f}")
    print("| command | wall ms, median (IQR) | CPU ms, median (IQR) | peak RSS MiB (max of 3) | page faults, median | vs sox: wall, CPU | vs ffmpeg: wall, CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, rows in results.items():
        wall, cpu_ms = [r[0] for r in rows], [r[1] for r in rows]
        ratio = lambda peer, i: ratio_text(rows, results[peer], i)
        print(f"| {name} | {statistics.median(wall):.1f} ({q(wall, .25):.1f}-{q(wall, .75):.1f}) "
              f"| {statistics.median(cpu_ms):.1f} ({q(cpu_ms, .25):.1f}-{q(cpu_ms, .75):.1f}) | {peaks[name]:.1f} "
              f"| {statistics.median(r[2] for r in rows):.0f} | {ratio('sox', 0)}, {ratio('sox', 1)} | {ratio('ffmpeg', 0)}, {ratio('ffmpeg', 1)} |")
    med = lambda name: statistics.median(r[0] for r in results[name])
    pair = lambda a, b, i=0: statistics.median(x[i] / max(y[i], 1e-9) for x, y in zip(results[a], results[b]))
    rss = lambda name: peaks[name]
    verdict = lambda ok: "met" if ok else "MISSED"
    if seconds == 5:
        for name in ("ivrvoice (mastered)", "ivrvoice --no-master"):
            goals.append(f"5 s, {name}: {pair(name, 'sox'):.2f}x sox's wall time, {pair(name, 'sox', 1):.2f}x its CPU time "
                         f"(goal <= 1.00x): wall {verdict(pair(name, 'sox') <= 1)}, CPU {verdict(pair(name, 'sox', 1) <= 1)}")
    if seconds == 600:
        r, c = pair("ivrvoice (mastered)", "ffmpeg"), ratio_text(results["ivrvoice (mastered)"], results["ffmpeg"], 1)
        goals.append(f"10 min mastered: {r:.2f}x ffmpeg's wall time, {c} its CPU time (goal <= 0.50x): {verdict(r <= 0.5)}")
        for name in ("ivrvoice (mastered)", "ivrvoice --no-master"):
            goals.append(f"10 min, {name}: peak RSS {rss(name):.1f} MiB against ffmpeg's {rss('ffmpeg'):.1f} MiB (goal <= ffmpeg's): "
                         f"{verdict(rss(name) <= rss('ffmpeg'))}")

print("\nGoals (ratios are medians of per-round ratios):")
for g in goals:
    print("  " + g)
PY
