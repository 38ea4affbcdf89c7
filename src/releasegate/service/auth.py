"""Bearer tokens: one for writes (RELEASEGATE_TOKEN), an optional read-only one for GETs.

The write token also reads. The dashboard may log in with either token; its cookie only ever
grants reads, so a cross-site form can never write. Comparisons are constant-time.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Final, Literal

from fastapi import HTTPException, Request

__all__ = ["COOKIE", "Access", "Level"]

COOKIE: Final = "releasegate_token"
Level = Literal["write", "read"]
_CHALLENGE: Final = {"WWW-Authenticate": 'Bearer realm="releasegate"'}


def _same(presented: str, expected: str | None) -> bool:
    if not expected:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def _session(token: str) -> str:
    """The dashboard cookie for a token: derived from it, never the token itself, and good for
    reads only — whoever reads the cookie gains no bearer token."""
    return hmac.new(token.encode("utf-8"), b"releasegate read session v1", "sha256").hexdigest()


def _clean(token: str | None, name: str) -> str | None:
    if token is None or token == "":
        return None
    if not token.strip():
        raise ValueError(f"{name} is blank: set a real token or unset it")
    return token


@dataclass(frozen=True, slots=True)
class Access:
    """Who may do what. Without any token every request may read and write (loopback only)."""

    write_token: str | None = None
    read_token: str | None = None

    def __post_init__(self) -> None:
        _clean(self.write_token, "RELEASEGATE_TOKEN")
        _clean(self.read_token, "RELEASEGATE_READ_TOKEN")

    def session_for(self, token: str) -> str | None:
        """The read-only cookie value for a valid token; None for an invalid one."""
        return _session(token) if self.level_of(token) is not None else None

    def _valid_session(self, cookie: str) -> bool:
        return any(_same(cookie, _session(token))
                   for token in (self.write_token, self.read_token) if token)

    @property
    def enabled(self) -> bool:
        return bool(self.write_token or self.read_token)

    def level_of(self, token: str) -> Level | None:
        if _same(token, self.write_token):
            return "write"
        if _same(token, self.read_token):
            return "read"
        return None

    def can_read(self, request: Request) -> bool:
        if not self.enabled:
            return True
        token = _bearer(request)
        if token is not None:
            return self.level_of(token) is not None
        cookie = request.cookies.get(COOKIE)
        return cookie is not None and self._valid_session(cookie)

    def require_read(self, request: Request) -> None:
        """FastAPI dependency for GETs: a valid token of either kind."""
        if self.can_read(request):
            return
        token = _bearer(request)
        raise HTTPException(401, "missing bearer token" if token is None else "invalid token",
                            headers=_CHALLENGE)

    def require_write(self, request: Request) -> None:
        """FastAPI dependency for writes: the write token, in the Authorization header only."""
        if not self.enabled:
            return
        token = _bearer(request)
        if token is None:
            raise HTTPException(401, "missing bearer token", headers=_CHALLENGE)
        level = self.level_of(token)
        if level is None:
            raise HTTPException(401, "invalid token", headers=_CHALLENGE)
        if level != "write" or not self.write_token:
            raise HTTPException(403, "this token is read-only; writes need RELEASEGATE_TOKEN")
