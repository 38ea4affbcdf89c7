"""Canary routing throughput: `resolve_version` against bare bucketing functions on the same ids.

    .venv/bin/python bench/canary.py [--ids 100000] [--repeats 5]

Baselines, measured in the same run on the same thread ids:
  * a bare SHA-256 bucket computed inline (the floor: what any stable router must pay),
  * GrowthBook's `gbhash` (FNV-1a, hash version 2) and Unleash's `normalized_hash` (MurmurHash3),
    when those SDKs are installed (`pip install growthbook UnleashClient`; benchmark only).
Each figure is the best of `--repeats` interleaved rounds, to keep a busy machine's noise out.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from hashlib import sha256

from releasegate import CanaryRouter, GraphSpec, MemoryRollouts, resolve_version

SALT = "campaign_composer"
Bench = Callable[[Sequence[str]], None]


def bare_sha256(ids: Sequence[str]) -> None:
    for thread_id in ids:
        int.from_bytes(sha256((SALT + ":" + thread_id).encode()).digest()[:8], "big") % 10000


def releasegate_bare(ids: Sequence[str]) -> None:
    spec = GraphSpec(SALT, "v1", "v2")
    for thread_id in ids:
        resolve_version(spec, thread_id)


def releasegate_router(ids: Sequence[str]) -> None:
    spec = GraphSpec(SALT, "v1", "v2")
    router = CanaryRouter(MemoryRollouts())
    for thread_id in ids:
        router.resolve(spec, thread_id)


def growthbook_bench() -> Bench | str:
    try:
        from growthbook.core import gbhash
    except ImportError as exc:
        return f"growthbook not importable ({exc}); pip install growthbook to compare"

    def run(ids: Sequence[str]) -> None:
        for thread_id in ids:
            gbhash(SALT, thread_id, 2)

    return run


def unleash_bench() -> Bench | str:
    try:
        from UnleashClient.utils import normalized_hash
    except ImportError as exc:
        return f"UnleashClient not importable ({exc}); pip install UnleashClient to compare"

    def run(ids: Sequence[str]) -> None:
        for thread_id in ids:
            normalized_hash(thread_id, SALT, 10000)

    return run


def best_rates(benches: dict[str, Bench], ids: Sequence[str], repeats: int) -> dict[str, float]:
    best = dict.fromkeys(benches, float("inf"))
    for _ in range(repeats):
        for name, run in benches.items():
            start = time.perf_counter()
            run(ids)
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: len(ids) / seconds for name, seconds in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    os.environ["CAMPAIGN_CANARY_PERCENT"] = "25"
    ids = [f"thread-{n}" for n in range(args.ids)]
    benches: dict[str, Bench] = {"bare sha256 (inline)": bare_sha256,
                                 "resolve_version": releasegate_bare,
                                 "CanaryRouter.resolve (state cached)": releasegate_router}
    for name, found in (("growthbook gbhash v2", growthbook_bench()),
                        ("unleash normalized_hash", unleash_bench())):
        if isinstance(found, str):
            print(f"skipped {name}: {found}")
        else:
            benches[name] = found
    rates = best_rates(benches, ids, args.repeats)
    ours = rates["resolve_version"]
    print(f"{args.ids:,} thread ids, best of {args.repeats} rounds, percent 25")
    for name, rate in rates.items():
        print(f"  {name:<38} {rate:>12,.0f} calls/s")
    for name, rate in rates.items():
        if name != "resolve_version":
            print(f"  ratio {name} / resolve_version: {rate / ours:.2f}×")


if __name__ == "__main__":
    main()
