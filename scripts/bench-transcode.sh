#!/usr/bin/env bash
# Whole-process race on a 10-minute 24 kHz mono 16-bit WAV (espeak-ng speech, looped): `ivrvoice transcode` (published
# ReadyToRun, mastered and --no-master) against sox and ffmpeg doing the same 24 kHz -> 8 kHz μ-law conversion.
# Usage: bash scripts/bench-transcode.sh [runs]   (results also in $OUT/transcode.md)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
OUT=${OUT:-/tmp/ivrvoice-bench}
mkdir -p "$OUT"
for tool in sox ffmpeg hyperfine espeak-ng; do
  command -v "$tool" >/dev/null || { echo "bench-transcode: $tool is not installed (bash scripts/setup.sh test)" >&2; exit 1; }
done

# ReadyToRun: the process runs precompiled code from its first call, which matters for a one-shot command.
dotnet publish src/IvrVoice.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  --artifacts-path "$OUT/artifacts" -o "$OUT/ivrvoice" --nologo -v q >/dev/null

input="$OUT/speech-24k-10min.wav"
if [ ! -f "$input" ]; then
  espeak-ng -v en-us -s 160 -w "$OUT/sentence.wav" \
    "Thank you for calling Northwind Dental. For appointments, press one. For billing, press two. To hear these options again, press nine."
  # Resample the 22.05 kHz speech to 24 kHz once (very high quality), then repeat it to just past ten minutes.
  seconds=$(soxi -D "$OUT/sentence.wav")
  repeats=$(python3 -c "import math; print(math.ceil(600 / $seconds))")
  sox "$OUT/sentence.wav" -r 24000 -b 16 "$OUT/sentence-24k.wav" rate -v
  sox "$OUT/sentence-24k.wav" "$input" repeat "$repeats" trim 0 600
fi
soxi "$input" | grep -E 'Sample Rate|Duration'

cd "$OUT"
hyperfine --warmup 2 --runs "$runs" --export-markdown "$OUT/transcode.md" \
  -n "sox -r 8000 -e u-law" "sox speech-24k-10min.wav -r 8000 -e u-law out-sox.wav" \
  -n "ffmpeg -ar 8000 pcm_mulaw" "ffmpeg -y -loglevel error -i speech-24k-10min.wav -ar 8000 -acodec pcm_mulaw out-ffmpeg.wav" \
  -n "ivrvoice transcode (mastered)" "./ivrvoice/ivrvoice transcode speech-24k-10min.wav out-ivrvoice.wav" \
  -n "ivrvoice transcode --no-master" "./ivrvoice/ivrvoice transcode speech-24k-10min.wav out-ivrvoice-nm.wav --no-master"
echo "table: $OUT/transcode.md"
