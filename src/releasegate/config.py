"""Settings from the environment and `releasegate.toml`, read at the edges only (CLI, service).

Precedence, strongest first: command-line flags, environment variables, the TOML file, defaults.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from releasegate.errors import ConfigError
from releasegate.guardrails import GuardrailPolicy
from releasegate.integrations.webhooks import WebhookConfig, parse_webhooks
from releasegate.policy import DEFAULT_POLICY, GatePolicy
from releasegate.store.database import DEFAULT_URL

__all__ = ["CONFIG_FILE", "GATE_MODES", "Settings", "guardrail_policy", "load_settings"]

CONFIG_FILE: Final = "releasegate.toml"
GATE_MODES: Final = ("advisory", "enforce")
_POLICY_KEYS: Final = frozenset(
    {"name", "success_floor", "regression_drop", "min_n", "min_level_coverage",
     "latency_tolerance", "hard_codes", "extra_hard_codes", "alpha", "prior_a", "prior_b"}
)
_GRAPH_KEYS: Final = frozenset(
    {"active_version", "candidate_version", "canary_percent_env", "salt", "sticky"}
)
_SECTIONS: Final = frozenset({"policy", "graphs", "guardrails", "database", "webhooks"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    db_url: str = DEFAULT_URL
    policy: GatePolicy = DEFAULT_POLICY
    mode: str = "advisory"
    controls: Mapping[str, str] = field(default_factory=dict)
    graphs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    guardrails: Mapping[str, Any] = field(default_factory=dict)
    webhooks: WebhookConfig | None = None
    config_path: Path | None = None
    warnings: tuple[str, ...] = ()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text (TOML files are UTF-8)") from None
    unknown = sorted(set(data) - _SECTIONS)
    if unknown:
        raise ConfigError(f"{path}: unknown section {unknown[0]!r} (known: {sorted(_SECTIONS)})")
    return data


def _policy(section: Any, where: str) -> GatePolicy:
    if not isinstance(section, Mapping):
        raise ConfigError(f"{where}[policy]: must be a table")
    unknown = sorted(set(section) - _POLICY_KEYS)
    if unknown:
        raise ConfigError(f"{where}[policy]: unknown key {unknown[0]!r}")
    values = {k: section[k] for k in section if k not in ("extra_hard_codes", "name")}
    try:
        name = section.get("name", DEFAULT_POLICY.name)
        if not isinstance(name, str):
            raise ConfigError(f"name: must be a string, got {name!r}")
        policy = DEFAULT_POLICY.named(name).with_values(**values)
        if "extra_hard_codes" in section:
            extra = policy.with_values(hard_codes=section["extra_hard_codes"]).hard_codes
            policy = policy.with_values(hard_codes=policy.hard_codes | extra)
    except ConfigError as exc:
        raise ConfigError(f"{where}[policy]: {exc}") from None
    return policy


def _graphs(section: Any, where: str) -> dict[str, Mapping[str, Any]]:
    if not isinstance(section, Mapping):
        raise ConfigError(f"{where}[graphs]: must be a table of [graphs.NAME] tables")
    graphs: dict[str, Mapping[str, Any]] = {}
    for name, spec in section.items():
        if not isinstance(spec, Mapping):
            raise ConfigError(f"{where}[graphs.{name}]: must be a table")
        unknown = sorted(set(spec) - _GRAPH_KEYS)
        if unknown:
            raise ConfigError(f"{where}[graphs.{name}]: unknown key {unknown[0]!r}")
        if not isinstance(spec.get("active_version"), str):
            raise ConfigError(f"{where}[graphs.{name}]: active_version (a string) is required")
        graphs[name] = dict(spec)
    return graphs


def _guardrails(section: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(section, Mapping):
        raise ConfigError(f"{where}[guardrails]: must be a table")
    for key in ("hard", "hard_codes"):
        if key in section:
            raise ConfigError(
                f"{where}[guardrails]: {key!r} is not set here: the hard set lives in [policy] "
                "(hard_codes, extra_hard_codes), shared by the gate and the checks")
    return dict(section)


def guardrail_policy(settings: Settings) -> GuardrailPolicy:
    """The draft checks' policy: the [guardrails] section, with the gate's hard set."""
    policy = GuardrailPolicy.from_mapping(settings.guardrails)
    return replace(policy, hard_codes=settings.policy.hard_codes)


def _database_url(section: Any, where: str) -> str | None:
    if not isinstance(section, Mapping) or set(section) - {"url"}:
        raise ConfigError(f"{where}[database]: a table with one key, url")
    url = section.get("url")
    if url is not None and not (isinstance(url, str) and url.strip()):
        raise ConfigError(f"{where}[database]: url must be a non-empty string")
    return url


def _config_path(environ: Mapping[str, str], explicit: str | None) -> Path | None:
    if explicit:
        return Path(explicit)
    if environ.get("RELEASEGATE_CONFIG"):
        return Path(environ["RELEASEGATE_CONFIG"])
    default = Path(CONFIG_FILE)
    return default if default.is_file() else None


def load_settings(environ: Mapping[str, str] | None = None, *, db: str | None = None,
                  config: str | None = None) -> Settings:
    """Read the settings; raises ConfigError naming the bad variable, file, section or key."""
    env = os.environ if environ is None else environ
    path = _config_path(env, config)
    data = _read_toml(path) if path is not None else {}
    where = str(path) if path else ""
    policy = _policy(data.get("policy", {}), where)
    if env.get("AGENT_EVAL_RELEASE_MIN_N", "").strip():
        try:
            policy = policy.with_values(min_n=env["AGENT_EVAL_RELEASE_MIN_N"])
        except ConfigError as exc:
            raise ConfigError(f"AGENT_EVAL_RELEASE_MIN_N: {exc}") from None
    if env.get("AGENT_EVAL_RELEASE_POLICY", "").strip():
        try:
            policy = policy.named(env["AGENT_EVAL_RELEASE_POLICY"].strip())
        except ConfigError as exc:
            raise ConfigError(f"AGENT_EVAL_RELEASE_POLICY: {exc}") from None
    warnings: list[str] = []
    raw_mode = env.get("AGENT_EVAL_RELEASE_GATE", "").strip()
    mode = raw_mode.lower() or "advisory"
    if mode not in GATE_MODES:
        warnings.append(
            f"AGENT_EVAL_RELEASE_GATE={raw_mode!r} is not 'advisory' or 'enforce': "
            "running advisory"
        )
        mode = "advisory"
    graphs = _graphs(data.get("graphs", {}), where)
    db_url = db or env.get("RELEASEGATE_DB") or _database_url(data.get("database", {}), where) \
        or DEFAULT_URL
    return Settings(
        db_url=db_url, policy=policy, mode=mode,
        controls={name: spec["active_version"] for name, spec in graphs.items()},
        graphs=graphs, guardrails=_guardrails(data.get("guardrails", {}), where),
        webhooks=parse_webhooks(data.get("webhooks"), where, env),
        config_path=path,
        warnings=tuple(warnings),
    )
