"""A real uvicorn on a free loopback port, over a real SQLite file, per test that asks."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from releasegate.config import load_settings
from releasegate.service import Access, create_app
from releasegate.store import Store
from releasegate.wiring import Wiring, build

WRITE = "write-token-0123456789"
READ = "read-token-abcdefghij"
DAY_US = 86_400_000_000
START_US = 1_790_000_000_000_000  # 2026-09-21T...: a fixed week of verdicts

REGISTRY = """
[graphs.composer]
active_version = "v1"
candidate_version = "v2"
canary_percent_env = "COMPOSER_CANARY_PERCENT"
"""


@dataclass
class Server:
    url: str
    wiring: Wiring
    client: httpx.Client
    app: Any

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.post(path, **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Run `app` under uvicorn in a thread; yield its base URL; stop it afterwards."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                            lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


ServerFactory = Callable[..., Server]


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """Start servers: `make_server(access=..., environ=..., db=..., max_body=...)`."""
    config = tmp_path / "releasegate.toml"
    config.write_text(REGISTRY, encoding="utf-8")
    with ExitStack() as stack:

        def start(*, access: Access | None = None, environ: Mapping[str, str] | None = None,
                  store: Store | None = None, max_body: int = 1 << 20,
                  headers: Mapping[str, str] | None = None) -> Server:
            settings = load_settings(environ={}, config=str(config),
                                     db=str(tmp_path / "service.db"))
            if store is None:
                store = stack.enter_context(Store.open(settings.db_url))
            wiring = build(settings, store)
            app = create_app(wiring.gate, wiring.rollout, access=access,
                             environ=dict(environ or {}), max_body=max_body)
            url = stack.enter_context(serving(app))
            client = stack.enter_context(httpx.Client(base_url=url, timeout=30,
                                                      headers=dict(headers or {})))
            return Server(url, wiring, client, app)

        yield start


@pytest.fixture
def server(make_server: ServerFactory) -> Server:
    """An open server (no tokens), canary percent 10 for the registry's graph."""
    return make_server(environ={"COMPOSER_CANARY_PERCENT": "10"})


def row(run_id: str, passed: bool | None = True, *, version: str = "v2", day: int = 0,
        **fields: Any) -> dict[str, Any]:
    value: dict[str, Any] = {"run_id": run_id, "target_graph": "composer",
                             "prompt_version": version, "judge_version": "j1", "passed": passed,
                             "latency_ms": 1000 + sum(map(ord, run_id)) % 7 * 100,
                             "created_at": _rfc3339(START_US + day * DAY_US + 3_600_000_000)}
    value.update(fields)
    return value


def _rfc3339(us: int) -> str:
    from releasegate.timestamps import iso

    return iso(us) or ""


def jsonl(rows: Sequence[Mapping[str, Any]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")


def fleet(days: int = 5, per_day: int = 8, *, version: str = "v2", fail_every: int = 8,
          prefix: str = "") -> list[dict[str, Any]]:
    """A few days of verdicts: one failure in every `fail_every` runs."""
    return [row(f"{prefix}{version}-{d}-{i}", passed=(i % fail_every != 0) if i else True,
                version=version, day=d)
            for d in range(days) for i in range(per_day)]
