"""Decision quality under continuous monitoring: clear-v1 against anytime-v1.

    python bench/decision_quality.py [--trials 10000] [--runs 300] [--seed 20261201]
                                     [--image docs/img/decision_quality.png] [--no-image]
                                     [--prior 364 36] [--alpha 0.05]

A canary team asks the gate after every run and acts on the first PROMOTE or ROLLBACK. For true
success rates 0.60 ... 0.95 this simulates `--trials` candidates of `--runs` independent runs each
(no hard violations, every run scored, no latencies) in two settings:

- **no baseline**: the graph's first version; only the success-floor rule can end the watch;
- **vs a 0.90 baseline**: the control's window is fixed at 900 passes in 1,000 runs (a large
  settled window, observed rate exactly 0.90), so the regression rule can roll back too.

It prints, per true rate, P(PROMOTE) and P(ROLLBACK) by run 30/60/100/200/300, the median runs to
a decision, and the exact probabilities (a dynamic program over the pass count) beside the
simulated ones for the targets of docs/policies.md; then draws the curves.

Speed: for each n ≤ runs the exact policy code (`release_decision`) gives, by bisection over the
pass count, the smallest count that promotes and the largest that rolls back (a test checks
these against `release_decision` on samples); the simulation then compares numpy cumulative sums
against those thresholds. Seeded: the figures reproduce.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from releasegate.decision import release_decision
from releasegate.policy import ANYTIME_POLICY, DEFAULT_POLICY, GatePolicy
from releasegate.window import WindowStats

RATES = (0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95)
HORIZONS = (30, 60, 100, 200, 300)
BASELINE = WindowStats(target_graph="bench", prompt_version="control", judge_version="j",
                       n=1000, passes=900, fully_covered=1000)
POLICIES = {"clear-v1": DEFAULT_POLICY, "anytime-v1": ANYTIME_POLICY}
IMAGE = Path(__file__).resolve().parent.parent / "docs" / "img" / "decision_quality.png"


def window(n: int, passes: int) -> WindowStats:
    return WindowStats(target_graph="bench", prompt_version="candidate", judge_version="j",
                       n=n, passes=passes, fully_covered=n)


def outcome(n: int, passes: int, policy: GatePolicy, baseline: WindowStats | None) -> str:
    return release_decision(window(n, passes), baseline, policy).decision


@dataclass(frozen=True)
class Thresholds:
    """Per n (index 0..runs): PROMOTE iff passes ≥ promote[n]; ROLLBACK iff passes ≤ rollback[n].

    promote[n] = n + 1 when no count promotes; rollback[n] = -1 when none rolls back.
    """

    promote: list[int]
    rollback: list[int]


def _first_true(lo: int, hi: int, test: Any) -> int:
    """The smallest k in [lo, hi] with test(k), or hi + 1; test is monotone (False..True)."""
    while lo <= hi:
        mid = (lo + hi) // 2
        if test(mid):
            hi = mid - 1
        else:
            lo = mid + 1
    return lo


def thresholds(policy: GatePolicy, baseline: WindowStats | None, runs: int) -> Thresholds:
    promote, rollback = [1], [-1]  # n = 0: nothing is decided
    for n in range(1, runs + 1):
        promote.append(_first_true(
            0, n, lambda s, n=n: outcome(n, s, policy, baseline) == "PROMOTE"))
        rollback.append(_first_true(
            0, n, lambda s, n=n: outcome(n, s, policy, baseline) != "ROLLBACK") - 1)
    return Thresholds(promote, rollback)


@dataclass(frozen=True)
class Result:
    promote_by: dict[int, float]
    rollback_by: dict[int, float]
    median: int | None  # runs to a decision; None: fewer than half decided within the runs


def simulate(th: Thresholds, rate: float, trials: int, runs: int, seed: int,
             horizons: Sequence[int] = HORIZONS) -> Result:
    import numpy as np

    rng = np.random.default_rng([seed, round(rate * 100)])  # same paths for both policies
    passes = np.cumsum(rng.random((trials, runs)) < rate, axis=1, dtype=np.int32)
    hit_p = passes >= np.asarray(th.promote[1:runs + 1])
    hit_r = passes <= np.asarray(th.rollback[1:runs + 1])
    decided = hit_p | hit_r
    first = np.where(decided.any(axis=1), decided.argmax(axis=1) + 1, runs + 1)
    rows = np.arange(trials)
    is_p = hit_p[rows, np.minimum(first, runs) - 1] & (first <= runs)
    is_r = hit_r[rows, np.minimum(first, runs) - 1] & (first <= runs) & ~is_p
    order = np.sort(first)
    median = int(order[(trials - 1) // 2]) if order[(trials - 1) // 2] <= runs else None
    return Result({h: float(np.mean(is_p & (first <= h))) for h in horizons},
                  {h: float(np.mean(is_r & (first <= h))) for h in horizons}, median)


def exact(th: Thresholds, rate: float, runs: int) -> tuple[list[float], list[float]]:
    """P(PROMOTE by n) and P(ROLLBACK by n), n = 0..runs, by a DP over the pass count."""
    import numpy as np

    alive = np.zeros(runs + 2)
    alive[0] = 1.0
    promoted, rolled = [0.0], [0.0]
    for n in range(1, runs + 1):
        step = alive * (1 - rate)
        step[1:] += alive[:-1] * rate
        alive = step
        p_mass = alive[th.promote[n]:n + 1].sum() if th.promote[n] <= n else 0.0
        r_mass = alive[:th.rollback[n] + 1].sum() if th.rollback[n] >= 0 else 0.0
        alive[th.promote[n]:] = 0.0
        if th.rollback[n] >= 0:
            alive[:th.rollback[n] + 1] = 0.0
        promoted.append(promoted[-1] + p_mass)
        rolled.append(rolled[-1] + r_mass)
    return promoted, rolled


def one_look(th: Thresholds, rate: float, n: int) -> float:
    """P(PROMOTE) when the gate is asked once, at run n."""
    from math import comb

    return sum(comb(n, s) * rate**s * (1 - rate) ** (n - s) for s in range(th.promote[n], n + 1))


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}"


def report(name: str, results: dict[float, Result]) -> None:
    cols = " ".join(f"{h:>5}" for h in HORIZONS)
    print(f"\n{name}")
    print(f"  true | {'P(PROMOTE) % by run':^29} | {'P(ROLLBACK) % by run':^29} | median")
    print(f"  rate | {cols} | {cols} | runs")
    for rate, res in results.items():
        median = f"{res.median:>5}" if res.median is not None else f">{HORIZONS[-1]}"
        print(f"  {rate:.2f} | " + " ".join(_pct(res.promote_by[h]) for h in HORIZONS)
              + " | " + " ".join(_pct(res.rollback_by[h]) for h in HORIZONS)
              + f" | {median}")


def targets(exacts: dict[str, dict[str, dict[float, Any]]], sims: dict[str, Any]
            ) -> list[tuple[str, float, float, bool]]:
    """anytime-v1's targets: (what, exact, simulated, met by both)."""
    out = []
    for setting in ("no baseline", "vs 0.90 baseline"):
        ex, sim = exacts["anytime-v1"][setting], sims["anytime-v1"][setting]
        worst = max((max(ex[r][0]), max(sim[r].promote_by.values()))
                    for r in RATES if r <= 0.80)
        out.append((f"{setting}: max P(PROMOTE), true ≤ 0.80, any horizon ≤ 5%",
                    worst[0], worst[1], max(worst) <= 0.05))
        for rate, horizon, goal in ((0.95, 60, 0.90), (0.90, 200, 0.90)):
            e, s = ex[rate][0][horizon], sim[rate].promote_by[horizon]
            out.append((f"{setting}: P(PROMOTE by {horizon}), true {rate:.2f} ≥ 90%", e, s,
                        min(e, s) >= goal))
    ex, sim = exacts["anytime-v1"]["vs 0.90 baseline"], sims["anytime-v1"]["vs 0.90 baseline"]
    e, s = ex[0.90][1][-1], sim[0.90].rollback_by[HORIZONS[-1]]
    out.append(("vs 0.90 baseline: P(ROLLBACK by 300), true 0.90 ≤ 5%", e, s, max(e, s) <= 0.05))
    return out


def draw(path: Path, exacts: dict[str, dict[str, dict[float, Any]]], runs: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(16, 5.2), sharey=True)
    colors = plt.get_cmap("viridis")
    panels = (("no baseline", 0, "P(PROMOTE by run n), no baseline"),
              ("vs 0.90 baseline", 0, "P(PROMOTE by run n), vs a 0.90 baseline"),
              ("vs 0.90 baseline", 1, "P(ROLLBACK by run n), vs a 0.90 baseline"))
    xs = list(range(runs + 1))
    for ax, (setting, which, title) in zip(axes, panels, strict=True):
        for i, rate in enumerate(RATES):
            color = colors(i / (len(RATES) - 1))
            for name, style in (("clear-v1", ":"), ("anytime-v1", "-")):
                ax.plot(xs, exacts[name][setting][rate][which], style, color=color, lw=1.6,
                        label=f"{rate:.2f}" if name == "anytime-v1" else None)
        ax.axhline(0.05, color="red", lw=0.8, ls="--")
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("runs (the gate asked after every run)")
        ax.set_xlim(0, runs)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("probability (exact)")
    axes[0].legend(title="true rate", fontsize=8, loc="center right")
    fig.suptitle("releasegate: solid anytime-v1, dotted clear-v1 (floor 0.80, min_n 5, "
                 "drop band 0.10); red dashes: 5%", fontsize=12)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--image", type=Path, default=IMAGE)
    parser.add_argument("--no-image", action="store_true")
    parser.add_argument("--prior", type=int, nargs=2, metavar=("A", "B"),
                        default=(ANYTIME_POLICY.prior_a, ANYTIME_POLICY.prior_b),
                        help="anytime-v1's Beta(A, B) mixing prior, to try another tuning")
    parser.add_argument("--alpha", default=str(ANYTIME_POLICY.alpha))
    args = parser.parse_args(argv)
    POLICIES["anytime-v1"] = ANYTIME_POLICY.with_values(
        prior_a=args.prior[0], prior_b=args.prior[1], alpha=args.alpha)
    if args.runs < max(HORIZONS):
        parser.error(f"--runs must be at least {max(HORIZONS)}")
    started = time.perf_counter()
    settings = {"no baseline": None, "vs 0.90 baseline": BASELINE}
    ths = {(name, s): thresholds(p, b, args.runs)
           for name, p in POLICIES.items() for s, b in settings.items()}
    print(f"thresholds from release_decision: {time.perf_counter() - started:.1f} s")
    exacts: dict[str, dict[str, dict[float, Any]]] = {}
    sims: dict[str, Any] = {}
    for name in POLICIES:
        for setting in settings:
            th = ths[(name, setting)]
            ex = {r: exact(th, r, args.runs) for r in RATES}
            sim = {r: simulate(th, r, args.trials, args.runs, args.seed) for r in RATES}
            exacts.setdefault(name, {})[setting] = ex
            sims.setdefault(name, {})[setting] = sim
            report(f"{name}, {setting} ({args.trials:,} trials, seed {args.seed})", sim)
    th = ths[("clear-v1", "no baseline")]
    print(f"\nclear-v1, no baseline, true 0.70: one look at n=5 promotes "
          f"{100 * one_look(th, 0.70, 5):.1f}%; watched to run 60 "
          f"{100 * exacts['clear-v1']['no baseline'][0.70][0][60]:.1f}% (exact)")
    print("\nanytime-v1 targets (exact / simulated):")
    for what, e, s, ok in targets(exacts, sims):
        print(f"  {'met ' if ok else 'MISS'}  {what}: {100 * e:.2f}% / {100 * s:.2f}%")
    if not args.no_image:
        try:
            draw(args.image, exacts, args.runs)
            print(f"\nimage: {args.image}")
        except ImportError:
            print("\nno image: matplotlib is not installed (pip install matplotlib==3.11.2)")
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
