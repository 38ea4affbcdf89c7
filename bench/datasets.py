"""Benchmark data: realistic verdict rows, seeded, written once per size into bench/out/."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
START = datetime(2026, 9, 1, tzinfo=UTC)


def verdict_rows(count: int, *, versions: int = 20, seed: int = 11) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for i in range(count):
        version = i % versions
        passed = rng.random() < 0.88
        row: dict[str, object] = {
            "run_id": f"run-{i:09d}",
            "target_graph": f"graph_{version % 3}",
            "prompt_version": f"v{version}",
            "judge_version": "j1",
            "passed": passed if rng.random() > 0.01 else None,
            "composite": round(rng.uniform(0.8, 1.0) if passed else rng.uniform(0.2, 0.8), 3),
            "latency_ms": round(rng.lognormvariate(7, 0.3), 1),
            "cost_usd": round(rng.uniform(0.001, 0.02), 5),
            "cohort": "candidate" if version % 2 else "control",
            "created_at": (START + timedelta(seconds=i * 7)).isoformat().replace("+00:00", "Z"),
        }
        if not passed:
            row["violations"] = ["weak_cta"]
        rows.append(row)
    return rows


def jsonl_file(count: int) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"verdicts-{count}.jsonl"
    if not path.exists():
        with path.open("w", encoding="utf-8") as handle:
            for row in verdict_rows(count):
                handle.write(json.dumps(row) + "\n")
    return path
