"""Drafts from files, for `releasegate check`: plain text, HTML, .eml, JSONL of drafts, or stdin.

The I/O edge of the guardrails: everything here reads bytes and returns `Draft` values; nothing
here judges a draft. Bad input raises `InputError` naming the file (and the line, for JSONL).
"""

from __future__ import annotations

import email
import email.policy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import BinaryIO

from releasegate.errors import InputError

__all__ = ["DRAFT_KEYS", "Draft", "parse_drafts", "read_drafts"]

DRAFT_KEYS = ("id", "subject", "body", "sender_name")
_JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_EML_SUFFIXES = frozenset({".eml"})
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]", re.M)
_MIME_HEADERS = (b"from:", b"subject:", b"mime-version:", b"content-type:", b"to:")


@dataclass(frozen=True, slots=True)
class Draft:
    """One draft to check; `source` says where it came from (`file` or `file:line`)."""

    source: str
    id: str
    body: str
    subject: str = ""
    sender_name: str = ""


def _text(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: not UTF-8 text (byte {exc.start})") from None


def _jsonl(data: bytes, source: str) -> list[Draft]:
    drafts = []
    for number, line in enumerate(_text(data, source).splitlines(), start=1):
        if line.strip():
            drafts.append(_json_draft(line, f"{source}:{number}"))
    return drafts


def _json_draft(line: str, where: str) -> Draft:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg}, column {exc.colno})") from None
    if not isinstance(row, Mapping):
        raise InputError(f"{where}: expected a JSON object with {', '.join(DRAFT_KEYS)}")
    unknown = sorted(set(row) - set(DRAFT_KEYS))
    if unknown:
        raise InputError(f"{where}: unknown field {unknown[0]!r} (known: {', '.join(DRAFT_KEYS)})")
    if "body" not in row:
        raise InputError(f"{where}: body: missing")
    for key in ("subject", "body", "sender_name"):
        if key in row and not isinstance(row[key], str):
            raise InputError(f"{where}: {key}: expected a string, got {type(row[key]).__name__}")
    draft_id = row.get("id", where)
    if isinstance(draft_id, bool) or not isinstance(draft_id, str | int):
        raise InputError(f"{where}: id: expected a string or an integer")
    return Draft(
        source=where,
        id=str(draft_id),
        body=row["body"],
        subject=row.get("subject", ""),
        sender_name=row.get("sender_name", ""),
    )


def _eml(data: bytes, source: str) -> Draft:
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(message, EmailMessage):  # the default policy always gives one
        raise InputError(f"{source}: not an e-mail message")
    try:
        subject = str(message.get("subject", "") or "")
        sender = message.get("from")
        addresses = getattr(sender, "addresses", ()) if sender is not None else ()
        sender_name = addresses[0].display_name if addresses else ""
        part = message.get_body(preferencelist=("html", "plain"))
        body = part.get_content() if part is not None else ""
    except (LookupError, ValueError, UnicodeError) as exc:
        raise InputError(f"{source}: cannot read the message ({exc})") from None
    if not isinstance(body, str):
        raise InputError(f"{source}: the message body is not text")
    return Draft(source=source, id=source, body=body, subject=subject, sender_name=sender_name)


def _looks_like_eml(data: bytes) -> bool:
    head = data.lstrip()[:4096]
    lower = head.lower()
    return _HEADER_LINE.match(head) is not None and any(h in lower for h in _MIME_HEADERS) and (
        b"\n\n" in head or b"\r\n\r\n" in head
    )


def parse_drafts(data: bytes, source: str, *, suffix: str = "") -> list[Draft]:
    """Drafts in `data`: by `suffix` when it names a format, else by sniffing the content."""
    suffix = suffix.lower()
    if suffix in _JSONL_SUFFIXES or (not suffix and data.lstrip()[:1] == b"{"):
        return _jsonl(data, source)
    sniff = suffix not in (".html", ".htm", ".txt")
    if suffix in _EML_SUFFIXES or (sniff and _looks_like_eml(data)):
        return [_eml(data, source)]
    return [Draft(source=source, id=source, body=_text(data, source))]


def read_drafts(paths: Iterable[str], *, stdin: BinaryIO | None = None) -> list[Draft]:
    """Every draft in `paths`, in order; `-` reads `stdin` (at most once)."""
    drafts: list[Draft] = []
    used_stdin = False
    for name in paths:
        if name == "-":
            if used_stdin or stdin is None:
                raise InputError("stdin (-) can be read only once")
            used_stdin = True
            drafts.extend(parse_drafts(stdin.read(), "<stdin>"))
            continue
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
        drafts.extend(parse_drafts(data, name, suffix=path.suffix))
    return drafts
