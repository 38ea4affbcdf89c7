"""The handed expected cases (shared/cases/drafts_handed.json) through the public API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from releasegate.guardrails import check_draft
from tests.conftest import SHARED

CASES: list[dict[str, Any]] = json.loads((SHARED / "cases" / "drafts_handed.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_handed_case(case: dict[str, Any]) -> None:
    codes = {v.code for v in check_draft(case["body"], case.get("subject", ""))}
    assert set(case["must"]) <= codes
    assert not codes & set(case["must_not"])
