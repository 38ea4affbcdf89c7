"""A draft prepared once for every check: visible text, tag attributes and links per field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .links import Link, find_links
from .policy import GuardrailPolicy
from .violation import Violation
from .visible import Attribute, VisibleText, attributes, visible_text

__all__ = ["FIELDS", "DraftCheck", "DraftView", "view_draft"]

FIELDS = ("subject", "sender_name", "body")


@dataclass(frozen=True, slots=True)
class DraftView:
    """Per field (`subject`, `sender_name`, `body`): the raw value and what derives from it."""

    raw: dict[str, str]
    visible: dict[str, VisibleText]
    attributes: dict[str, list[Attribute]]
    links: dict[str, list[Link]]


DraftCheck = Callable[[DraftView, GuardrailPolicy], list[Violation]]
"""The one signature every draft guardrail has."""


def view_draft(body: str, subject: str = "", sender_name: str = "") -> DraftView:
    raw = {"subject": subject, "sender_name": sender_name, "body": body}
    for name, value in raw.items():
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    visible = {name: visible_text(value) for name, value in raw.items()}
    attrs = {name: attributes(value) for name, value in raw.items()}
    links = {name: find_links(visible[name], attrs[name]) for name in raw}
    return DraftView(raw=raw, visible=visible, attributes=attrs, links=links)
