"""Webhooks against a real local HTTP receiver: signatures verify, 500s are retried with backoff,
a dead endpoint is given up on with a logged error, and the decision is never broken."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from releasegate.canary.registry import GraphSpec, Registry
from releasegate.canary.rollout import RolloutController
from releasegate.config import load_settings
from releasegate.errors import ConfigError
from releasegate.gate import Gate
from releasegate.ingestion import ingest_sources
from releasegate.integrations import ImportTarget, import_promptfoo
from releasegate.integrations.webhooks import (
    SIGNATURE_HEADER,
    WebhookConfig,
    WebhookSender,
    sign,
    verify_signature,
)
from releasegate.store import Store
from tests.integrations.conftest import PROMPTFOO

SECRET = "s3cret-for-tests"


class Receiver:
    """A real HTTP server on 127.0.0.1: answers with the scripted statuses, records requests."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver([])
    yield started
    started.close()


def _sender(*urls: str, attempts: int = 4, sleeps: list[float] | None = None,
            **config: Any) -> WebhookSender:
    waits = sleeps if sleeps is not None else []
    return WebhookSender(WebhookConfig(urls=urls, secret=SECRET, max_attempts=attempts,
                                       timeout_s=2, **config), sleep=waits.append)


def test_signature_verifies_and_the_body_is_canonical(receiver: Receiver) -> None:
    [delivery] = _sender(receiver.url).send("decision", {"decision": "HOLD", "n": 3})
    assert delivery.delivered and delivery.attempts == 1 and delivery.status == 200
    [(headers, body)] = receiver.requests
    assert verify_signature(SECRET, headers[SIGNATURE_HEADER], body)
    assert not verify_signature("wrong", headers[SIGNATURE_HEADER], body)
    assert not verify_signature(SECRET, headers[SIGNATURE_HEADER], body + b" ")
    payload = json.loads(body)
    assert payload["event"] == "decision" and payload["data"] == {"decision": "HOLD", "n": 3}
    assert headers["X-Releasegate-Event"] == "decision"
    assert headers["X-Releasegate-Delivery"] == payload["delivery"]
    assert headers["Content-Type"] == "application/json"


def test_signature_timestamp_tolerance() -> None:
    header = sign(SECRET, 1_000_000, b"{}")
    assert verify_signature(SECRET, header, b"{}", now=1_000_200)
    assert not verify_signature(SECRET, header, b"{}", now=1_000_301)
    assert not verify_signature(SECRET, "garbage", b"{}")


def test_retries_on_500_with_backoff_then_succeeds(receiver: Receiver) -> None:
    receiver.statuses[:] = [500, 503]
    sleeps: list[float] = []
    [delivery] = _sender(receiver.url, sleeps=sleeps, backoff_s=0.25).send("rollout", {"x": 1})
    assert delivery.delivered and delivery.attempts == 3
    assert sleeps == [0.25, 0.5]  # exponential
    ids = {headers["X-Releasegate-Delivery"] for headers, _ in receiver.requests}
    assert len(receiver.requests) == 3 and len(ids) == 1  # the same delivery id on each retry
    for headers, body in receiver.requests:
        assert verify_signature(SECRET, headers[SIGNATURE_HEADER], body)


def test_gives_up_after_max_attempts_with_a_logged_error(
        receiver: Receiver, caplog: pytest.LogCaptureFixture) -> None:
    receiver.statuses[:] = [500] * 10
    sleeps: list[float] = []
    with caplog.at_level(logging.ERROR, logger="releasegate.webhooks"):
        [delivery] = _sender(receiver.url, attempts=5, sleeps=sleeps, backoff_s=1,
                             backoff_max_s=3).send("decision", {})
    assert not delivery.delivered and delivery.attempts == 5 and delivery.error == "HTTP 500"
    assert sleeps == [1, 2, 3, 3]  # capped
    assert len(receiver.requests) == 5
    assert "gave up after 5 attempt(s): HTTP 500" in caplog.text


def test_a_client_error_is_not_retried(receiver: Receiver) -> None:
    receiver.statuses[:] = [410]
    [delivery] = _sender(receiver.url).send("decision", {})
    assert not delivery.delivered and delivery.attempts == 1 and delivery.status == 410


def test_connection_refused_is_retried_then_given_up(receiver: Receiver) -> None:
    dead = receiver.url
    receiver.close()  # nothing listens there any more
    sleeps: list[float] = []
    [delivery] = _sender(dead, attempts=3, sleeps=sleeps).send("decision", {})
    assert not delivery.delivered and delivery.attempts == 3 and len(sleeps) == 2
    assert delivery.error is not None and "ConnectError" in delivery.error


def test_events_not_subscribed_are_not_sent(receiver: Receiver) -> None:
    sender = _sender(receiver.url, events=frozenset({"rollout"}))
    assert sender.send("decision", {}) == []
    assert receiver.requests == []


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(str(tmp_path / "hooks.db")) as opened:
        target = ImportTarget(graph="campaign_composer", version="v2")
        ingest_sources(opened, [import_promptfoo(PROMPTFOO, target).as_source()], now_us=0)
        yield opened


def test_gate_action_posts_the_persisted_decision_and_rollout_change(
        receiver: Receiver, store: Store) -> None:
    hooks = _sender(receiver.url)
    registry = Registry([GraphSpec("campaign_composer", "v1", "v2")])
    rollout = RolloutController(store, registry, mode="enforce", on_change=hooks.on_rollout)
    gate = Gate(store, mode="enforce", actions=[rollout.on_decision, hooks.on_decision])
    record = gate.decide("campaign_composer", "v2")
    assert record.decision.decision == "ROLLBACK"
    events = [json.loads(body) for _, body in receiver.requests]
    assert [e["event"] for e in events] == ["rollout", "decision"]
    assert events[0]["data"]["action"] == "halt" and events[0]["data"]["decision_id"] == record.id
    assert events[1]["data"]["id"] == record.id
    assert events[1]["data"]["decision"] == "ROLLBACK"
    assert events[1]["data"]["evidence"]["n"] == 8
    rollout.set_percent("campaign_composer", 5, reason="resume at 5%", actor="test")
    assert json.loads(receiver.requests[-1][1])["data"]["action"] == "resume"


def test_a_failing_webhook_never_breaks_the_decision(
        receiver: Receiver, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    receiver.statuses[:] = [500] * 10
    hooks = _sender(receiver.url, attempts=2)
    gate = Gate(store, actions=[hooks.on_decision])
    with caplog.at_level(logging.ERROR, logger="releasegate.webhooks"):
        record = gate.decide("campaign_composer", "v2")
    assert record.decision.decision == "ROLLBACK"
    assert store.history("campaign_composer", "v2")[-1].id == record.id
    assert "gave up" in caplog.text


def test_webhooks_section_of_releasegate_toml(tmp_path: Path) -> None:
    path = tmp_path / "releasegate.toml"
    path.write_text('[webhooks]\nurls = ["https://hooks.example.com/rg"]\nmax_attempts = 3\n'
                    'events = ["decision"]\n')
    settings = load_settings({"RELEASEGATE_WEBHOOK_SECRET": "abc"}, config=str(path))
    hooks = settings.webhooks
    assert hooks is not None and hooks.urls == ("https://hooks.example.com/rg",)
    assert hooks.max_attempts == 3 and hooks.events == frozenset({"decision"})
    assert "abc" not in repr(hooks)
    with pytest.raises(ConfigError, match="RELEASEGATE_WEBHOOK_SECRET"):
        load_settings({}, config=str(path))
    for bad, message in [('secret = "x"', "out of the file"), ("retries = 2", "unknown key"),
                         ('urls = ["ftp://x"]', "not http"), ("timeout_s = -1", "timeout_s")]:
        path.write_text(f'[webhooks]\nurls = ["https://h.example/x"]\n{bad}\n'
                        if not bad.startswith("urls") else f"[webhooks]\n{bad}\n")
        with pytest.raises(ConfigError, match=message):
            load_settings({"RELEASEGATE_WEBHOOK_SECRET": "abc"}, config=str(path))
    path.write_text("[webhooks]\n")
    assert load_settings({}, config=str(path)).webhooks is None


def test_cli_decide_and_rollout_commands_send_the_configured_webhooks(
        receiver: Receiver, clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from releasegate.cli import main

    (clean_env / "releasegate.toml").write_text(
        f'[graphs.campaign_composer]\nactive_version = "v1"\ncandidate_version = "v2"\n\n'
        f'[webhooks]\nurls = ["{receiver.url}"]\nmax_attempts = 2\n')
    monkeypatch.setenv("RELEASEGATE_WEBHOOK_SECRET", SECRET)
    db = str(clean_env / "cli.db")
    assert main(["import", "promptfoo", str(PROMPTFOO), "--graph", "campaign_composer",
                 "--version", "v2", "--db", db]) == 0
    assert main(["decide", "--graph", "campaign_composer", "--version", "v2", "--db", db]) == 4
    assert main(["rollout", "halt", "--graph", "campaign_composer", "--reason", "drill",
                 "--db", db]) == 0
    events = [(json.loads(body), headers) for headers, body in receiver.requests]
    assert [(e["event"], e["data"].get("action")) for e, _ in events] == [
        ("rollout", "recommend_halt"), ("decision", None), ("rollout", "halt")]
    for (_, headers), (_, body) in zip(events, receiver.requests, strict=True):
        assert verify_signature(SECRET, headers[SIGNATURE_HEADER], body)
