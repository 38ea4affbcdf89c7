"""Gate policy values: frozen, keyword-only, exact decimals (SPEC §4)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Final

from releasegate.errors import ConfigError

__all__ = [
    "ANYTIME_POLICY",
    "DEFAULT_HARD_CODES",
    "DEFAULT_POLICY",
    "POLICY_SOURCES",
    "GatePolicy",
    "as_decimal",
]

POLICY_SOURCES: Final[dict[str, str]] = {
    "clear-v1": "agent_eval:release_gate:clear-v1-2026-06",
    "anytime-v1": "agent_eval:release_gate:anytime-v1-2026-12",
}
DEFAULT_HARD_CODES: Final = frozenset(
    {"template_debris", "spam_marker", "empty_draft", "oversized_draft", "loop_detected"}
)


def as_decimal(value: object, name: str) -> Decimal:
    """A policy threshold as an exact Decimal; floats go through their shortest repr ("0.8")."""
    if isinstance(value, bool):
        raise ConfigError(f"{name}: must be a number, got a boolean")
    text = repr(value) if isinstance(value, float) else str(value).strip()
    try:
        result = Decimal(text)
    except InvalidOperation:
        raise ConfigError(f"{name}: {value!r} is not a number") from None
    if not result.is_finite():
        raise ConfigError(f"{name}: must be finite, got {value!r}")
    return result


@dataclass(frozen=True, slots=True, kw_only=True)
class GatePolicy:
    """The thresholds a decision is made against; `source` stamps every decision made with it."""

    name: str = "clear-v1"
    source: str = "agent_eval:release_gate:clear-v1-2026-06"
    success_floor: Decimal = Decimal("0.80")
    regression_drop: Decimal = Decimal("0.10")
    min_n: int = 5
    min_level_coverage: Decimal = Decimal("0.95")
    latency_tolerance: Decimal = Decimal("0.20")
    hard_codes: frozenset[str] = field(default=DEFAULT_HARD_CODES)
    # anytime-v1 only (docs/policies.md): the error level and the Beta(a, b) mixing prior
    alpha: Decimal = Decimal("0.05")
    prior_a: int = 364
    prior_b: int = 36

    def __post_init__(self) -> None:
        if self.name not in POLICY_SOURCES:
            raise ConfigError(_unknown(self.name))
        if not Decimal(0) < self.alpha < Decimal(1):
            raise ConfigError(f"alpha: must be strictly between 0 and 1, got {self.alpha}")
        for name in ("prior_a", "prior_b"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10**6:
                raise ConfigError(f"{name}: must be a whole number from 1 to 1000000, "
                                  f"got {value!r}")
        for name in ("success_floor", "regression_drop", "min_level_coverage"):
            value = getattr(self, name)
            if not Decimal(0) <= value <= Decimal(1):
                raise ConfigError(f"{name}: must be between 0 and 1, got {value}")
        if self.latency_tolerance < 0:
            raise ConfigError(f"latency_tolerance: must be ≥ 0, got {self.latency_tolerance}")
        if isinstance(self.min_n, bool) or not isinstance(self.min_n, int) or self.min_n < 1:
            raise ConfigError(f"min_n: must be a whole number ≥ 1, got {self.min_n!r}")

    def exact(self, name: str) -> Fraction:
        """A threshold as an exact fraction: Decimal("0.80") is 4/5, never 0.8000000000000000444."""
        return Fraction(getattr(self, name))

    def with_values(self, **values: Any) -> GatePolicy:
        """A copy with some values replaced, each checked and converted like the defaults."""
        converted: dict[str, Any] = {}
        for name, value in values.items():
            if name in ("success_floor", "regression_drop", "min_level_coverage",
                        "latency_tolerance"):
                converted[name] = as_decimal(value, name)
            elif name in ("min_n", "prior_a", "prior_b"):
                converted[name] = _whole(value, name)
            elif name == "alpha":
                converted[name] = as_decimal(value, name)
            elif name == "hard_codes":
                converted[name] = _codes(value, name)
            else:
                raise ConfigError(f"{name}: not a policy value")
        return replace(self, **converted)

    def named(self, name: str) -> GatePolicy:
        """The same values under another policy (its rules and its `source` stamp)."""
        if name not in POLICY_SOURCES:
            raise ConfigError(_unknown(name))
        return replace(self, name=name, source=POLICY_SOURCES[name])

    def as_evidence(self) -> dict[str, Any]:
        anytime = {"alpha": float(self.alpha), "prior_a": self.prior_a, "prior_b": self.prior_b}
        return {
            **(anytime if self.name == "anytime-v1" else {}),
            "name": self.name,
            "success_floor": float(self.success_floor),
            "regression_drop": float(self.regression_drop),
            "min_n": self.min_n,
            "min_level_coverage": float(self.min_level_coverage),
            "latency_tolerance": float(self.latency_tolerance),
            "hard_codes": sorted(self.hard_codes),
        }


def _unknown(name: object) -> str:
    return f"{name!r} is not a policy (known: {', '.join(POLICY_SOURCES)})"


_CODE = re.compile(r"^[a-z0-9_.:-]{1,64}$")


def _codes(value: object, name: str) -> frozenset[str]:
    """A list of violation codes; a bare string would otherwise become a set of letters."""
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple | set | frozenset):
        raise ConfigError(f"{name}: must be a list of violation codes, e.g. [\"template_debris\"]")
    for code in value:
        if not isinstance(code, str) or not _CODE.match(code):
            raise ConfigError(f"{name}: {code!r} is not a violation code ({_CODE.pattern})")
    return frozenset(value)


def _whole(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise ConfigError(f"{name}: must be a whole number, got a boolean")
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise ConfigError(f"{name}: must be a whole number ≥ 1, got {value!r}")
    return int(text)


DEFAULT_POLICY: Final = GatePolicy()
ANYTIME_POLICY: Final = DEFAULT_POLICY.named("anytime-v1")
