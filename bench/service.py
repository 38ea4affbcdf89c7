"""What HTTP costs: `releasegate serve` (a real uvicorn subprocess on loopback) against the same
library calls made in-process, measured in the same run.

    python bench/service.py [--seconds 8]

- POST /v1/verdicts in batches of 100 rows vs `ingest_sources` on the same batches;
- GET /v1/route (requests/s and p99) vs `CanaryRouter.resolve` in-process.
One keep-alive client, sequential requests: the figures are per connection.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from releasegate.config import load_settings
from releasegate.ingestion import ingest_sources
from releasegate.sources import Source
from releasegate.store import Store
from releasegate.wiring import build

TOML = '[graphs.bench]\nactive_version = "v1"\ncandidate_version = "v2"\n'


def batch(start: int, size: int = 100) -> list[dict[str, object]]:
    return [{"run_id": f"r{start + i:09d}", "target_graph": "bench", "prompt_version": "v2",
             "judge_version": "j1", "passed": (start + i) % 9 != 0, "latency_ms": 900 + i}
            for i in range(size)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def over_http(folder: Path, seconds: float) -> tuple[float, float, float]:
    port = free_port()
    env = {**os.environ, "RELEASEGATE_CONFIG": str(folder / "releasegate.toml"),
           "CAMPAIGN_CANARY_PERCENT": "10"}
    server = subprocess.Popen([sys.executable, "-m", "releasegate", "serve", "--port", str(port),
                               "--db", str(folder / "http.db")], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(100):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            rows, started, n = 0, time.perf_counter(), 0
            while time.perf_counter() - started < seconds:
                response = client.post("/v1/verdicts", json=batch(n * 100))
                assert response.status_code in (200, 201), response.text
                rows, n = rows + 100, n + 1
            ingest_rate = rows / (time.perf_counter() - started)
            latencies: list[float] = []
            started = time.perf_counter()
            while time.perf_counter() - started < seconds:
                t = time.perf_counter()
                assert client.get("/v1/route", params={"graph": "bench",
                                                       "thread_id": f"t{len(latencies)}"}
                                  ).status_code == 200
                latencies.append(time.perf_counter() - t)
            route_rate = len(latencies) / (time.perf_counter() - started)
            return ingest_rate, route_rate, percentile99(latencies)
    finally:
        server.terminate()
        server.wait(timeout=30)


def in_process(folder: Path, seconds: float) -> tuple[float, float, float]:
    os.environ["CAMPAIGN_CANARY_PERCENT"] = "10"
    settings = load_settings({}, db=str(folder / "lib.db"),
                             config=str(folder / "releasegate.toml"))
    with Store.open(settings.db_url) as store:
        wiring = build(settings, store)
        rows, started, n = 0, time.perf_counter(), 0
        while time.perf_counter() - started < seconds:
            body = "".join(json.dumps(r) + "\n" for r in batch(n * 100)).encode()
            source = Source("<bench>", io.BufferedReader(io.BytesIO(body)),  # type: ignore[arg-type]
                            "jsonl", len(body))
            ingest_sources(store, [source], now_us=n)
            rows, n = rows + 100, n + 1
        ingest_rate = rows / (time.perf_counter() - started)
        spec = wiring.rollout.registry.spec("bench")
        from releasegate.canary.router import CanaryRouter

        router = CanaryRouter(store, store)
        latencies: list[float] = []
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            t = time.perf_counter()
            router.resolve(spec, f"t{len(latencies)}")
            latencies.append(time.perf_counter() - t)
        route_rate = len(latencies) / (time.perf_counter() - started)
        return ingest_rate, route_rate, percentile99(latencies)


def percentile99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.99 * len(ordered)) - 1)] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "releasegate.toml").write_text(TOML, encoding="utf-8")
        http = over_http(folder, args.seconds)
        lib = in_process(folder, args.seconds)
    print(f"service over loopback HTTP vs the same library calls in-process ({args.seconds:g} s "
          "each, one keep-alive client)")
    print(f"  POST /v1/verdicts, batches of 100 : {http[0]:>10,.0f} rows/s   in-process "
          f"{lib[0]:>10,.0f} rows/s   HTTP/in-process {http[0] / lib[0]:.2f}")
    print(f"  GET /v1/route                     : {http[1]:>10,.0f} req/s    in-process "
          f"{lib[1]:>10,.0f} calls/s  HTTP/in-process {http[1] / lib[1]:.4f}")
    print(f"  p99 latency                       : {http[2] * 1e3:>10.2f} ms      in-process "
          f"{lib[2] * 1e6:>10.2f} µs")


if __name__ == "__main__":
    main()
