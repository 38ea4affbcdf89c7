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


PURE = ["decision.py", "window.py", "policy.py", "timestamps.py", "errors.py"]
FRAMEWORKS = ("sqlalchemy", "pydantic", "typer", "rich", "fastapi", "alembic", "psycopg")


def test_pure_core_imports_no_framework() -> None:
    import ast
    from pathlib import Path

    package = Path(releasegate.__file__).parent
    files = [package / name for name in PURE]
    files += [p for sub in ("guardrails", "canary") for p in (package / sub).glob("bucketing.py")]
    files += list((package / "guardrails").glob("*.py"))
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(FRAMEWORKS), f"{path.name} imports {name}"
