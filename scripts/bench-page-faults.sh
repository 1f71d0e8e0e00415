#!/usr/bin/env bash
# What fresh memory costs a process on this machine, the figure behind the launcher's start-up work (docs/audio.md,
# "Speed and memory as a whole process"): PAGES fresh 4 KiB pages written one at a time (a page fault each), the same
# pages after one madvise(MADV_POPULATE_WRITE), and the same pages inside a 2 MiB range advised MADV_HUGEPAGE (one
# transparent huge page, zeroed whole). Each round runs the three in a fresh process each, in a shuffled order; prints
# medians with the interquartile range, in µs for all the pages and per page.
# Usage: bash scripts/bench-page-faults.sh [rounds] [pages]   (defaults 41 and 80; needs a C compiler: cc or clang)
set -euo pipefail
rounds=${1:-41}
pages=${2:-80}
cc=$(command -v cc || command -v clang || true)
[ -n "$cc" ] || { echo "bench-page-faults: no C compiler (bash scripts/setup.sh test installs clang)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/probe.c" <<'C'
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e6 + t.tv_nsec / 1e3; }
int main(int argc, char **argv)
{
    int mode = atoi(argv[1]), pages = atoi(argv[2]);
    size_t huge = 2 << 20;
    char *raw = mmap(0, 2 * huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return 1;
    char *p = (char *)(((unsigned long)raw + huge - 1) & ~(huge - 1));
    double start = now();
    if (mode == 1 && madvise(p, (size_t)pages * 4096, MADV_POPULATE_WRITE) != 0) return 2;
    if (mode == 2) madvise(p, huge, MADV_HUGEPAGE);
    for (int i = 0; i < pages; i++) p[(size_t)i * 4096] = 1;
    printf("%.1f\n", now() - start);
    return 0;
}
C
"$cc" -O2 -o "$work/probe" "$work/probe.c"
python3 - "$work/probe" "$rounds" "$pages" <<'PY'
import os, random, statistics, subprocess, sys
probe, rounds, pages = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
names = {0: "a fault per page", 1: "MADV_POPULATE_WRITE", 2: "one huge page (MADV_HUGEPAGE)"}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
thp = open("/sys/kernel/mm/transparent_hugepage/enabled").read().strip() if os.path.exists("/sys/kernel/mm/transparent_hugepage/enabled") else "?"
print(f"CPU: {cpu}; kernel {os.uname().release}; transparent huge pages: {thp}; {pages} pages, {rounds} shuffled rounds")
results = {m: [] for m in names}
for _ in range(rounds):
    order = list(names)
    random.shuffle(order)
    for m in order:
        run = subprocess.run([probe, str(m), str(pages)], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"bench-page-faults: {names[m]} failed (exit {run.returncode}; MADV_POPULATE_WRITE needs Linux 5.14)")
        results[m].append(float(run.stdout))
def q(v, f):
    v = sorted(v); k = (len(v) - 1) * f; lo = int(k); hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)
print("| fresh memory | µs for all pages, median (IQR) | µs per page, median |")
print("|---|---:|---:|")
for m, v in results.items():
    print(f"| {names[m]} | {statistics.median(v):.0f} ({q(v, .25):.0f}-{q(v, .75):.0f}) | {statistics.median(v) / pages:.1f} |")
PY
