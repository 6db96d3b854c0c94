"""`fieldapp export` and the period summary of a profile made by fieldapp 0.2.0, against
the files 0.2.0 wrote from it.

The profile in tests/data/home-0.2.0 was made by fieldapp 0.2.0 (`fieldapp seed
--inspections 24 --photos 0 --seed 7`, profile password `PASSWORD`), and tests/data/export-0.2.0
holds what 0.2.0's `fieldapp export` wrote from it: CSV in Dutch (the default), CSV in
English with personal data, and XLSX. This version opens the profile (migrating it to
today's schema on the way) and exports it again: the CSV files must be byte for byte those,
the workbooks cell for cell. The export was rewritten to stream (issue 18); the other export
tests compare the new writer with the new gathering, and these compare it with the old code's
own output. The period summary, now read from summary facts that the migration to schema 8
works out for the versions already there, must have the text of 0.2.0's PDF (tests/data/
summary-0.2.0, `fieldapp report summary --from 2024-01-01 --to 2026-12-31`, in Dutch and in
English) on every page. A file that is meant to change is changed here on purpose.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from fieldapp.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
PASSWORD = "demo-wachtwoord-2026"
FORMS = ("coffeeshop_inspection", "neighbourhood_patrol", "door_test")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the 0.2.0 profile's home (opening it migrates it)."""
    monkeypatch.setenv("FIELDAPP_PASSWORD", PASSWORD)
    copy = tmp_path / "home"
    shutil.copytree(DATA / "home-0.2.0", copy)
    return copy


def _export(home: Path, output: Path, *options: str) -> None:
    assert main(["export", "--home", str(home), "-q", *options, "--output", str(output)]) == 0


def _files(folder: Path, suffix: str) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob(f"*{suffix}"))}


def _cells(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows without their trailing empty cells: 0.2.0 wrote an empty last cell where the
    streamed writer leaves it out, which no reader of the sheet can tell apart."""
    trimmed = []
    for row in rows:
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        trimmed.append(tuple(cells))
    return trimmed


def test_the_csv_export_of_a_0_2_0_profile_is_what_0_2_0_wrote(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for form_id in FORMS:
        _export(home, out / f"{form_id}.csv", "--format", "csv", "--form", form_id)
    _export(
        home,
        out / "en-personal" / "neighbourhood_patrol.csv",
        "--format",
        "csv",
        "--lang",
        "en",
        "--personal-data",
        "--form",
        "neighbourhood_patrol",
    )
    for folder in ("", "en-personal"):
        expected = _files(DATA / "export-0.2.0" / folder, ".csv")
        assert expected, folder
        written = _files(out / folder, ".csv")
        assert sorted(written) == sorted(expected), folder
        for name, content in expected.items():
            assert written[name] == content, f"{folder}/{name} differs from 0.2.0's"


def test_the_xlsx_export_of_a_0_2_0_profile_has_the_cells_0_2_0_wrote(
    home: Path, tmp_path: Path
) -> None:
    for form_id in FORMS:
        written = tmp_path / f"{form_id}.xlsx"
        _export(home, written, "--format", "xlsx", "--form", form_id)
        old = load_workbook(DATA / "export-0.2.0" / f"{form_id}.xlsx", read_only=True)
        new = load_workbook(written, read_only=True)
        assert new.sheetnames == old.sheetnames, form_id
        for name in old.sheetnames:
            old_rows = _cells(old[name].iter_rows(values_only=True))
            new_rows = _cells(new[name].iter_rows(values_only=True))
            assert len(old_rows) > 1, (form_id, name)
            assert new_rows == old_rows, f"{form_id}: sheet {name} differs from 0.2.0's"
        old.close()
        new.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_summary_of_a_0_2_0_profile_says_what_0_2_0_said(
    home: Path, tmp_path: Path, lang: str
) -> None:
    written = tmp_path / f"summary-{lang}.pdf"
    assert (
        main(
            [
                "report",
                "summary",
                "--home",
                str(home),
                "-q",
                "--lang",
                lang,
                "--from",
                "2024-01-01",
                "--to",
                "2026-12-31",
                "--output",
                str(written),
            ]
        )
        == 0
    )
    old = [page.extract_text() for page in PdfReader(DATA / "summary-0.2.0" / written.name).pages]
    new = [page.extract_text() for page in PdfReader(written).pages]
    assert "24" in old[0]
    # Compared with hyphenation at line ends undone and without white space: since 0.2.0 a
    # column header whose words fit is broken between words ("Personen (pro-" / "actief)"),
    # and a Dutch area name in a header is hyphenated as Dutch ("Maria-hoeve", not
    # "Mariaho-eve"), and a header with a word wider than its column breaks at that word's
    # hyphenation points ("(Weimar-" / "straat)", no longer cut as "(Weima" / "rstraat)"),
    # which can make a table a line taller and move what follows it to the next page.
    assert _unbroken(_flowing(new)) == _unbroken(_flowing([_worded_as_now(p) for p in old]))


#: Wording mended since 0.2.0, the numbers left alone: a venue with only points of attention
#: no longer reads "And 3 points of attention", and the door-test note no longer explains
#: a 'Not pairable' column the table does not have.
_MENDED_SINCE_0_2_0 = (
    (re.compile(r"^(?:And|En) (\d+ (?:point|aandachtspunt))", re.MULTILINE), r"\1"),
    (
        re.compile(
            r" 'Not pairable'\ncounts visits \(not rounds\) that do not fit their round: "
            r"another venue or evening, or a third visit\."
        ),
        "",
    ),
    (
        re.compile(
            r" ‘Niet te koppelen’ telt bezoeken \(geen rondes\) die niet bij hun ronde passen: "
            r"een\nandere locatie of avond, of een derde bezoek\."
        ),
        "",
    ),
)


def _unbroken(text: str) -> str:
    """The text with hyphenation at line ends undone and without white space: where a
    narrow column's header breaks is not what this test is about (hyphens in the text,
    minus signs and ranges stay)."""
    return re.sub(r"\s+", "", re.sub(r"-\n\s*", "", text))


_PAGE_NUMBER = re.compile(r"^(?:Pagina|Page) \d+ (?:van|of) \d+$")


def _flowing(pages: list[str]) -> str:
    """The pages' text as one, without the running head and foot (the lines with a " · "
    that pages repeat; the first page has a title instead) and the page numbers: where a
    page breaks is not what this test is about."""
    lines = [page.splitlines() for page in pages]
    seen = Counter(line for page in lines for line in set(page) if " · " in line)
    running = {line for line, pages_with_it in seen.items() if pages_with_it > 1}
    return "\n".join(
        line
        for page in lines
        for line in page
        if line not in running and not _PAGE_NUMBER.match(line.strip())
    )


def _worded_as_now(text: str) -> str:
    for pattern, replacement in _MENDED_SINCE_0_2_0:
        text = pattern.sub(replacement, text)
    return text
