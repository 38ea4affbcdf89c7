"""Regenerate tests/vectors/bucketing.json: `python tests/vectors/generate_bucketing.py`.

Each case: salt, thread_id, percent (the raw env string), the expected bucket and cohort. Written
from an independent, inline implementation of SPEC §5 (not from releasegate), so the published file
checks the package rather than echoing it.
"""

from __future__ import annotations

import json
import re
from hashlib import sha256
from pathlib import Path

OUT = Path(__file__).with_name("bucketing.json")
VALID = re.compile(r"(?:[0-9]+(?:\.[0-9]{0,2})?|\.[0-9]{1,2})", re.ASCII)


def spec_bucket(salt: str, thread_id: str) -> int:
    digest = sha256((salt + ":" + thread_id).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 10000


def spec_cohort(bucket: int, percent: str) -> str:
    text = percent.strip()
    if not text:
        return "control"
    if not VALID.fullmatch(text) or float(text) > 100:
        return "control"
    whole, _, frac = text.partition(".")
    points = int(whole or "0") * 100 + int(frac.ljust(2, "0"))
    return "candidate" if bucket < points else "control"


def first_with(salt: str, wanted: int) -> str:
    n = 0
    while spec_bucket(salt, f"thread-{n}") != wanted:
        n += 1
    return f"thread-{n}"


def cases() -> list[dict[str, object]]:
    salt = "campaign_composer"
    rows: list[tuple[str, str, str]] = []
    low, high = first_with(salt, 0), first_with(salt, 9999)
    for percent in ("0", "0.01", "99.99", "100"):
        rows += [(salt, low, percent), (salt, high, percent)]
    ids = ["thread-1", "thread-42", "t", "Thread-1", "thread-1 ", " thread-1", "ünïcödé-thread",
           "线程-七", "emoji-🚀-thread", "a:b:c", "x" * 300, "0", "\t"]
    percents = ["0", "0.01", "1", "10", "12.5", "25", "33.33", "50", "50.00", "75", "99.99",
                "100", " 50 ", "\t10\n", ".5", "5.", "abc", "150", "-5", "100.01", "12.345",
                "1e2", "50%", "+5", "nan", "inf", "", "   ", "0x10", "٥٠"]
    for index, thread_id in enumerate(ids):
        for salt_used in (salt, "lead_qualifier", "s"):
            rows.append((salt_used, thread_id, percents[index % len(percents)]))
            rows.append((salt_used, thread_id, percents[(index * 7 + 3) % len(percents)]))
    for n, percent in enumerate(percents):
        rows.append((salt, f"thread-{1000 + n}", percent))
        rows.append((salt, f"thread-{2000 + n}", percent))
    return [{"salt": s, "thread_id": t, "percent": p, "bucket": spec_bucket(s, t),
             "cohort": spec_cohort(spec_bucket(s, t), p)} for s, t, p in rows]


def main() -> None:
    OUT.write_text(json.dumps(cases(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
