"""`releasegate serve`: the HTTP service and dashboard under uvicorn.

Tokens come from the environment (RELEASEGATE_TOKEN for writes, RELEASEGATE_READ_TOKEN for reads);
without one the server binds to loopback only, unless told `--insecure-no-auth`.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Annotated

import typer

from releasegate.cli_common import ConfigOption, DbOption, err, read_settings
from releasegate.errors import InputError

__all__ = ["is_loopback", "serve_command"]


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 8080,
    db: DbOption = None,
    config: ConfigOption = None,
    insecure_no_auth: Annotated[bool, typer.Option(
        "--insecure-no-auth", help="Allow binding beyond loopback with no token set.")] = False,
    max_body: Annotated[int, typer.Option(
        "--max-body", min=1024, help="Largest request body, in bytes.")] = 8 << 20,
) -> None:
    """Serve the HTTP API and the dashboard. Writes need RELEASEGATE_TOKEN when it is set."""
    import uvicorn

    from releasegate.service import Access, create_app
    from releasegate.store import Store
    from releasegate.wiring import build

    try:
        access = Access(write_token=os.environ.get("RELEASEGATE_TOKEN") or None,
                        read_token=os.environ.get("RELEASEGATE_READ_TOKEN") or None)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if access.read_token and not access.write_token:
        raise InputError("RELEASEGATE_READ_TOKEN is set without RELEASEGATE_TOKEN: "
                         "writes would be open to anyone; set both")
    if not access.enabled and not is_loopback(host) and not insecure_no_auth:
        raise InputError(f"refusing to serve on {host} without a token: set RELEASEGATE_TOKEN, "
                         "bind 127.0.0.1, or pass --insecure-no-auth")
    settings = read_settings(db, config)
    with Store.open(settings.db_url) as store:
        wiring = build(settings, store)
        app = create_app(wiring.gate, wiring.rollout, access=access, max_body=max_body)
        err.print(f"releasegate serving http://{host}:{port}/ "
                         f"({'token auth' if access.enabled else 'NO AUTH'}, "
                         f"{settings.mode} mode)")
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False,
                    proxy_headers=False)
