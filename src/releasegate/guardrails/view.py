"""A draft prepared once for every check: visible text, tag attributes and links per field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .links import Link, find_links
from .policy import GuardrailPolicy
from .trie import lowered
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
    lowered: dict[str, str] = field(default_factory=dict)
    """The visible text lower-cased with its offsets kept (`trie.lowered`), shared by the checks."""


DraftCheck = Callable[[DraftView, GuardrailPolicy], list[Violation]]
"""The one signature every draft guardrail has."""


def view_draft(body: str, subject: str = "", sender_name: str = "") -> DraftView:
    view = DraftView(raw={}, visible={}, attributes={}, links={}, lowered={})
    for name, value in (("subject", subject), ("sender_name", sender_name), ("body", body)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
        visible = visible_text(value)
        low = lowered(visible.text)
        attrs = attributes(value)
        view.raw[name] = value
        view.visible[name] = visible
        view.attributes[name] = attrs
        view.lowered[name] = low
        view.links[name] = find_links(visible, attrs, low)
    return view
