"""The dashboard in a real headless Chromium (Debian's package, driven by Playwright for Python).

Loads the overview, clicks through to a version, checks the badge, the reason and the charts,
that the console stayed clean and that no request left loopback; screenshots into tmp_path.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.service.conftest import Server, ServerFactory, fleet, row

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"{CHROMIUM} is absent: apt-get install -y chromium (never `playwright install`)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def fleet_server(make_server: ServerFactory) -> Server:
    """v1 (control) strong, v2 (candidate) promoted, v3 with a hard violation; a canary at 10%."""
    srv = make_server(environ={"COMPOSER_CANARY_PERCENT": "10"})
    rows = (fleet(days=6, per_day=10, version="v1", fail_every=10)
            + fleet(days=5, per_day=8, version="v2", fail_every=9)
            + fleet(days=3, per_day=6, version="v3", fail_every=3)
            + [row("v3-hard", version="v3", day=2, violations=["template_debris"])])
    assert srv.post("/v1/verdicts", json=rows).status_code == 200
    for version in ("v2", "v3", "v2"):
        assert srv.post("/v1/decisions", json={"graph": "composer", "version": version}
                        ).status_code == 201
    for i in range(40):
        got = srv.get("/v1/route", params={"graph": "composer", "thread_id": f"t{i}"}).json()
        touch = {"graph": "composer", "thread_id": f"t{i}", "cohort": got["cohort"],
                 "version_id": got["version_id"], "bucket": got["bucket"],
                 "event": "sent" if i % 5 else "error"}
        assert srv.post("/v1/touches", json=touch).status_code == 201
    return srv


class Watch:
    """Console errors, page errors and every request that tried to leave loopback."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()


def test_overview_then_version_page(browser: Any, fleet_server: Server, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page)
    page.goto(fleet_server.url + "/")
    badges = page.locator("table.versions .badge")
    assert badges.count() == 3
    assert [b.get_attribute("data-decision") for b in badges.all()] == \
        ["PROMOTE", "PROMOTE", "ROLLBACK"]
    assert "template_debris×1" in page.locator("table.versions").inner_text()
    assert "10%" in page.locator("p.canary").inner_text()
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)

    page.get_by_role("link", name="v3").click()
    page.wait_for_url("**/version?graph=composer&version=v3")
    assert page.locator(".decision .badge").inner_text() == "ROLLBACK"
    assert "hard violation" in page.locator("#current-reason").inner_text()
    for chart in ("success", "latency", "coverage"):
        svg = page.locator(f"#chart-{chart} svg")
        assert svg.get_attribute("role") == "img"
        assert svg.locator("path.line").count() == 1
        assert svg.locator("circle.dot").count() == 3  # three days of verdicts
    assert page.locator("#chart-success path.band").count() == 1
    assert page.locator("#chart-success line.ref-floor").count() == 1
    history = page.locator("ol.history li")
    assert history.count() == 1 and "ROLLBACK" in history.first.inner_text()
    assert page.locator("#canary-percent").inner_text() == "10%"
    assert "candidate" in page.locator("table", has_text="Outcomes per cohort").inner_text()
    page.screenshot(path=str(tmp_path / "version.png"), full_page=True)

    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone_watch = Watch(phone)
    phone.goto(fleet_server.url + "/version?graph=composer&version=v2")
    assert phone.locator(".decision .badge").inner_text() == "PROMOTE"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    assert phone.locator("ol.history li").count() == 2
    phone.screenshot(path=str(tmp_path / "version-phone.png"), full_page=True)

    assert watch.errors == [] and phone_watch.errors == []
    assert watch.external == [] and phone_watch.external == []
    keep = Path(__import__("os").environ.get("RELEASEGATE_SCREENSHOTS", ""))
    if keep.name:
        keep.mkdir(parents=True, exist_ok=True)
        for shot in tmp_path.glob("*.png"):
            shutil.copy(shot, keep / shot.name)
    page.close()
    phone.close()


def test_report_file_renders_offline(browser: Any, fleet_server: Server, tmp_path: Path) -> None:
    """The report is one file: it renders from file:// with every request refused."""
    from releasegate.gate import utc_now
    from releasegate.service.pages import Pages
    from releasegate.service.views import version_view

    wiring = fleet_server.wiring
    view = version_view(wiring.gate, wiring.rollout, {}, "composer", "v2", utc_now())
    report = tmp_path / "report.html"
    report.write_text(Pages().version(view, standalone=True), encoding="utf-8")
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else route.abort())
    page.goto(report.as_uri())
    assert page.locator(".decision .badge").inner_text() == "PROMOTE"
    color = page.locator(".decision .badge").evaluate("e => getComputedStyle(e).backgroundColor")
    assert color == "rgb(23, 105, 58)"  # the inline stylesheet applied
    assert requests == [report.as_uri()]
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    page.close()
