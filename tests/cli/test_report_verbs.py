"""`fieldapp report …` and `fieldapp export …` against a local profile and a central store."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldapp.cli import main
from tests.support.central import BOA, BOA_WEST, SUPERVISOR_CENTRUM, running_central
from tests.support.store import fill_draft, new_profile
from tests.support.sync import client_for


def test_reports_and_exports_from_a_profile_and_from_the_central_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FIELDAPP_PASSWORD", "demo")
    home = tmp_path / "device"
    profile = new_profile(home, username=BOA, password="demo")
    shop = fill_draft(profile, "coffeeshop_inspection", 11)
    profile.finalize(shop)
    patrol = fill_draft(profile, "neighbourhood_patrol", 12)
    patrol_version = profile.finalize(patrol)
    local = ["--home", str(home), "--user", BOA]
    pdf = tmp_path / "shop.pdf"
    assert main(["report", "inspection", shop, "-o", str(pdf), *local]) == 0
    assert "Coffeeshop" in "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert main(["report", "patrol", patrol, "-o", str(tmp_path / "p.pdf"), *local]) == 0
    start = patrol_version.started_at.date().isoformat()
    summary = tmp_path / "summary.pdf"
    args = ["report", "summary", "--from", start, "--to", "2030-12-31", "-o", str(summary)]
    assert main([*args, *local]) == 0
    assert summary.read_bytes().startswith(b"%PDF")
    table = tmp_path / "shops.csv"
    assert main(["export", "--format", "csv", "-o", str(table), *local]) == 0
    assert table.exists()
    assert main(["report", "inspection", "0" * 32, "-o", str(pdf), *local]) == 1
    assert "not found" in capsys.readouterr().err

    with running_central("sqlite", tmp_path / "central", "cli") as central:
        with client_for(profile, central.url) as sync:
            assert sync.sync_once().complete
        remote = ["--server", central.url, "--user", SUPERVISOR_CENTRUM]
        from_server = tmp_path / "server.pdf"
        assert main(["report", "inspection", shop, "-o", str(from_server), *remote]) == 0
        text = "".join(page.extract_text() for page in PdfReader(from_server).pages)
        assert "Coffeeshop" in text
    profile.close()


def test_the_command_s_own_lang_was_ignored_by_the_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: `fieldapp --lang en report summary …` wrote a Dutch PDF: the report verb's
    own `--lang` default ("nl") overwrote the one given before the verb. Either place
    counts now, and without one the environment's language does."""
    monkeypatch.setenv("FIELDAPP_PASSWORD", "demo")
    monkeypatch.delenv("FIELDAPP_LANGUAGE", raising=False)
    home = tmp_path / "device"
    profile = new_profile(home, username=BOA, password="demo")
    shop = fill_draft(profile, "coffeeshop_inspection", 11)
    version = profile.finalize(shop)
    profile.close()
    start = version.started_at.date().isoformat()
    local = ["--home", str(home), "--user", BOA, "--from", start, "--to", "2030-12-31"]

    def title(*argv: str) -> str:
        pdf = tmp_path / f"summary-{len(list(tmp_path.glob('summary-*')))}.pdf"
        assert main([*argv, "-o", str(pdf)]) == 0
        return PdfReader(pdf).pages[0].extract_text()

    assert "Period summary" in title("--lang", "en", "report", "summary", *local)
    assert "Periodeoverzicht" in title("report", "summary", *local, "--lang", "nl")
    assert "Periodeoverzicht" in title("report", "summary", *local)  # the default: Dutch
    monkeypatch.setenv("FIELDAPP_LANGUAGE", "en")
    assert "Period summary" in title("report", "summary", *local)


def test_a_report_from_an_unreachable_server_promised_a_retry_that_never_comes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: `fieldapp report … --server` with the store down said "…; will try again
    later", the outbox's sentence, after a minute of retries; nothing tries a report again.
    Now it says nothing changed and to try again when online, in the command's language."""
    monkeypatch.setenv("FIELDAPP_PASSWORD", "demo")
    with socket.socket() as probe:  # a port nobody listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    args = ["report", "summary", "--from", "2026-01-01", "--to", "2026-01-31"]
    remote = ["--home", str(tmp_path), "--server", closed, "-o", str(tmp_path / "s.pdf")]
    for lang, asked in (
        ("en", "Try again when you are online"),
        ("nl", "Probeer het opnieuw als er verbinding is"),
    ):
        assert main(["--lang", lang, *args, *remote]) == 1
        said = capsys.readouterr().err
        assert asked in said
        assert "later" not in said
    assert not (tmp_path / "s.pdf").exists()


def test_a_mistyped_home_or_a_forgotten_user_was_told_only_there_is_no_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: both a `--home` that does not exist and a home with someone else's profile
    (the `--user` default is a demo boa) said "There is no profile of fatima.elamrani on
    this device." Now the sentence names the folder and who is there."""
    monkeypatch.setenv("FIELDAPP_PASSWORD", "demo")
    home = tmp_path / "device"
    # Made as a trainer makes one: `fieldapp seed` for another person.
    seeded = ["seed", "--home", str(home), "--user", BOA_WEST, "--inspections", "1", "-q"]
    assert main([*seeded, "--photos", "0"]) == 0
    capsys.readouterr()
    period = ["--from", "2026-01-01", "--to", "2026-01-31", "-o", str(tmp_path / "s.pdf")]

    missing = tmp_path / "devcie"
    assert main(["--lang", "en", "report", "summary", "--home", str(missing), *period]) == 1
    said = capsys.readouterr().err
    assert f"the folder {missing} does not exist" in said

    assert main(["--lang", "en", "report", "summary", "--home", str(home), *period]) == 1
    said = capsys.readouterr().err
    assert f"There is no profile of fatima.elamrani in {home}; profiles here: {BOA_WEST}." in said
    assert not (tmp_path / "s.pdf").exists()


def test_a_mistyped_date_was_called_an_invalid_fromisoformat_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: `--to 2026-13-01` said "invalid fromisoformat value", Python's name for
    the typo. Now it says the option, what it read and how to write a day."""
    argv = ["report", "summary", "--home", str(tmp_path), "--from", "2026-01-01"]
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--to", "2026-13-01", "-o", str(tmp_path / "s.pdf")])
    assert stopped.value.code == 2  # argparse's usage error
    said = capsys.readouterr().err
    assert "fromisoformat" not in said
    assert "argument --to: not a valid date: '2026-13-01' (write YYYY-MM-DD" in said


def test_an_export_named_csv_was_written_as_an_excel_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: `fieldapp export -o shops.csv` wrote an XLSX workbook under that name (the
    format defaulted to xlsx whatever the name), which a spreadsheet refused and a script
    read as garbage. Without --format, the file's ending chooses; a name that says another
    format than --format, or none of the two, is refused."""
    monkeypatch.setenv("FIELDAPP_PASSWORD", "demo")
    home = tmp_path / "device"
    profile = new_profile(home, username=BOA, password="demo")
    profile.finalize(fill_draft(profile, "coffeeshop_inspection", 11))
    profile.close()
    local = ["--home", str(home), "--user", BOA, "--lang", "en"]
    named_csv, named_xlsx, forced = (tmp_path / n for n in ("a.csv", "b.xlsx", "c.csv"))
    assert main(["export", "-o", str(named_csv), *local]) == 0
    assert main(["export", "-o", str(named_xlsx), *local]) == 0
    assert main(["export", "--format", "xlsx", "-o", str(forced), *local]) == 1
    # A ZIP container (XLSX) begins with "PK"; a CSV here with its header's first column.
    assert not named_csv.read_bytes().startswith(b"PK")
    assert named_csv.read_text(encoding="utf-8").splitlines()[0].startswith("inspection")
    assert named_xlsx.read_bytes().startswith(b"PK")
    assert not forced.exists()  # --format xlsx for a .csv name: refused, nothing written
    # A name in capitals is its format too; its sheets of repeats are named after it.
    capitals = tmp_path / "D.CSV"
    assert main(["export", "-o", str(capitals), *local]) == 0
    assert not capitals.read_bytes().startswith(b"PK")
    assert sorted(p.name for p in tmp_path.glob("D.*")) == [
        "D.CSV",
        "D.codebook.csv",
        "D.observed_sales.csv",
    ]
    # A name that says no format, or another than --format, is refused in plain words.
    assert main(["export", "-o", str(tmp_path / "e.txt"), *local]) == 1
    assert main(["export", "--format", "csv", "-o", str(tmp_path / "f.xlsx"), *local]) == 1
    said = capsys.readouterr().err
    assert "Which format for .txt?" in said and "ends in .xlsx but --format says csv" in said
    assert not (tmp_path / "e.txt").exists() and not (tmp_path / "f.xlsx").exists()
