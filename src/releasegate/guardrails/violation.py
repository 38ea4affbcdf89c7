"""The value every guardrail returns: a code, where it is, and what kind of token it is."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ALL_CODES",
    "EMPTY_DRAFT",
    "LOOP_DETECTED",
    "OVERSIZED_DRAFT",
    "SPAM_MARKER",
    "TEMPLATE_DEBRIS",
    "Violation",
]

TEMPLATE_DEBRIS = "template_debris"
SPAM_MARKER = "spam_marker"
EMPTY_DRAFT = "empty_draft"
OVERSIZED_DRAFT = "oversized_draft"
LOOP_DETECTED = "loop_detected"

ALL_CODES: frozenset[str] = frozenset(
    {TEMPLATE_DEBRIS, SPAM_MARKER, EMPTY_DRAFT, OVERSIZED_DRAFT, LOOP_DETECTED}
)


@dataclass(frozen=True, slots=True, order=True)
class Violation:
    """One finding.

    `field` is `body`, `subject` or `sender_name` for a draft, `trace` for a run trace.
    `span` is a half-open `(start, end)` range of character offsets into the field value exactly
    as it was given (for HTML: into the HTML source, tags and entities included); for a trace it is
    a range of step indexes. `detail` names the kind of token, never the text that was found.
    """

    field: str
    span: tuple[int, int]
    code: str
    detail: str

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready mapping; positions and kinds only."""
        return {
            "code": self.code,
            "field": self.field,
            "span": [self.span[0], self.span[1]],
            "detail": self.detail,
        }
