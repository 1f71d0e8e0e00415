#!/usr/bin/env bash
# The audio benchmarks in one run (BenchmarkDotNet, in-process short jobs, a few minutes): the 24 kHz -> 8 kHz resampler
# alone and fused with μ-law against libsoxr HQ and speexdsp q5/q8, the FIR kernel per SIMD width, the CPU's FMA limit
# per width, mastering alone and in a transcode, G.711 encoders, and a clock calibration; then tables of throughput,
# ratios to libsoxr HQ, cycles per input sample, the FIR's fraction of the FMA limit and mastering's share.
# Usage: bash scripts/bench-audio.sh [extra BenchmarkDotNet arguments, e.g. --job Dry]
# One suite only: SUITES='*MasteringBenchmarks*' bash scripts/bench-audio.sh (space-separated BenchmarkDotNet filters).
# AVX2 figures on an AVX-512 machine: DOTNET_EnableAVX512=0 bash scripts/bench-audio.sh (the .NET 10 switch; the
# older DOTNET_EnableAVX512F is ignored by .NET 10).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/ivrvoice-bench}
mkdir -p "$OUT"
# Methods with loops are compiled fully optimised at once, as the shipped ReadyToRun and Native AOT builds have them: left to
# tiered compilation, a kernel called once per benchmark invocation ran its on-stack-replacement code (5-10x slower than
# the optimised kernel) for the whole run, while the resampler, which calls it many times, was unaffected.
export DOTNET_TC_QuickJitForLoops=0
dotnet build tests/IvrVoice.Benchmarks -c Release --artifacts-path "$OUT/artifacts" --nologo -v q
read -r -a suites <<< "${SUITES:-*ResamplerBenchmarks* *DecimatorKernelBenchmarks* *G711Benchmarks* *ClockBenchmarks* *FmaPeakBenchmarks* *MasteringBenchmarks*}"
rm -rf "$OUT/bdn/results"   # only this run's reports are read below
dotnet "$OUT/artifacts/bin/IvrVoice.Benchmarks/release/IvrVoice.Benchmarks.dll" \
  --filter "${suites[@]}" \
  --exporters json --artifacts "$OUT/bdn" "$@" | grep -E '^\|' || true
python3 - "$OUT/bdn/results" <<'PY'
import glob, json, math, os, sys

results = {}
host = {}
for path in glob.glob(os.path.join(sys.argv[1], "*-report*.json")):
    with open(path) as f:
        report = json.load(f)
    host = report.get("HostEnvironmentInfo") or host
    for b in report["Benchmarks"]:
        stats = b.get("Statistics") or {}
        if not stats:
            continue
        params = dict(p.split("=", 1) for p in (b.get("Parameters") or "").split("&") if "=" in p)
        key = (b["Type"], b["Method"], params.get("Seconds"))
        results[key] = ((b.get("MethodTitle") or b["Method"]).strip("'"), stats["Mean"], stats["Min"], stats.get("Median", stats["Mean"]),
                        stats.get("Q1", stats["Min"]), stats.get("Q3", stats["Mean"]))

clock = [v for k, v in results.items() if k[0] == "ClockBenchmarks"]
ghz = 4e6 / clock[0][2] if clock else float("nan")   # fastest run of a 4e6-cycle dependency chain
print(f"\nCPU: {host.get('ProcessorName', '?')}; load average {os.getloadavg()[0]:.1f} at the end of the run")
print(f"Clock during the run: {ghz:.2f} GHz (4e6 dependent cycles in {clock[0][2] / 1e3:.0f} us)" if clock else "")

# The FMA limit per width, measured: 12 register-only FMA chains, 100,000 trips.
lanes = {}
for k, v in results.items():
    if k[0] == "FmaPeakBenchmarks" and v[2] > 1000:
        width = 8 if "256" in k[1] else 16
        measured = width * 12 * 100_000 / (v[2] * ghz)
        # Load only ever slows the loop: take the smallest power of two at or above 90% of the measured rate.
        lanes[width] = (measured, 2 ** math.ceil(math.log2(measured * 0.9)))
isa = "AVX-512 (Vector512 accelerated)" if 16 in lanes else "AVX2 (no Vector512)" if 8 in lanes else "no 256-bit SIMD"
print(f"Instruction set in use: {isa}; FP32 FMA lanes per cycle measured: "
      + ", ".join(f"{32 * w} bit {m:.1f} (taken as {r})" for w, (m, r) in sorted(lanes.items())))

TAPS = 192
fma_per_sample = TAPS / 3

def table(seconds):
    rows = [(k, v) for k, v in results.items() if k[0] == "ResamplerBenchmarks" and k[2] == seconds]
    if not rows:
        return
    samples = int(seconds) * 24000
    soxr = next((v for k, v in rows if k[1] == "SoxrHighQuality"), None)
    print(f"\n24 kHz int16 -> 8 kHz, {seconds} s prompt ({samples:,} input samples), one thread")
    print("| | M input samples/s (median) | best run | vs libsoxr HQ (median) | vs libsoxr HQ (best vs best) | cycles per input sample (best) |")
    print("|---|---:|---:|---:|---:|---:|")
    for k, (title, mean, best, median, q1, q3) in sorted(rows, key=lambda r: r[1][3]):
        ratio = f"{soxr[3] / median:.2f}x" if soxr else ""
        best_ratio = f"{soxr[2] / best:.2f}x" if soxr else ""
        print(f"| {title} | {samples / median * 1e3:.0f} | {samples / best * 1e3:.0f} | {ratio} | {best_ratio} | {best * ghz / samples:.2f} |")
    fused = next((v for k, v in rows if k[1] == "FusedInt16ToMuLaw"), None)
    if soxr and fused:
        print(f"Fused int16 -> mu-law against libsoxr HQ ({isa}): {soxr[3] / fused[3]:.2f}x by medians "
              f"(interquartile: {soxr[4] / fused[5]:.2f}x-{soxr[5] / fused[4]:.2f}x), {soxr[2] / fused[2]:.2f}x best against best; goal >= 2.0x")

for s in ("10", "60"):
    table(s)

kernel = [(k, v) for k, v in results.items() if k[0] == "DecimatorKernelBenchmarks"]
if kernel:
    samples = 3 * 4096
    print(f"\n3:1 FIR kernel alone, {TAPS} taps ({fma_per_sample:.0f} FMAs per input sample), 4096 outputs in cache")
    print("Limit per width: taps/3 / (FMA lanes per cycle this CPU sustains at that width, measured above); goal >= 85%")
    print("| width | M input samples/s (best) | cycles per input sample (best) | (median) | FMA limit (cycles) | fraction of the limit |")
    print("|---|---:|---:|---:|---:|---:|")
    for k, (title, mean, best, median, q1, q3) in sorted(kernel, key=lambda r: r[1][2]):
        if best < 1000:   # a width this machine lacks returns at once
            continue
        width = {"Width512": 16, "Width256": 8, "Width128": 4}.get(k[1])
        cycles = best * ghz / samples
        limit = fma_per_sample / lanes[width][1] if width in lanes else (fma_per_sample / (2 * width) if width else float("nan"))
        fraction = f"{limit / cycles * 100:.0f}%" if limit == limit else ""
        print(f"| {title} | {samples / best * 1e3:.0f} | {cycles:.2f} | {median * ghz / samples:.2f} | {limit:.2f} | {fraction} |")

mastering = [(k, v) for k, v in results.items() if k[0] == "MasteringBenchmarks"]
for seconds in sorted({k[2] for k, _ in mastering}, key=int):
    rows = {k[1]: v for k, v in mastering if k[2] == seconds}
    mastered, plain, alone = rows.get("TranscodeMastered"), rows.get("TranscodeUnmastered"), rows.get("MasteringAlone")
    if not (mastered and plain and alone):
        continue
    print(f"\nMastering, {seconds} s prompt (24 kHz 16-bit WAV -> 8 kHz mu-law WAV, in process; ms median [best])")
    print("| | median ms | best ms |")
    print("|---|---:|---:|")
    for title, v in (("transcode, mastered", mastered), ("transcode, --no-master", plain), ("mastering alone", alone)):
        print(f"| {title} | {v[3] / 1e6:.2f} | {v[2] / 1e6:.2f} |")
    print(f"Mastering's share of a mastered transcode: {alone[3] / mastered[3] * 100:.0f}% by medians ({alone[2] / mastered[2] * 100:.0f}% best against best); "
          f"mastered minus unmastered: {(mastered[3] - plain[3]) / mastered[3] * 100:.0f}% of it; goal <= 25%")

g711 = [(k, v) for k, v in results.items() if k[0] == "G711Benchmarks"]
if g711:
    print("\nG.711 encode at 8 kHz")
    print("| encoder | prompt | M samples/s (mean) | ns per sample |")
    print("|---|---:|---:|---:|")
    for k, (title, mean, best, *_) in sorted(g711, key=lambda r: (int(r[0][2]), r[1][1])):
        samples = int(k[2]) * 8000
        print(f"| {title} | {k[2]} s | {samples / mean * 1e3:.0f} | {mean / samples:.2f} |")
PY
