"""`releasegate check`: the command function on a tiny Typer app, and the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from releasegate.cli_check import check_command
from releasegate.errors import InputError
from tests.conftest import SHARED, run_cli

FIXTURES = Path(__file__).parent / "guardrails" / "fixtures"
CASES: list[dict[str, Any]] = json.loads((SHARED / "cases" / "drafts_handed.json").read_text())


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("check")(check_command)

    @app.callback()
    def _root() -> None:
        """Keep `check` a named subcommand, as in the real CLI."""

    return app


def invoke(*args: str, stdin: bytes | None = None) -> Any:
    return CliRunner().invoke(_app(), ["check", *args], input=stdin)


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("RELEASEGATE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_handed_cases_through_the_command(case: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "case.jsonl"
    row = {"id": case["name"], "subject": case.get("subject", ""), "body": case["body"]}
    path.write_text(json.dumps(row) + "\n")
    result = invoke(str(path), "--json")
    (draft,) = json.loads(result.stdout)["drafts"]
    codes = {v["code"] for v in draft["violations"]}
    assert set(case["must"]) <= codes and not codes & set(case["must_not"])
    assert result.exit_code == (4 if case["must"] else 0)


def test_clean_files_exit_0_and_say_ok() -> None:
    result = invoke(str(FIXTURES / "clean.eml"), str(FIXTURES / "clean.html"))
    assert result.exit_code == 0
    assert "clean.eml: ok" in result.stdout and "2 draft(s) checked, 0 with a hard" in result.stdout


def test_violations_print_code_field_and_span_but_never_the_text() -> None:
    result = invoke(str(FIXTURES / "debris.eml"))
    assert result.exit_code == 4
    assert "template_debris (hard) subject[16:30] double-brace placeholder" in result.stdout
    assert "sender_name[" in result.stdout and "href attribute" in result.stdout
    assert "first_name" not in result.stdout and "Your Name" not in result.stdout


def test_hidden_debris_in_html_is_found_with_spans_into_the_file() -> None:
    source = (FIXTURES / "hidden_debris.html").read_text()
    result = invoke(str(FIXTURES / "hidden_debris.html"), "--json")
    assert result.exit_code == 4
    (draft,) = json.loads(result.stdout)["drafts"]
    kinds = {v["detail"] for v in draft["violations"]}
    assert {"double-brace placeholder", "Mailchimp merge tag", "percent-delimited token"} <= kinds
    for v in draft["violations"]:
        start, end = v["span"]
        assert source[start] in "&*%<h" and end <= len(source)


def test_json_is_the_only_thing_on_stdout() -> None:
    result = invoke(str(FIXTURES / "drafts.jsonl"), "--json")
    doc = json.loads(result.stdout)
    assert doc["checked"] == 3 and doc["with_hard_violation"] == 2
    assert [d["id"] for d in doc["drafts"]] == ["a1", "a2", "3"]


def test_stdin_dash_reads_a_draft() -> None:
    result = invoke("-", "--json", stdin=b"Hi {{first_name}}, thanks.")
    assert result.exit_code == 4
    assert json.loads(result.stdout)["drafts"][0]["source"] == "<stdin>"


def test_the_policy_hard_set_decides_which_codes_are_hard(tmp_path: Path) -> None:
    config = tmp_path / "releasegate.toml"
    config.write_text('[policy]\nhard_codes = ["template_debris"]\n')
    draft = tmp_path / "d.txt"
    draft.write_text("Act now, it is 100% free")
    result = invoke(str(draft), "--config", str(config))
    assert result.exit_code == 0 and "spam_marker (soft)" in result.stdout


def test_a_second_hard_set_under_guardrails_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "releasegate.toml"
    config.write_text('[guardrails]\nhard = ["template_debris"]\n')
    result = invoke(str(FIXTURES / "clean.html"), "--config", str(config))
    assert isinstance(result.exception, InputError) and "[policy]" in str(result.exception)


def test_bad_input_raises_an_input_error() -> None:
    result = invoke("no-such-file.txt")
    assert isinstance(result.exception, InputError)


def test_bad_config_key_raises_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "releasegate.toml"
    config.write_text("[guardrails]\nmax_wrods = 3\n")
    result = invoke(str(FIXTURES / "clean.html"), "--config", str(config))
    assert isinstance(result.exception, InputError) and "max_wrods" in str(result.exception)


def _cli_has_check() -> bool:
    try:
        from releasegate import cli
    except ImportError:
        return False
    return any(c.name == "check" for c in cli.app.registered_commands)


@pytest.mark.skipif(
    not _cli_has_check(), reason="`check` is not registered in releasegate.cli yet (lead wires it)"
)
def test_real_cli_in_a_subprocess() -> None:
    hard = run_cli(["check", str(FIXTURES / "debris.eml"), "--json"])
    assert hard.returncode == 4, hard.stderr
    assert json.loads(hard.stdout)["with_hard_violation"] == 1
    clean = run_cli(["check", "-"], stdin="Hi Dana, thanks for the call.")
    assert clean.returncode == 0, clean.stderr
    bad = run_cli(["check", "no-such-file.eml"])
    assert bad.returncode == 2 and "cannot read" in bad.stderr
