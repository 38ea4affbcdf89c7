"""Outcome guardrails: deterministic checks whose codes are the gate's hard violations.

Pure: no database, no web framework, no CLI library. Drafts in, `Violation` values out.

    check_draft(body, subject, sender_name=..., policy=...)  -> list[Violation]
    detect_loops(trace, policy=...)                          -> list[Violation]
    verdict_from_checks(violations, run_id=..., ...)         -> schema-v1 verdict row (dict)
"""

from __future__ import annotations

from .draft import DEFAULT_CHECKS, check_draft
from .lexicon import DEFAULT_LEXICON_VERSION, Lexicon, load_lexicon
from .loops import TraceStep, canonical_step, detect_loops
from .policy import DEFAULT_GUARDRAILS, DEFAULT_HARD_CODES, GuardrailPolicy
from .verdict import verdict_from_checks
from .view import DraftCheck, DraftView, view_draft
from .violation import (
    ALL_CODES,
    EMPTY_DRAFT,
    LOOP_DETECTED,
    OVERSIZED_DRAFT,
    SPAM_MARKER,
    TEMPLATE_DEBRIS,
    Violation,
)

__all__ = [
    "ALL_CODES",
    "DEFAULT_CHECKS",
    "DEFAULT_GUARDRAILS",
    "DEFAULT_HARD_CODES",
    "DEFAULT_LEXICON_VERSION",
    "EMPTY_DRAFT",
    "LOOP_DETECTED",
    "OVERSIZED_DRAFT",
    "SPAM_MARKER",
    "TEMPLATE_DEBRIS",
    "DraftCheck",
    "DraftView",
    "GuardrailPolicy",
    "Lexicon",
    "TraceStep",
    "Violation",
    "canonical_step",
    "check_draft",
    "detect_loops",
    "load_lexicon",
    "verdict_from_checks",
    "view_draft",
]
