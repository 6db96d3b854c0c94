"""What every verb does alike: help everywhere, -v/-q, --json, `-o -`, quiet off a terminal,
and world errors as sentences, never tracebacks."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

import fieldapp.store.seed as seeding
from fieldapp.cli import build_parser, main, parse_arguments
from fieldapp.core.formfile import form_files
from fieldapp.core.locations import PROJECT_ROOT, forms_directory
from tests.support.central import running_central


def _parsers(
    parser: argparse.ArgumentParser, path: str
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{path} {name}")


def test_every_option_and_argument_has_help() -> None:
    missing = [
        f"{path}: {'/'.join(action.option_strings) or action.dest}"
        for path, parser in _parsers(build_parser(), "fieldapp")
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction | argparse._HelpAction)
        and not action.help
    ]
    assert missing == []


def test_shared_options_are_taken_before_and_after_the_verb() -> None:
    assert parse_arguments(["-vv", "forms", "check"]).verbose == 2
    assert parse_arguments(["forms", "check", "-v"]).verbose == 1
    assert parse_arguments(["-q", "seed"]).quiet is True
    with pytest.raises(SystemExit):
        parse_arguments(["seed", "-q", "-v"])
    # Before: the verb's own default (None) overwrote a --home given before the verb.
    assert parse_arguments(["--home", "/data/fieldapp", "seed"]).home == "/data/fieldapp"
    assert parse_arguments(["seed", "--home", "/data/fieldapp"]).home == "/data/fieldapp"
    assert parse_arguments(["seed"]).home is None


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--home", "/data/fieldapp"],
        ["--home=/data/fieldapp", "--lang", "en", "-v"],
        ["-q", "--lang=nl", "--home", "seed"],
    ],
)
def test_the_app_s_start_parses_as_the_whole_command_does(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[bool] = []
    real = build_parser

    def counting(*, with_verbs: bool = True) -> argparse.ArgumentParser:
        built.append(with_verbs)
        return real(with_verbs=with_verbs)

    monkeypatch.setattr("fieldapp.cli.build_parser", counting)
    quick = parse_arguments(argv)
    # The app's start leaves the verbs' parsers unbuilt (a home folder named like a verb
    # is still a home folder), and reads the command line as the whole parser reads it.
    assert built == [False]
    whole = real().parse_args(argv)
    whole.home = getattr(whole, "home", None)
    assert vars(quick) == vars(whole)


def test_a_verb_help_or_a_mistyped_verb_gets_the_whole_parser(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert parse_arguments(["--home", "/data/fieldapp", "seed"]).handler.__name__ != "_overview"
    with pytest.raises(SystemExit):
        parse_arguments(["snyc"])
    assert "invalid choice: 'snyc'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse_arguments(["--help"])
    assert "sync" in capsys.readouterr().out


def _run(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """`python -m fieldapp ARGS` off a terminal (pipes), as a script would run it."""
    environment = {**os.environ, "FIELDAPP_PASSWORD": "demo"}
    environment.pop("FIELDAPP_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_forms_check_json_names_each_form_and_each_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["forms", "check", "--json"]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert checked["ok"] is True and checked["problems"] == []
    assert sorted(form["id"] for form in checked["forms"]) == sorted(
        path.stem for path in form_files(forms_directory())
    )
    broken = tmp_path / "broken.yaml"
    text = (forms_directory() / "door_test.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("version:", "versoin:", 1), encoding="utf-8")
    assert main(["forms", "check", "--json", str(broken)]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert problems and all(p["file"] == str(broken) and p["line"] >= 1 for p in problems)


def test_seed_json_progress_stays_off_a_pipe_and_the_summary_report_goes_to_stdout(
    tmp_path: Path,
) -> None:
    home = str(tmp_path / "home")
    seeded = _run("seed", "--home", home, "--inspections", "3", "--photos", "0", "--json")
    assert seeded.returncode == 0, seeded.stderr
    # Off a terminal tqdm draws nothing: standard error stays clean for the script's log.
    assert seeded.stderr == b""
    result = json.loads(seeded.stdout)
    assert result["inspections"] == 3 and sum(result["by_status"].values()) == 3
    assert Path(result["profile"]).is_dir()
    summary = _run(
        *("report", "summary", "--home", home),
        *("--from", "2000-01-01", "--to", "2100-01-01", "-o", "-"),
    )
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.startswith(b"%PDF") and summary.stdout.rstrip().endswith(b"%%EOF")
    pdf = tmp_path / "from-stdout.pdf"
    pdf.write_bytes(summary.stdout)
    assert len(PdfReader(pdf).pages) >= 1
    schema = _run("forms", "schema", "-o", "-")
    assert json.loads(schema.stdout) == json.loads(
        (forms_directory() / "schema.json").read_text(encoding="utf-8")
    )


def test_sync_json_reports_the_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FIELDAPP_PASSWORD", "demo")
    home = str(tmp_path / "device")
    assert main(["seed", "--home", home, "--inspections", "3", "--photos", "0", "-q"]) == 0
    capsys.readouterr()
    with running_central("sqlite", tmp_path / "central", "json") as central:
        code = main(["sync", "--home", home, "--server", central.url, "--demo", "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    result = json.loads(out)
    assert result["complete"] is True and result["failed"] == []
    assert result["pending"] == 0 and result["held"] == 0
    assert result["sent"] + result["already_there"] + result["drift_repaired"] >= 1


def test_a_stopped_sync_printed_its_reason_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: a sync that could not go on printed why in its summary (standard output)
    and again on standard error, with -q too. Now once, on standard error; the summary
    still says what waits to be sent."""
    monkeypatch.setenv("FIELDAPP_PASSWORD", "demo")
    home = str(tmp_path / "device")
    assert main(["seed", "--home", home, "--inspections", "1", "--photos", "0", "-q"]) == 0
    capsys.readouterr()
    # No scheme: the sync stops at its first request, before anything is sent.
    code = main(["sync", "--home", home, "--server", "127.0.0.1:9", "--lang", "en", "-q"])
    said = capsys.readouterr()
    assert code == 1
    reason = "127.0.0.1:9 is not a whole address"
    assert (said.out + said.err).count(reason) == 1
    assert said.err.startswith(f"fieldapp sync: {reason}")
    assert "Waiting to be sent: " in said.out


def test_seed_with_an_unreadable_seed_world_is_a_sentence_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # What an installed package without its data did: seed ended in a WorldError traceback.
    monkeypatch.setenv("FIELDAPP_PASSWORD", "demo")
    monkeypatch.setattr(seeding, "seeds_directory", lambda: tmp_path / "no-seeds")
    assert main(["seed", "--home", str(tmp_path / "home"), "--inspections", "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fieldapp: the demo world (seeds) cannot be read")
    assert "no-seeds" in err and "file not found" in err


def test_an_unwritable_output_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    done = _run("forms", "schema", "-o", str(tmp_path / "missing-folder" / "schema.json"))
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr
    assert b"missing-folder" in done.stderr and b"No such file or directory" in done.stderr


def test_the_admin_listing_of_accounts_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "central"
    with running_central("sqlite", home, "users"):
        pass
    assert main(["server", "users", "--home", str(home), "--json"]) == 0
    accounts = json.loads(capsys.readouterr().out)
    names = [account["username"] for account in accounts]
    assert names == sorted(names) and "fatima.elamrani" in names
    assert {"username", "role", "team", "active"} == set(accounts[0])
