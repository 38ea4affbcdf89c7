"""The version registry: which version of each graph is control and which is candidate.

Specs come from the `[graphs.NAME]` tables of `releasegate.toml` or are built in Python; either way
one `Registry` answers for every graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from releasegate.canary.percent import DEFAULT_PERCENT_ENV
from releasegate.canary.state import SpecMemory
from releasegate.errors import ConfigError, InputError

__all__ = ["DEFAULT_PERCENT_ENV", "GraphSpec", "Registry", "load_registry", "registry_from_tables"]

_NAME: Final = re.compile(r"[A-Za-z0-9_.:/-]{1,128}", re.ASCII)
_ENV_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)


def _check_name(what: str, value: object) -> None:
    if not isinstance(value, str) or _NAME.fullmatch(value) is None:
        raise ConfigError(f"{what}: {value!r} must be 1-128 characters of [A-Za-z0-9_.:/-]")


@dataclass(frozen=True, slots=True)
class GraphSpec:
    """A graph, its control (active) version and an optional candidate behind a canary percent.

    `salt` defaults to the graph's name; `sticky` keeps each thread's first assignment.
    """

    name: str
    active_version: str
    candidate_version: str | None = None
    canary_percent_env: str = DEFAULT_PERCENT_ENV
    salt: str | None = None
    sticky: bool = False
    # Per-spec memory (last percent seen, in-process sticky cohorts); not configuration.
    memory: SpecMemory = field(default_factory=SpecMemory, init=False, repr=False,
                               compare=False, hash=False)

    def __post_init__(self) -> None:
        _check_name("graph name", self.name)
        _check_name(f"{self.name}: active_version", self.active_version)
        if self.candidate_version is not None:
            _check_name(f"{self.name}: candidate_version", self.candidate_version)
            if self.candidate_version == self.active_version:
                raise ConfigError(f"{self.name}: candidate_version equals active_version "
                                  f"{self.active_version!r}")
        if not isinstance(self.canary_percent_env, str) or not _ENV_NAME.fullmatch(
                self.canary_percent_env):
            raise ConfigError(f"{self.name}: canary_percent_env {self.canary_percent_env!r} "
                              "is not an environment variable name")
        if self.salt is not None and (not isinstance(self.salt, str) or not self.salt):
            raise ConfigError(f"{self.name}: salt must be a non-empty string (default: the name)")
        if not isinstance(self.sticky, bool):
            raise ConfigError(f"{self.name}: sticky must be true or false")
        self.memory.prefix = self.bucket_salt + ":"

    @property
    def bucket_salt(self) -> str:
        return self.name if self.salt is None else self.salt


class Registry(Mapping[str, GraphSpec]):
    """Graph specs by name: the one place that says which version is control and candidate."""

    def __init__(self, specs: Iterable[GraphSpec] = ()) -> None:
        self._specs: dict[str, GraphSpec] = {}
        for spec in specs:
            if spec.name in self._specs:
                raise ConfigError(f"graph {spec.name!r} is declared twice")
            self._specs[spec.name] = spec

    def __getitem__(self, name: str) -> GraphSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._specs))

    def __len__(self) -> int:
        return len(self._specs)

    def spec(self, name: str) -> GraphSpec:
        """The spec of `name`, or InputError naming the graphs that are registered."""
        try:
            return self._specs[name]
        except KeyError:
            known = ", ".join(sorted(self._specs)) or "none: add a [graphs.NAME] table"
            raise InputError(f"graph {name!r} is not in the registry (registered: {known})"
                             ) from None


_SPEC_KEYS: Final = ("active_version", "candidate_version", "canary_percent_env", "salt", "sticky")


def _spec_from_table(name: str, table: Mapping[str, Any], where: str) -> GraphSpec:
    unknown = sorted(set(table) - set(_SPEC_KEYS))
    if unknown:
        raise ConfigError(f"{where}[graphs.{name}]: unknown key {unknown[0]!r}")
    try:
        return GraphSpec(name, **{key: table[key] for key in _SPEC_KEYS if key in table})
    except ConfigError as exc:
        raise ConfigError(f"{where}[graphs.{name}]: {exc}") from None


def registry_from_tables(tables: Mapping[str, Mapping[str, Any]], where: str = "") -> Registry:
    """A Registry from `[graphs.NAME]` tables (as `Settings.graphs` holds them)."""
    return Registry(_spec_from_table(name, table, where) for name, table in tables.items())


def load_registry(path: str | Path) -> Registry:
    """Read the `[graphs]` tables of one `releasegate.toml`."""
    from releasegate.config import load_settings  # config pulls in the store; keep it at the edge

    settings = load_settings(environ={}, config=str(path))
    return registry_from_tables(settings.graphs, str(path))
