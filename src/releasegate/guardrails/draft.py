"""check_draft: run the chain of draft guardrails over one outbound draft.

A guardrail is a small callable `(DraftView, GuardrailPolicy) -> list[Violation]`; the chain is
a sequence of them (structlog's processor chain is the model), so a caller can add, drop or
reorder checks without touching any of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from .debris import check_template_debris
from .policy import DEFAULT_GUARDRAILS, GuardrailPolicy
from .size import check_empty, check_oversized
from .spam import check_spam
from .view import FIELDS, DraftCheck, view_draft
from .violation import Violation

__all__ = ["DEFAULT_CHECKS", "check_draft"]

DEFAULT_CHECKS: tuple[DraftCheck, ...] = (
    check_template_debris,
    check_spam,
    check_empty,
    check_oversized,
)
_FIELD_ORDER = {name: i for i, name in enumerate(FIELDS)}


def check_draft(
    body: str,
    subject: str = "",
    *,
    sender_name: str = "",
    policy: GuardrailPolicy = DEFAULT_GUARDRAILS,
    checks: Sequence[DraftCheck] = DEFAULT_CHECKS,
) -> list[Violation]:
    """Every violation in the draft, ordered by field, then position, then code.

    `body`, `subject` and `sender_name` may be plain text or HTML. Spans index the values as given.
    """
    view = view_draft(body, subject, sender_name)
    found: set[Violation] = set()
    for check in checks:
        found.update(check(view, policy))
    return sorted(found, key=lambda v: (_FIELD_ORDER.get(v.field, 9), v.span, v.code, v.detail))
