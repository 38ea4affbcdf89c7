"""`releasegate serve` and `releasegate report`, as a user runs them."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from releasegate.cli_serve import is_loopback
from tests.conftest import run_cli
from tests.service.conftest import WRITE, fleet, free_port, jsonl


def test_loopback_hosts() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "::1", "[::1]", "localhost", "127.8.0.1"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.1", "example.com"]))


def test_refuses_to_bind_beyond_loopback_without_a_token(tmp_path: Path) -> None:
    result = run_cli(["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "x.db")])
    assert result.returncode == 2
    assert "refusing to serve on 0.0.0.0 without a token" in result.stderr
    assert not (tmp_path / "x.db").exists()  # refused before opening anything
    result = run_cli(["serve", "--db", str(tmp_path / "x.db")],
                     env={"RELEASEGATE_READ_TOKEN": "r"})
    assert result.returncode == 2 and "without RELEASEGATE_TOKEN" in result.stderr


def test_serve_post_with_curl_and_see_the_decision_change(tmp_path: Path) -> None:
    """The issue's "done when": serve, post verdicts, decide, and the page shows it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AGENT_EVAL_", "RELEASEGATE_", "CAMPAIGN_"))}
    env["RELEASEGATE_TOKEN"] = WRITE
    proc = subprocess.Popen(
        [sys.executable, "-m", "releasegate", "serve", "--port", str(port),
         "--db", str(tmp_path / "served.db")], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {WRITE}"}
    try:
        _wait_ready(base, proc)
        with httpx.Client(base_url=base, headers=auth, timeout=30) as client:
            held = client.post("/v1/verdicts", content=jsonl(fleet(days=1, per_day=3)))
            assert held.json()["stored"] == 3
            first = client.post("/v1/decisions", json={"graph": "composer", "version": "v2"})
            assert first.json()["decision"] == "HOLD"
            client.post("/v1/verdicts", content=jsonl(fleet(days=2, per_day=8, prefix="b")))
            second = client.post("/v1/decisions", json={"graph": "composer", "version": "v2"})
            assert second.json()["decision"] == "PROMOTE"
            page = client.get("/version", params={"graph": "composer", "version": "v2"}).text
            assert re.findall(r'data-decision="(\w+)"', page) == ["PROMOTE", "PROMOTE", "HOLD"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(15)
    assert "serving http://127.0.0.1" in proc.stderr.read()  # type: ignore[union-attr]


def _wait_ready(base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"serve exited {proc.returncode}: {proc.stderr.read()}")  # type: ignore[union-attr]
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("serve did not become ready in 30 s")


def test_report_is_one_self_contained_file(tmp_path: Path) -> None:
    source = tmp_path / "rows.jsonl"
    source.write_bytes(jsonl(fleet(days=3, per_day=6)))
    db = str(tmp_path / "r.db")
    assert run_cli(["ingest", str(source), "--db", db]).returncode == 0
    assert run_cli(["decide", "--graph", "composer", "--version", "v2", "--db", db]
                   ).returncode == 0
    out = tmp_path / "report.html"
    result = run_cli(["report", "--graph", "composer", "--version", "v2", "-o", str(out),
                      "--db", db])
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<style>" in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)  # nothing fetched from afar
    assert 'rel="stylesheet"' not in html and "<script" not in html
    assert 'href="/' not in html  # no links back to a server that is not there
    assert 'data-decision="PROMOTE"' in html and html.count("<svg") == 3
    assert json.dumps("composer")[1:-1] in html
    bad = run_cli(["report", "--graph", "composer", "--version", "v2", "-o",
                   str(tmp_path / "missing" / "r.html"), "--db", db])
    assert bad.returncode == 2 and "cannot write" in bad.stderr
