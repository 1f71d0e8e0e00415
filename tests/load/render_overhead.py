#!/usr/bin/env python3
"""Measures the render path's own time beyond the provider's.

Renders N distinct prompts through POST /api/prompts one after another (each a cache miss: provider, decode, audio checks,
resampling, mastering, mu-law, cache write) and times each at the client. Separately times the same provider request sent
straight to the provider (the emulator), N times. The difference of the medians is what the service adds to the provider.
For the espeak route, whose provider is a local process, the service's own log gives the provider time of each render.

usage: render_overhead.py SERVICE_URL API_KEY LOG_FILE N [--emulator URL KEY] [--model espeak-ng] [--text TEXT]
"""
import argparse
import http.client
import json
import statistics
import time
import urllib.parse


def post(url: str, path: str, body: dict, headers: dict) -> tuple[float, int, bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    data = json.dumps(body).encode()
    started = time.perf_counter()
    connection.request("POST", path, body=data, headers={"Content-Type": "application/json", **headers})
    response = connection.getresponse()
    payload = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, response.status, payload


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("service")
    parser.add_argument("api_key")
    parser.add_argument("log_file")
    parser.add_argument("count", type=int)
    parser.add_argument("--emulator", nargs=2, metavar=("URL", "KEY"))
    parser.add_argument("--model")
    parser.add_argument("--text", default="Thank you for calling Northwind Dental, this is render overhead sample {i}.")
    args = parser.parse_args()

    client, keys, durations = [], [], []
    # A fresh cache per run (run.sh) makes each numbered text a miss.
    for i in range(args.count):
        body = {"text": args.text.format(i=i + 1), "voice": "Kore"}
        if args.model:
            body["model"] = args.model
        elapsed, status, payload = post(args.service, "/api/prompts", body, {"X-Api-Key": args.api_key})
        if status != 200:
            raise SystemExit(f"render {i} answered {status}: {payload[:300]!r}")
        answer = json.loads(payload)
        client.append(elapsed * 1000)
        keys.append(answer["key"])
        durations.append(answer["durationSeconds"])

    # The service logs each render: "Rendered prompt {PromptKey} via {Provider}: provider {ProviderMs} ms, total {TotalMs} ms".
    provider_ms = {}
    time.sleep(0.5)
    with open(args.log_file, encoding="utf-8") as log:
        for line in log:
            if not line.startswith("{"):
                continue
            event = json.loads(line)
            properties = event.get("Properties", {})
            if properties.get("EventId", {}).get("Id") == 300 and properties.get("PromptKey") in keys:
                provider_ms[properties["PromptKey"]] = properties["ProviderMs"]

    result = {
        "renders": args.count,
        "audio_seconds": statistics.median(durations),
        "client_ms_median": statistics.median(client),
        "client_ms_p90": statistics.quantiles(client, n=10)[-1] if len(client) >= 10 else max(client),
        "logged_provider_ms_median": statistics.median(provider_ms.values()) if provider_ms else None,
    }
    if args.emulator:
        url, key = args.emulator
        request = {
            "contents": [{"parts": [{"text": "Thank you for calling Northwind Dental, this is a timing sample."}]}],
            "generationConfig": {"responseModalities": ["AUDIO"], "speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}}},
        }
        direct = []
        for _ in range(args.count):
            elapsed, status, payload = post(url, "/gemini/v1beta/models/gemini-3.1-flash-tts-preview:generateContent", request, {"x-goog-api-key": key})
            if status != 200:
                raise SystemExit(f"the emulator answered {status}: {payload[:300]!r}")
            direct.append(elapsed * 1000)
        result["provider_direct_ms_median"] = statistics.median(direct)
        result["overhead_ms_median"] = result["client_ms_median"] - result["provider_direct_ms_median"]
    elif result["logged_provider_ms_median"] is not None:
        result["overhead_ms_median"] = result["client_ms_median"] - result["logged_provider_ms_median"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
