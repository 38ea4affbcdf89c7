"""The public API is what `__all__` says, and every name in it imports."""

from __future__ import annotations

import releasegate


def test_every_name_in_all_exists_once() -> None:
    names = releasegate.__all__
    assert len(names) == len(set(names))
    for name in names:
        assert hasattr(releasegate, name), name


def test_core_entry_points_are_public() -> None:
    for name in ("release_decision", "Decision", "WindowStats", "GatePolicy", "DEFAULT_POLICY",
                 "Verdict", "parse_verdict", "Store", "Gate", "ReleasegateError"):
        assert name in releasegate.__all__


def test_pure_core_imports_no_framework() -> None:
    import subprocess
    import sys

    code = ("import sys, releasegate.decision, releasegate.window, releasegate.policy; "
            "bad = [m for m in ('sqlalchemy', 'pydantic', 'typer', 'rich', 'fastapi') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
