"""Fixtures for the integration tests: the committed tool outputs, a target, a clean CLI env."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasegate.integrations import ImportTarget

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROMPTFOO = FIXTURES / "promptfoo-results.json"
INSPECT_EVAL = FIXTURES / "inspect-log.eval"
INSPECT_JSON = FIXTURES / "inspect-log.json"
LANGSMITH = FIXTURES / "langsmith-runs.jsonl"


@pytest.fixture
def target() -> ImportTarget:
    return ImportTarget(graph="campaign_composer", version="v2", judge="j1")


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No releasegate settings from the outside; the working folder is a temp dir."""
    for name in ("AGENT_EVAL_RELEASE_MIN_N", "AGENT_EVAL_RELEASE_GATE", "RELEASEGATE_DB",
                 "RELEASEGATE_CONFIG", "GITHUB_STEP_SUMMARY", "CAMPAIGN_CANARY_PERCENT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path
