"""Generate the demo fleet: three graphs, several versions each, four weeks of verdicts.

    python examples/generate_fleet.py [--seed 7] [--out examples/fleet.jsonl]

Seeded, so the same seed writes the same bytes. Pass counts are exact (a shuffled set of passing
positions, not coin flips), so each version lands in the situation it was written for:

  campaign_composer  v1  control, 0.88 over 600 runs
                     v2  candidate that clears the gate                 → PROMOTE
                     v3  regressed against v1 (0.73 vs 0.88)            → ROLLBACK
                     v4  just below the floor, not a regression (0.79)  → HOLD
  lead_qualifier     v1  control, 0.91
                     v2  0.95 success but one template_debris draft     → ROLLBACK
                     v3  thin evidence: three runs                      → HOLD
  reply_classifier   v1  control, scored by judge j1 then j2
                     v2  judge changed mid-way: 0.70 under j1, 0.90 under j2;
                         decided on j2 only, j1 rows left out and counted → PROMOTE
                     v3  judge outage: the outcome level went unscored  → HOLD

The rows carry scores and codes only, as every verdict must.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 11, 2, tzinfo=UTC)
SPAN = timedelta(days=28)
SOFT_CODES = ("weak_cta", "tone_off", "missing_personalization", "too_long_subject")


@dataclass(frozen=True)
class Version:
    graph: str
    version: str
    runs: int
    passes: int
    latency_ms: float  # median
    cohort: str = "candidate"
    judge: str = "j1"
    start: float = 0.0  # fraction of the four weeks when the version started running
    hard: tuple[str, ...] = ()  # hard violation codes to plant, one run each
    unscored: int = 0  # runs the judge could not score (passed: null)
    missing_outcome: int = 0  # scored runs whose outcome level went unscored
    # (new judge, index of the first run it scored, passes among the runs it scored)
    judge_switch: tuple[str, int, int] | None = None


FLEET = (
    Version("campaign_composer", "v1", 600, 528, 1450, cohort="control"),
    Version("campaign_composer", "v2", 400, 364, 1500, start=0.5),
    Version("campaign_composer", "v3", 300, 219, 1480, start=0.6),
    Version("campaign_composer", "v4", 300, 237, 1520, start=0.7),
    Version("lead_qualifier", "v1", 500, 455, 900, cohort="control"),
    Version("lead_qualifier", "v2", 400, 380, 950, start=0.4, hard=("template_debris",)),
    Version("lead_qualifier", "v3", 3, 3, 930, start=0.95),
    Version("reply_classifier", "v1", 400, 356, 600, cohort="control",
            judge_switch=("j2", 200, 178)),
    Version("reply_classifier", "v2", 300, 240, 620, start=0.3, judge_switch=("j2", 150, 135)),
    Version("reply_classifier", "v3", 200, 170, 610, start=0.6, judge="j2",
            unscored=6, missing_outcome=14),
)


def _times(rng: random.Random, version: Version) -> list[datetime]:
    begin = START + SPAN * version.start
    length = (START + SPAN - begin).total_seconds()
    return sorted(begin + timedelta(seconds=rng.uniform(0, length)) for _ in range(version.runs))


def _rows(rng: random.Random, version: Version) -> list[dict[str, object]]:
    positions = list(range(version.runs))
    rng.shuffle(positions)
    hard = dict(zip(positions[: len(version.hard)], version.hard, strict=True))
    holes = positions[len(hard): len(hard) + version.unscored + version.missing_outcome]
    unscored, missing = set(holes[: version.unscored]), set(holes[version.unscored:])
    switch_at, after = version.runs, 0
    if version.judge_switch:
        _, switch_at, after = version.judge_switch
    passing: set[int] = set()
    for segment, count in ((range(switch_at), version.passes - after),
                           (range(switch_at, version.runs), after)):
        scored = [p for p in segment if p not in unscored]
        rng.shuffle(scored)
        passing.update(scored[:count])
    rows = []
    for index, moment in enumerate(_times(rng, version)):
        judge = version.judge_switch[0] if index >= switch_at and version.judge_switch else \
            version.judge
        passed = None if index in unscored else index in passing
        row: dict[str, object] = {
            "run_id": f"{version.graph}-{version.version}-{index:05d}",
            "target_graph": version.graph,
            "prompt_version": version.version,
            "judge_version": judge,
            "passed": passed,
            "latency_ms": round(rng.lognormvariate(0, 0.25) * version.latency_ms, 1),
            "cost_usd": round(rng.uniform(0.002, 0.02), 5),
            "cohort": version.cohort,
            "created_at": moment.isoformat(timespec="seconds").replace("+00:00", "Z"),
        }
        if passed is not None:
            row["composite"] = round(rng.uniform(0.8, 1.0) if passed else rng.uniform(0.3, 0.79), 3)
        if passed is False:
            row["violations"] = [rng.choice(SOFT_CODES)]
        if index in hard:
            row["violations"] = [hard[index]]
        if index in missing:
            row["levels_scored"] = ["step", "trajectory"]
        rows.append(row)
    return rows


def generate(seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows = [row for version in FLEET for row in _rows(rng, version)]
    rows.sort(key=lambda r: (str(r["created_at"]), str(r["run_id"])))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("fleet.jsonl"))
    args = parser.parse_args()
    rows = generate(args.seed)
    with args.out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, sort_keys=True) + "\n")
    print(f"wrote {len(rows)} verdicts to {args.out}")


if __name__ == "__main__":
    main()
