"""Run every benchmark, one after another: `make bench` or `python bench/run.py`.

Each script prints its own figures as ratios against a baseline measured in the same run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["ingest.py", "decide.py", "guardrails.py", "canary.py", "service.py",
           "decision_quality.py", "databases.py"]


def main() -> int:
    failed = 0
    for name in SCRIPTS:
        if not (HERE / name).exists():
            continue
        print(f"\n### {name}", flush=True)
        failed |= subprocess.run([sys.executable, str(HERE / name)], cwd=HERE).returncode
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
