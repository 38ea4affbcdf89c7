"""Webhooks: a signed JSON POST on each decision and each rollout change, retried with backoff.

A delivery never breaks what triggered it: every failure is logged on `releasegate.webhooks`
and returned as data, never raised. Connection errors, timeouts, 429 and 5xx are retried with
exponential backoff (`backoff_s` × 2^(attempt−1), capped at `backoff_max_s`) up to
`max_attempts`; any other 4xx is final.

The body is canonical JSON (keys sorted): `{"event", "delivery", "data"}`, where `data` is the
persisted decision (`DecisionRecord.as_dict()`: scores and codes only) or the rollout event.
Headers: `X-Releasegate-Event`, `X-Releasegate-Delivery` (the same on every retry, for
de-duplication) and `X-Releasegate-Signature: t=<unix seconds>,v1=<hex>` where `v1` is
HMAC-SHA256(secret, "<t>." + body); `verify_signature` checks it, timestamp tolerance included.

Configured from `[webhooks]` in releasegate.toml; the secret comes from the environment variable
named by `secret_env` (default `RELEASEGATE_WEBHOOK_SECRET`), never from the file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final

from releasegate.errors import ConfigError

if TYPE_CHECKING:
    import httpx

    from releasegate.canary.state import RolloutEvent
    from releasegate.store import DecisionRecord

__all__ = ["DEFAULT_SECRET_ENV", "EVENTS", "SIGNATURE_HEADER", "Delivery", "WebhookConfig",
           "WebhookSender", "parse_webhooks", "sign", "verify_signature"]

logger = logging.getLogger("releasegate.webhooks")

EVENTS: Final = ("decision", "rollout")
SIGNATURE_HEADER: Final = "X-Releasegate-Signature"
DEFAULT_SECRET_ENV: Final = "RELEASEGATE_WEBHOOK_SECRET"
_KEYS: Final = frozenset({"urls", "secret_env", "events", "timeout_s", "max_attempts",
                          "backoff_s", "backoff_max_s"})


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookConfig:
    """Where to send, with which secret, which events, and how hard to try."""

    urls: tuple[str, ...]
    secret: str = field(repr=False)
    events: frozenset[str] = frozenset(EVENTS)
    timeout_s: float = 5.0
    max_attempts: int = 4
    backoff_s: float = 0.5
    backoff_max_s: float = 8.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt `attempt` (1-based)."""
        return float(min(self.backoff_max_s, self.backoff_s * 2 ** (attempt - 1)))


@dataclass(frozen=True, slots=True)
class Delivery:
    """What happened to one webhook: delivered or not, after how many attempts."""

    url: str
    event: str
    delivered: bool
    attempts: int
    status: int | None = None
    error: str | None = None


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value: `t=<timestamp>,v1=<hex HMAC-SHA256 of "t." + body>`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(secret: str, header: str, body: bytes, *, tolerance_s: int = 300,
                     now: float | None = None) -> bool:
    """For receivers: the header matches the body and its timestamp is within the tolerance."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    moment = time.time() if now is None else now
    if abs(moment - timestamp) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def _body(event: str, data: Mapping[str, Any]) -> tuple[str, bytes]:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False)
    delivery = hashlib.sha256(f"{event}\n{canonical}".encode()).hexdigest()[:32]
    body = json.dumps({"event": event, "delivery": delivery, "data": data}, sort_keys=True,
                      ensure_ascii=False, allow_nan=False)
    return delivery, body.encode("utf-8")


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


class WebhookSender:
    """Posts events to the configured URLs. `on_decision` is a Gate action; `on_rollout` is the
    rollout controller's change hook. `transport` and `sleep` are injectable for tests."""

    def __init__(self, config: WebhookConfig, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.transport = transport
        self.sleep = sleep
        self.clock = clock

    def send(self, event: str, data: Mapping[str, Any]) -> list[Delivery]:
        """Deliver `data` as `event` to every URL; never raises."""
        if event not in self.config.events:
            return []
        try:
            import httpx
        except ImportError:  # pragma: no cover - httpx is a base dependency
            logger.error("webhooks need httpx: pip install httpx")
            return []
        try:
            delivery, body = _body(event, data)
            with httpx.Client(timeout=self.config.timeout_s, transport=self.transport) as client:
                return [self._deliver(client, url, event, delivery, body)
                        for url in self.config.urls]
        except Exception as exc:  # a notification must never break a decision or a rollout
            logger.error("webhook %s: not sent: %s: %s", event, type(exc).__name__, exc)
            return []

    def _deliver(self, client: httpx.Client, url: str, event: str, delivery: str,
                 body: bytes) -> Delivery:
        import httpx

        status: int | None = None
        error = ""
        for attempt in range(1, self.config.max_attempts + 1):
            headers = {"Content-Type": "application/json", "User-Agent": "releasegate-webhooks",
                       "X-Releasegate-Event": event, "X-Releasegate-Delivery": delivery,
                       SIGNATURE_HEADER: sign(self.config.secret, int(self.clock()), body)}
            try:
                status = client.post(url, content=body, headers=headers).status_code
            except httpx.HTTPError as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"
            else:
                if status < 300:
                    return Delivery(url, event, True, attempt, status)
                error = f"HTTP {status}"
                if not _retryable(status):
                    break
            if attempt < self.config.max_attempts:
                self.sleep(self.config.delay(attempt))
        logger.error("webhook %s to %s: gave up after %d attempt(s): %s", event, url,
                     attempt, error)
        return Delivery(url, event, False, attempt, status, error)

    def on_decision(self, record: DecisionRecord) -> None:
        self.send("decision", record.as_dict())

    def on_rollout(self, event: RolloutEvent) -> None:
        self.send("rollout", asdict(event))


def _number(section: Mapping[str, Any], key: str, default: float, where: str, *,
            minimum: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= minimum:
        raise ConfigError(f"{where}[webhooks]: {key} must be a number ≥ {minimum}")
    return float(value)


def _strings(section: Mapping[str, Any], key: str, default: Sequence[str],
             where: str) -> tuple[str, ...]:
    value = section.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}[webhooks]: {key} must be a list of strings")
    return tuple(value)


def parse_webhooks(section: Any, where: str, environ: Mapping[str, str]) -> WebhookConfig | None:
    """The `[webhooks]` table as a WebhookConfig; None when absent or without URLs."""
    if section is None:
        return None
    if not isinstance(section, Mapping):
        raise ConfigError(f"{where}[webhooks]: must be a table")
    if "secret" in section:
        raise ConfigError(f"{where}[webhooks]: keep the secret out of the file: put it in the "
                          f"environment variable named by secret_env ({DEFAULT_SECRET_ENV})")
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}[webhooks]: unknown key {unknown[0]!r}")
    urls = _strings(section, "urls", (), where)
    bad = [u for u in urls if not u.startswith(("https://", "http://"))]
    if bad:
        raise ConfigError(f"{where}[webhooks]: url {bad[0]!r} is not http(s)")
    events = _strings(section, "events", EVENTS, where)
    if set(events) - set(EVENTS):
        raise ConfigError(f"{where}[webhooks]: events must be among {', '.join(EVENTS)}")
    if not urls:
        return None
    secret_env = section.get("secret_env", DEFAULT_SECRET_ENV)
    secret = environ.get(secret_env, "") if isinstance(secret_env, str) else ""
    if not secret:
        raise ConfigError(f"{where}[webhooks]: the signing secret is missing: set the "
                          f"environment variable {secret_env}")
    attempts = _number(section, "max_attempts", 4, where, minimum=1)
    if attempts != int(attempts):
        raise ConfigError(f"{where}[webhooks]: max_attempts must be a whole number")
    return WebhookConfig(
        urls=urls, secret=secret, events=frozenset(events),
        timeout_s=_number(section, "timeout_s", 5.0, where, minimum=0.001),
        max_attempts=int(attempts),
        backoff_s=_number(section, "backoff_s", 0.5, where, minimum=0),
        backoff_max_s=_number(section, "backoff_max_s", 8.0, where, minimum=0),
    )
