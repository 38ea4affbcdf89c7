"""Bearer tokens: writes need RELEASEGATE_TOKEN; a read-only token reads and never writes."""

from __future__ import annotations

import pytest

from releasegate.service import Access
from tests.service.conftest import READ, WRITE, Server, ServerFactory, row


@pytest.fixture
def guarded(make_server: ServerFactory) -> Server:
    return make_server(access=Access(write_token=WRITE, read_token=READ))


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_writes_need_the_write_token(guarded: Server) -> None:
    body = [row("a1")]
    missing = guarded.post("/v1/verdicts", json=body)
    assert missing.status_code == 401 and missing.json()["error"] == "unauthorized"
    assert missing.headers["www-authenticate"].startswith("Bearer")
    wrong = guarded.post("/v1/verdicts", json=body, headers=_bearer(WRITE + "x"))
    assert wrong.status_code == 401
    read_only = guarded.post("/v1/verdicts", json=body, headers=_bearer(READ))
    assert read_only.status_code == 403 and read_only.json()["error"] == "forbidden"
    for path, payload in (("/v1/decisions", {"graph": "composer", "version": "v2"}),
                          ("/v1/rollouts/composer", {"action": "halt", "reason": "r"})):
        assert guarded.post(path, json=payload, headers=_bearer(READ)).status_code == 403
    assert guarded.get("/v1/windows", headers=_bearer(WRITE)).json() == []
    ok = guarded.post("/v1/verdicts", json=body, headers=_bearer(WRITE))
    assert ok.status_code == 200 and ok.json()["stored"] == 1


def test_reads_need_a_token_of_either_kind(guarded: Server) -> None:
    for path in ("/v1/windows", "/v1/rollouts", "/metrics",
                 "/v1/decisions?graph=composer", "/v1/route?graph=composer&thread_id=t"):
        assert guarded.get(path).status_code == 401, path
        assert guarded.get(path, headers=_bearer("nope")).status_code == 401, path
        assert guarded.get(path, headers=_bearer(READ)).status_code == 200, path
        assert guarded.get(path, headers=_bearer(WRITE)).status_code == 200, path


def test_probes_and_the_schema_stay_open(guarded: Server) -> None:
    for path in ("/healthz", "/readyz", "/openapi.json", "/docs"):
        assert guarded.get(path).status_code == 200, path


def test_dashboard_login_sets_a_cookie_that_only_reads(guarded: Server) -> None:
    page = guarded.get("/")
    assert page.status_code == 401 and "<form" in page.text and 'name="token"' in page.text
    refused = guarded.post("/login", data={"token": "wrong"}, follow_redirects=False)
    assert refused.status_code == 401 and "not valid" in refused.text
    login = guarded.post("/login", data={"token": WRITE}, follow_redirects=False)
    assert login.status_code == 303
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert WRITE not in cookie  # the cookie is derived from the token, never the token itself
    assert guarded.get("/").status_code == 200  # the client keeps the cookie
    assert guarded.get("/v1/windows").status_code == 200
    write = guarded.post("/v1/verdicts", json=[row("c1")])
    assert write.status_code == 401  # a cookie never writes, whatever token it holds


def test_access_refuses_blank_tokens() -> None:
    import pytest

    from releasegate.service.auth import Access

    with pytest.raises(ValueError, match="blank"):
        Access(write_token="   ")
