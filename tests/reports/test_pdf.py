"""The PDF reports, read back: text, fonts, pages, metadata, determinism and edge cases.

Inputs are filled in through the shipped forms and the engine (tests.support.samples);
the PDFs are checked with pypdf and poppler's pdffonts and pdftoppm, as a reader would.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pypdf
import pytest

from fieldapp.core.inspection import InspectionStatus
from fieldapp.reports import (
    Author,
    Period,
    ReportInspection,
    door_test_report,
    inspection_report,
    patrol_report,
    summarize,
    summary_report,
)
from fieldapp.reports.model import SummaryItem, no_attachments
from fieldapp.reports.text import rtl_support
from tests.support.samples import (
    SampleWorld,
    coffeeshop_inspection,
    door_test_pair,
    patrol,
    period_items,
)

POPPLER = shutil.which("pdffonts") is not None and shutil.which("pdftoppm") is not None
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdffonts, pdftoppm) missing")


@pytest.fixture(scope="module")
def samples() -> SampleWorld:
    return SampleWorld.load()


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    reader = pypdf.PdfReader(path)
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))


def flat(text: str) -> str:
    """Extracted text with line breaks undone, for phrases a table cell may wrap; a column
    header hyphenated at a line end ("pro-" / "actief") is joined again."""
    return re.sub(r"(?<=[a-z])-\s+(?=[a-z])", "", re.sub(r"\s+", " ", text))


@pytest.fixture(scope="module")
def reports(samples: SampleWorld) -> dict[str, bytes]:
    """One PDF of each kind, made once for the module."""
    venues = {v.id: v for v in samples.world.venues}
    areas = {a.id: a for a in samples.world.areas}
    items = period_items(samples, 400)
    period = Period(date(2026, 12, 1), date(2026, 12, 31))
    summary = summarize(items, samples.engine, period, venues=venues)
    return {
        "inspection": inspection_report(coffeeshop_inspection(samples)),
        "door_test": door_test_report(door_test_pair(samples)),
        "patrol": patrol_report(patrol(samples)),
        "summary": summary_report(summary, venues=venues, areas=areas),
    }


KINDS = ("inspection", "door_test", "patrol", "summary")


def test_the_inspection_report_shows_findings_answers_and_history(
    reports: dict[str, bytes], tmp_path: Path
) -> None:
    text = text_of(reports["inspection"], tmp_path)
    words = flat(text)
    for expected in (
        "Gemeente Den Haag",
        "Coffeeshopcontrole",
        "Het Kleine Veentje",
        "Weimarstraat 241, 2562 HB",
        "DH-CS-002",
        "Elif Yıldız",
        "Łukasz Żółkowski",
        "Goedgekeurd",
        "Directe sluiting",
        "J-criterium: jeugdige binnen of verkoop aan jeugdige",
        "535,5 g",  # the engine's calculated total, in Dutch notation
        "Naar aanleiding van klachten of meldingen",  # a choice label, not its code
        "Eerdere controles van deze locatie",
        "Teruggestuurd voor correctie",
        "Welke kelderbox?",
        "Pagina 1 van",
    ):
        assert expected in words, expected
    assert "complaint" not in words  # codes never show
    inspection_version = re.search(r"Inhoudshash \(SHA-256\): ([0-9a-f]{64})", text)
    assert inspection_version is not None
    # Skipped questions (not relevant) are left out: no alcohol, so no alcohol description.
    assert "Welke alcohol, hoeveel en waar?" not in words


def test_findings_are_listed_most_severe_first(reports: dict[str, bytes], tmp_path: Path) -> None:
    words = flat(text_of(reports["inspection"], tmp_path))
    order = [
        words.index(word) for word in ("Directe sluiting", "Ernstig", "Overtreding", "Aandacht")
    ]
    assert order == sorted(order)


@needs_poppler
@pytest.mark.parametrize("kind", KINDS)
def test_every_font_is_embedded(reports: dict[str, bytes], kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(reports[kind])
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = listing.stdout.splitlines()[2:]
    assert rows, listing.stdout
    for row in rows:
        columns = row.split()
        assert columns[-5] == "yes", row  # the "emb" column
        assert "DejaVu" in columns[0], row
    assert "Helvetica" not in listing.stdout


@needs_poppler
@pytest.mark.parametrize("kind", KINDS)
def test_pages_render(reports: dict[str, bytes], kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(reports[kind])
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(pypdf.PdfReader(path).pages)
    assert all(page.stat().st_size > 1000 for page in pages)


@pytest.mark.parametrize("kind", KINDS)
def test_a4_tagged_and_archival(reports: dict[str, bytes], kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(reports[kind])
    reader = pypdf.PdfReader(path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    meta = reader.metadata
    assert meta is not None and meta.title and meta.author and meta.subject
    assert meta.author.startswith("Gemeente Den Haag")
    root = reader.trailer["/Root"].get_object()
    assert isinstance(root, pypdf.generic.DictionaryObject)
    metadata = root["/Metadata"].get_object()
    assert isinstance(metadata, pypdf.generic.StreamObject)
    xmp = metadata.get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B" in xmp
    assert "/Filter" not in metadata  # PDF/A: metadata unfiltered
    intents = root["/OutputIntents"].get_object()
    assert isinstance(intents, pypdf.generic.ArrayObject)
    intent = intents[0].get_object()
    assert isinstance(intent, pypdf.generic.DictionaryObject)
    assert str(intent["/S"]) == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert isinstance(profile, pypdf.generic.DictionaryObject)
    assert int(profile["/N"]) == 3  # type: ignore[call-overload]
    assert "/ID" in reader.trailer
    assert "/Encrypt" not in reader.trailer


@pytest.mark.parametrize("make", ["inspection", "door_test", "patrol"])
def test_the_same_input_gives_the_same_bytes(samples: SampleWorld, make: str) -> None:
    builders: dict[str, Callable[[], bytes]] = {
        "inspection": lambda: inspection_report(coffeeshop_inspection(samples)),
        "door_test": lambda: door_test_report(door_test_pair(samples)),
        "patrol": lambda: patrol_report(patrol(samples), language="en"),
    }
    assert builders[make]() == builders[make]()


def test_the_summary_is_deterministic_too(samples: SampleWorld) -> None:
    venues = {v.id: v for v in samples.world.venues}
    areas = {a.id: a for a in samples.world.areas}
    period = Period(date(2026, 12, 1), date(2026, 12, 31))

    def render() -> bytes:
        items = period_items(samples, 120, seed=3)
        return summary_report(
            summarize(items, samples.engine, period, venues=venues), venues=venues, areas=areas
        )

    assert render() == render()


def test_the_door_test_report_names_testers_by_pseudonym_only(
    reports: dict[str, bytes], samples: SampleWorld, tmp_path: Path
) -> None:
    words = flat(text_of(reports["door_test"], tmp_path))
    assert "Tester Noord-3" in words and "Tester Noord-5" in words
    for user in samples.world.users:
        if user.pseudonym is not None:
            assert user.display_name not in words
            assert user.username not in words
    assert "Aanwijzing voor ongelijke behandeling" in words  # an indication, not a verdict
    assert "12 minuten (toegestaan: 30 minuten)" in words
    assert "Alleen vaste gasten" in words  # the reason given, next to the posted rules
    assert "Den Haag Meldt via denhaagmeldt.nl of (070) 752 82 00" in words
    assert "Aangifte doen bij de politie kan ook" in words
    assert "14 070" not in words and "denhaag.nl)" not in words
    # Only the two house-rule photos: no signature image on a door-test report.
    reader = pypdf.PdfReader(_write(tmp_path, reports["door_test"]))
    images = sum(len(page.images) for page in reader.pages)
    assert images == 2


def test_a_door_test_visit_refuses_a_real_name(samples: SampleWorld) -> None:
    pair = door_test_pair(samples)
    assert pair.test is not None
    with pytest.raises(ValueError, match="pseudonym"):
        ReportInspection(
            version=pair.test.version,
            engine=pair.test.engine,
            status=InspectionStatus.SENT,
            author=Author("Demo-tester A (fictief)"),
        )


def test_a_door_test_with_one_visit_awaits_the_other(samples: SampleWorld, tmp_path: Path) -> None:
    pair = door_test_pair(samples)
    lonely = type(pair)(pair.test_id, pair.test, None, pair.venue)
    words = flat(text_of(door_test_report(lonely), tmp_path))
    assert "Wacht op tweede bezoek" in words
    assert "(nog) niet ontvangen" in words


def test_the_patrol_report_gives_the_hit_rate_per_objective_ground(
    reports: dict[str, bytes], tmp_path: Path
) -> None:
    words = flat(text_of(reports["patrol"], tmp_path))
    assert "Trefkans van proactieve controles per objectieve grond" in words
    # behaviour: a reactive stop, counted apart; circumstance: 1 proactive person, a hit;
    # information: 2 proactive persons, no hit. Three persons: too few for a percentage.
    assert re.search(r"Gedrag 0 0 te weinig controles 1", words)
    assert re.search(r"Omstandigheid 1 1 te weinig controles 0", words)
    assert re.search(r"Totaal 3 1 te weinig controles 1", words)
    assert "niet of er etnisch geprofileerd wordt" in words
    assert "144 Red een Dier" in words
    assert "Gooide een brandend rotje" in words
    assert "Jeugdgroep" in words and "Dierenwelzijn" in words


def test_the_summary_counts_forms_violations_pairs_and_checks(
    reports: dict[str, bytes], tmp_path: Path
) -> None:
    words = flat(text_of(reports["summary"], tmp_path))
    for expected in (
        "Periodeoverzicht 1 december 2026 – 31 december 2026",
        "Aantallen per formulier en status",
        "Coffeeshops: bevindingen per criterium",
        "Herhaalde overtreders",
        "Deurtests: uitkomsten per locatie",
        "Wijkrondes: waarnemingen per soort en wijk",
        "Trefkans",
        # Hit rates per ground, team, area and time of day, each with its sample size.
        "Trefkans per team",
        "Trefkans per wijk",
        "Trefkans per dagdeel",
        "Personen (proactief)",
        "niet of er etnisch geprofileerd wordt",
        # Door-test results as indications, the reverse and not pairable apart.
        "aanwijzing voor ongelijke behandeling van de testgroep",
        "Omgekeerd",
    ):
        assert expected in words, expected
    # Every visit of this month fits its round: no 'Not pairable' column, nor a note on it.
    assert "Niet te koppelen" not in words


def test_the_summary_hit_rate_is_per_person_proactive_only_with_a_minimum_sample(
    samples: SampleWorld, tmp_path: Path
) -> None:
    venues = {v.id: v for v in samples.world.venues}
    areas = {a.id: a for a in samples.world.areas}
    period = Period(date(2026, 12, 1), date(2026, 12, 31))
    # Four shifts with the three sample checks each: 12 proactive persons (2 + 1 per shift),
    # 4 hits, 4 reactive persons apart.
    items = [
        SummaryItem(patrol(samples, seed=seed).version, InspectionStatus.SENT)
        for seed in (1, 2, 3, 4)
    ]
    summary = summarize(items, samples.engine, period, venues=venues)
    assert summary.hit_rate_minimum == 10
    words = flat(text_of(summary_report(summary, venues=venues, areas=areas), tmp_path))
    assert re.search(r"Totaal 12 4 33% 4", words)
    assert re.search(r"Objectieve grond Personen \(proactief\) Treffers Trefkans", words)
    assert re.search(
        r"Informatie \(melding, signalement, opdracht\) 8 0 te weinig controles 0", words
    )
    assert re.search(r"Team Centrum – koppel 2 12 4 33% 4", words)
    assert re.search(r"Schilderswijk 12 4 33% 4", words)
    assert re.search(r"avond \(18–24 uur\) 12 4 33% 4", words)


def test_optional_parts_missing(samples: SampleWorld, tmp_path: Path) -> None:
    """No venue, no reviews, no earlier inspections, no photo bytes in this store."""
    full = coffeeshop_inspection(samples, violations=False, with_reviews=False)
    bare = ReportInspection(
        version=full.version,
        engine=full.engine,
        status=InspectionStatus.SENT,
        author=full.author,
        attachments=no_attachments,
    )
    words = flat(text_of(inspection_report(bare, language="en"), tmp_path))
    assert "Photo not available in this store" in words
    assert "Not reviewed yet." in words
    assert "No findings" in words
    assert "Earlier inspections" not in words


def test_a_hundred_photos(samples: SampleWorld, tmp_path: Path) -> None:
    inspection = coffeeshop_inspection(samples, seed=11, photos=100, with_reviews=False)
    pdf = inspection_report(inspection)
    reader = pypdf.PdfReader(_write(tmp_path, pdf))
    # + stock photo + the signatures of both inspectors
    assert sum(len(page.images) for page in reader.pages) == 100 + 1 + 2
    assert "foto 100 van 100" in flat(text_of(pdf, tmp_path))


def test_five_hundred_repeat_rows(samples: SampleWorld, tmp_path: Path) -> None:
    shift = patrol(samples, seed=5, observations=500, checks=40)
    pdf = patrol_report(shift)
    words = flat(text_of(pdf, tmp_path))
    assert "Totaal 500" in words
    generic = inspection_report(shift)  # the generic report lays the rows out too
    assert len(pypdf.PdfReader(_write(tmp_path, generic)).pages) > 20


def test_very_long_answers_run_on_over_pages(samples: SampleWorld, tmp_path: Path) -> None:
    long_text = " ".join(f"Waarneming {n}: bezoekers stonden buiten te roken." for n in range(900))
    inspection = coffeeshop_inspection(
        samples, seed=12, with_reviews=False, extra={"findings_summary": long_text}
    )
    pdf = inspection_report(inspection)
    words = flat(text_of(pdf, tmp_path))
    assert "Waarneming 899: bezoekers" in words
    shift = patrol(samples, seed=6, observations=3, extra=None)
    row = shift.session.rows["observations"][0]
    shift.session.set_answer("observation_description", long_text, row)
    # The patrol table splits inside a row rather than failing on a cell taller than a page.
    assert b"%PDF" in patrol_report(_refrozen(samples, shift))[:8]


def test_turkish_polish_and_arabic_names(samples: SampleWorld, tmp_path: Path) -> None:
    names = "Şükrü İğneci, Łucja Żak-Kwiatkowska, Michał Dąbrowski-Ńowak"
    arabic = "فاطمة الزهراء بن يوسف"
    inspection = coffeeshop_inspection(
        samples,
        seed=13,
        with_reviews=False,
        extra={"inspectors": names, "operator_name": arabic},
    )
    words = flat(text_of(inspection_report(inspection), tmp_path))
    assert names in words
    if rtl_support():
        assert arabic in words  # shaped, and read back in logical order


def _write(tmp_path: Path, pdf: bytes) -> Path:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return path


def _refrozen(samples: SampleWorld, inspection: ReportInspection) -> ReportInspection:
    """The inspection's session as a new finalized version, as the device would send it."""
    from tests.support.samples import version_of

    version = version_of(
        inspection.session,
        seed="long-patrol",
        author=inspection.version.author,
        started_at=inspection.version.started_at,
        area_id=inspection.version.area_id,
    )
    return ReportInspection(
        version=version,
        engine=inspection.engine,
        status=inspection.status,
        author=inspection.author,
        area=inspection.area,
        attachments=samples.attachment,
    )
