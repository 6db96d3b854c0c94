"""Regression tests for the defects issue 11 names, one per defect, each named after it.

Real profiles (SQLCipher files) filled through the store's use cases; expected figures come
from a direct SQL query on the profile, not from the report code under test.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer

from fieldapp.app.reports import ReportSource, export, inspection_pdf, report_source, report_summary
from fieldapp.cli import main
from fieldapp.core.forms import Severity
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.reports.answered import AnswerLine, FigureBlock, Section
from fieldapp.reports.document import CONTENT_WIDTH, DocumentInfo, ReportStyles, render_pdf
from fieldapp.reports.flowables import Figure, grid_table, key_value_table, para
from fieldapp.reports.fonts import report_fonts
from fieldapp.reports.i18n import Language
from fieldapp.reports.local import LocalReportSource
from fieldapp.reports.model import Period, TrailStep, no_attachments
from fieldapp.reports.parts import (
    TableEndKeptTogether,
    blocks_flowables,
    signatures_kept_with_what_precedes,
)
from fieldapp.reports.summary import AWAITING, PeriodSummary, VenueFindings, summarize
from fieldapp.reports.summary_report import summary_report
from fieldapp.reports.text import format_answer
from fieldapp.store import KdfParams, Profile, images, open_profile
from fieldapp.store.seed import seed_profile
from tests.reports.test_door_test_pairing import finalized_visit
from tests.support.central import (
    BOA,
    DEMO_PASSWORD,
    MYSTERY_GUEST,
    SUPERVISOR_CENTRUM,
    running_central,
)
from tests.support.samples import SampleWorld
from tests.support.store import (
    DEMO_RULES,
    PASSWORD,
    USER,
    FakeClock,
    fill_draft,
    new_profile,
    raw_connection,
    snapshot,
)
from tests.support.sync import client_for

CLUB = "club-grotemarkt-20"
DEC_4 = datetime(2026, 12, 4, 20, 0)
WHOLE_YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


def text_of(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def counted_by_sql(profile: Profile, areas: tuple[str, ...]) -> Counter[str]:
    """Finalized inspections per form whose own area, or else their venue's, is in `areas`."""
    marks = ", ".join("?" for _ in areas)
    rows = raw_connection(profile).execute(
        "SELECT i.form_id, COUNT(*) FROM inspections i LEFT JOIN venues v ON v.id = i.venue_id"
        " WHERE i.current_version_id IS NOT NULL"
        f" AND COALESCE(i.area_id, v.area_id) IN ({marks}) GROUP BY i.form_id",
        areas,
    )
    return Counter({str(form): int(count) for form, count in rows})


@pytest.fixture
def mixed_profile(tmp_path: Path) -> Profile:
    """A coffeeshop inspection, a door-test visit and a patrol, in three places."""
    profile = new_profile(tmp_path / "device")
    shop = fill_draft(profile, "coffeeshop_inspection", 11)
    profile.finalize(shop)
    patrol = fill_draft(profile, "neighbourhood_patrol", 12)
    profile.finalize(patrol)
    finalized_visit(
        profile, round_id="pt-2026-07", venue=CLUB, role="test", arrival=datetime(2026, 12, 4, 23)
    )
    return profile


def test_area_filter_drops_coffeeshop_inspections_and_door_tests(
    mixed_profile: Profile, tmp_path: Path
) -> None:
    profile = mixed_profile
    source = LocalReportSource(profile)
    shop_area = source.venues()["cs-weimar-12"].area
    areas = (shop_area, source.venues()[CLUB].area)
    expected = counted_by_sql(profile, areas)
    assert expected["coffeeshop_inspection"] == 1 and expected["door_test"] == 1
    summary = summarize(
        source.summary_items(WHOLE_YEAR, areas),
        source.engine,
        WHOLE_YEAR,
        venues=source.venues(),
        areas=areas,
    )
    counted = Counter({form: sum(c.values()) for form, c in summary.per_form_status.items()})
    assert counted == expected
    pdf = report_summary(source, WHOLE_YEAR.start, WHOLE_YEAR.end, tmp_path / "s.pdf", areas=areas)
    assert "Coffeeshop" in text_of(pdf)
    written = export(
        source,
        "coffeeshop_inspection",
        WHOLE_YEAR.start,
        WHOLE_YEAR.end,
        tmp_path / "shops.csv",
        fmt="csv",
        areas=(shop_area,),
    )
    content = written[0].read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(content.splitlines()[0], delimiters=",;")
    rows = list(csv.DictReader(content.splitlines(), dialect=dialect))
    assert len(rows) == counted_by_sql(profile, (shop_area,))["coffeeshop_inspection"]
    profile.close()


def test_earlier_inspections_list_later_ones_and_upload_times(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 2, 14, 5, tzinfo=UTC))
    profile = new_profile(tmp_path / "device", username=BOA, clock=clock)
    visits = []
    for day in (datetime(2026, 11, 2, 14, 5), datetime(2026, 11, 20, 10, 30), DEC_4):
        clock.moment = day.replace(tzinfo=UTC)
        inspection_id = fill_draft(profile, "coffeeshop_inspection", 11)
        profile.finalize(inspection_id)
        visits.append(inspection_id)
    first, middle, last = visits
    venue = "cs-weimar-12"
    before = raw_connection(profile).execute(
        "SELECT id, started_at FROM inspections WHERE venue_id = ? AND id != ?"
        " AND started_at < (SELECT started_at FROM inspections WHERE id = ?)",
        (venue, middle, middle),
    )
    expected = {str(row[0]): datetime.fromisoformat(str(row[1])) for row in before}
    assert set(expected) == {first}

    def check(source: ReportSource) -> None:
        report = source.report_inspection(middle)
        earlier = {e.inspection_id: e.started_at for e in report.earlier}
        assert set(earlier) == set(expected)
        assert all(
            at.astimezone(UTC) == expected[key].astimezone(UTC) for key, at in earlier.items()
        )

    check(LocalReportSource(profile))
    with running_central("sqlite", tmp_path / "central", "earlier") as central:
        with client_for(profile, central.url) as sync:
            assert sync.sync_once().complete
        with report_source(
            tmp_path, SUPERVISOR_CENTRUM, DEMO_PASSWORD, server_url=central.url
        ) as remote:
            check(remote)
    assert last not in expected
    profile.close()


def test_venue_findings_keep_top_three_before_dropping_attention_and_stop_at_20_rows(
    tmp_path: Path,
) -> None:
    samples = SampleWorld.load()
    engine = samples.engines["coffeeshop_inspection"]
    venues = {v.id: v for v in samples.world.venues}
    shops = [v.id for v in samples.world.venues if v.kind.value == "coffeeshop"]
    assert len(shops) > 22
    summary = PeriodSummary(WHOLE_YEAR, ())
    for outcome in engine.definition.outcomes:
        summary.outcome_labels[outcome.name] = (outcome.label, Severity(outcome.severity))
    # The first venue: three frequent attention-level findings and rare serious ones.
    busy = VenueFindings(inspections=9, with_violation=2)
    busy.outcomes.update(
        {
            "permit_not_displayed": 6,
            "operator_not_identified": 5,
            "school_too_close": 4,
            "criterion_J_violation": 1,
            "criterion_H_violation": 1,
        }
    )
    summary.coffeeshop_venues[shops[0]] = busy
    # More venues with a violation each than the old 20-row table held.
    for shop in shops[1:]:
        found = VenueFindings(inspections=1, with_violation=1)
        found.outcomes["alcohol_on_site"] = 1
        summary.coffeeshop_venues[shop] = found
    summary.total = sum(f.inspections for f in summary.coffeeshop_venues.values())
    pdf = summary_report(summary, venues=venues, areas={a.id: a for a in samples.world.areas})
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    words = text_of(path)
    serious = [
        o.label["nl"]
        for o in engine.definition.outcomes
        if busy.outcomes[o.name] and Severity(o.severity).rank >= Severity.VIOLATION.rank
    ]
    assert len(serious) == 2
    for label in serious:
        assert " ".join(label.split()) in words, label
    # Every venue is accounted for: listed by name (or folded into "and N more").
    listed = [shop for shop in shops if venues[shop].name in words]
    assert len(listed) == len(shops)


def test_local_reports_print_usernames_and_reviewer_by_username(tmp_path: Path) -> None:
    """A mystery guest's device knows the users the change feed sends it: its own team and
    that team's supervisor. The reviewer of a seeded visit must be one it can name."""
    world = load_world(seeds_directory())
    team = "team-uitgaan"
    supervisors = {t.supervisor for t in world.teams if t.id == team}
    known = [u for u in world.users if u.team == team or u.username in supervisors]
    with open_profile(
        tmp_path,
        MYSTERY_GUEST,
        DEMO_PASSWORD,
        kdf=KdfParams.fast_for_tests(),
        clock=FakeClock(),
        password_rules=DEMO_RULES,
    ) as profile:
        profile.replace_reference_data(replace(snapshot(), team_users=known))
        seed_profile(profile, 400, seed=5)
        source = LocalReportSource(profile)
        reviewed = [
            s for s in profile.inspections() if s.form_id == "door_test" and s.review is not None
        ]
        assert reviewed
        usernames = [u.username for u in world.users]
        for summary in reviewed[:8]:
            report = source.report_inspection(summary.inspection_id)
            reader = PdfReader(io.BytesIO(inspection_pdf(report)))
            words = " ".join(page.extract_text() for page in reader.pages)
            words += f" {reader.metadata}"
            assert not [name for name in usernames if name in words], summary.inspection_id


def test_submitted_counts_versions_never_sent(tmp_path: Path) -> None:
    """The trail of a version the central store never acknowledged says 'finalized on the
    device', never 'submitted'; once acknowledged, 'submitted' at the receipt's time."""
    with new_profile(tmp_path) as profile:
        shop = fill_draft(profile, "coffeeshop_inspection", 11)
        version = profile.finalize(shop)
        source = LocalReportSource(profile)
        steps = [entry.action for entry in source.report_inspection(shop).reviews]
        assert profile.outbox_entry(version.version_id) is not None
        assert TrailStep.SUBMITTED not in steps
        assert steps == [TrailStep.FINALIZED]
        profile.mark_sent(version.version_id, "receipt-1")
        sent = profile.outbox_entry(version.version_id)
        assert sent is not None and sent.sent_at is not None
        trail = source.report_inspection(shop).reviews
        assert [entry.action for entry in trail] == [TrailStep.FINALIZED, TrailStep.SUBMITTED]
        assert trail[1].at == sent.sent_at


def test_summary_creation_date_is_the_period_end_in_the_future(
    mixed_profile: Profile, tmp_path: Path
) -> None:
    source = LocalReportSource(mixed_profile)
    written = report_summary(source, date(2026, 1, 1), date(2099, 12, 31), tmp_path / "s.pdf")
    created = PdfReader(written).metadata
    assert created is not None and created.creation_date is not None
    (latest,) = (
        raw_connection(mixed_profile)
        .execute("SELECT MAX(v.finalized_at) FROM versions v")
        .fetchone()
    )
    assert created.creation_date.replace(tzinfo=None) <= datetime.fromisoformat(
        str(latest)
    ).replace(tzinfo=None)
    mixed_profile.close()


def test_an_unknown_area_is_accepted_with_exit_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FIELDAPP_PASSWORD", PASSWORD)
    new_profile(tmp_path).close()
    base = ["--home", str(tmp_path), "--user", USER, "--from", "2026-01-01", "--to", "2026-12-31"]
    summary = ["report", "summary", *base, "-o", str(tmp_path / "s.pdf")]
    assert main([*summary, "--area", "nonexistent"]) == 1
    assert "nonexistent" in capsys.readouterr().err
    assert not (tmp_path / "s.pdf").exists()
    assert main(["export", *base, "--area", "atlantis", "--lang", "en"]) == 1
    assert "Unknown area: atlantis" in capsys.readouterr().err
    assert main([*summary, "--area", "centrum"]) == 0


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [("nl", "1 persoon", "2 personen"), ("en", "1 person", "2 people")],
)
def test_one_personen_one_people(language: Language, one: str, two: str) -> None:
    samples = SampleWorld.load()
    engine = samples.engines["door_test"]
    field_ = engine.fields["group_size"]
    assert format_answer(field_, 1, language) == one
    assert format_answer(field_, 2, language) == two


def test_a_trail_mixing_times_with_and_without_an_offset_broke_the_pdf_preview(
    tmp_path: Path,
) -> None:
    """Before: the review screen's PDF preview failed with a TypeError (a traceback in the
    log, no PDF) when the trail held the store's times (UTC) next to a record's own time
    without an offset. Now the trail sorts, and the report dates the last step."""
    from fieldapp.reports.inspection_report import inspection_report
    from fieldapp.reports.model import ReviewEntry
    from tests.support.samples import coffeeshop_inspection

    inspection = coffeeshop_inspection(SampleWorld.load(), seed=3, with_reviews=True)
    naive = inspection.version.finalized_at.replace(tzinfo=None)
    received = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    mixed = replace(
        inspection,
        reviews=(
            ReviewEntry(naive, "Fatima", TrailStep.FINALIZED, inspection.version.version_id),
            ReviewEntry(received, "Ingrid", TrailStep.APPROVED, inspection.version.version_id),
        ),
    )
    assert mixed.latest_review_time() == received
    assert mixed.as_of() == received
    pdf = inspection_report(mixed)
    (tmp_path / "mixed.pdf").write_bytes(pdf)
    assert len(PdfReader(tmp_path / "mixed.pdf").pages) >= 1


def test_the_summary_s_door_tests_explained_a_missing_column_and_charted_open_rounds_as_0(
    tmp_path: Path,
) -> None:
    """Before, on a summary's page of coffeeshops and door tests: a venue with only
    attention points read "And 2 points of attention"; the note under the door tests
    explained a 'Not pairable' column the table did not have; and a venue whose round
    awaited its second visit was charted as a bar of 0."""
    samples = SampleWorld.load()
    engine = samples.engines["coffeeshop_inspection"]
    venues = {v.id: v for v in samples.world.venues}
    shop = next(v.id for v in samples.world.venues if v.kind.value == "coffeeshop")
    clubs = [v.id for v in samples.world.venues if v.kind.value != "coffeeshop"][:2]
    summary = PeriodSummary(WHOLE_YEAR, ())
    for outcome in engine.definition.outcomes:
        summary.outcome_labels[outcome.name] = (outcome.label, Severity(outcome.severity))
    calm = VenueFindings(inspections=1, with_violation=0)
    calm.outcomes.update({"permit_not_displayed": 1, "operator_not_identified": 1})
    summary.coffeeshop_venues[shop] = calm
    summary.total = 3
    summary.door_tests[clubs[0]] = Counter({"unequal_treatment": 1})
    summary.door_tests[clubs[1]] = Counter({AWAITING: 1})
    path = tmp_path / "summary.pdf"
    path.write_bytes(
        summary_report(
            summary, venues=venues, areas={a.id: a for a in samples.world.areas}, language="en"
        )
    )
    words = text_of(path)
    assert "2 points of attention" in words
    assert "And 2 points" not in words and "and 2 points" not in words
    assert "Not pairable" not in words  # no such column, so no word on it
    # The legend names the open rounds beside the table's header: charted, not a bar of 0.
    assert words.count("Awaiting 2nd visit") >= 2, words


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [("en", "6 Dec 2026 09:30", "6 December 2026"), ("nl", "06-12-2026 09:30", "6 december 2026")],
)
def test_an_english_report_dated_its_review_history_04_12_beside_4_december(
    tmp_path: Path, language: Language, short: str, long: str
) -> None:
    """Before: an English report's review history read "06-12-2026 09:30" under an
    "As of 6 December 2026" (an English reader may take 06-12 for June). English short
    dates now name the month; Dutch keep day-month-year, which no Dutch reader misreads."""
    from fieldapp.reports.inspection_report import inspection_report
    from fieldapp.reports.model import ReviewEntry
    from tests.support.samples import coffeeshop_inspection

    inspection = coffeeshop_inspection(SampleWorld.load(), seed=3)
    approved = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    version = inspection.version.version_id
    reviewed = replace(
        inspection,
        reviews=(ReviewEntry(approved, "Ingrid", TrailStep.APPROVED, version),),
    )
    (tmp_path / "r.pdf").write_bytes(inspection_report(reviewed, language=language))
    words = " ".join(page.extract_text() for page in PdfReader(tmp_path / "r.pdf").pages)
    assert short in words
    assert long in words
    if language == "en":
        assert "06-12-2026" not in words


def _pages_of_a_pdf(tmp_path: Path, story: list[Flowable], language: Language = "nl") -> list[str]:
    """The text of each page of the PDF the report layout makes of `story`."""
    info = DocumentInfo(
        title="t",
        author="a",
        subject="s",
        language=language,
        created_at=datetime(2026, 12, 4, tzinfo=UTC),
        identifier="x",
    )
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(render_pdf(story, info, report_fonts()))
    return [page.extract_text() for page in PdfReader(pdf).pages]


def _lines_of_a_table_pdf(
    tmp_path: Path, language: Language, build: Callable[[ReportStyles], Flowable]
) -> list[str]:
    """The text lines of a one-page PDF holding the table `build` makes with the styles."""
    (page, *_) = _pages_of_a_pdf(
        tmp_path, [build(ReportStyles(report_fonts(), language))], language
    )
    return [line.strip() for line in page.splitlines()]


def test_a_header_that_fits_broken_between_words_was_hyphenated_into_pro_actief(
    tmp_path: Path,
) -> None:
    """Before: the summary's column "Personen (proactief)" read "Personen (pro-" over
    "actief)": reportlab hyphenated to fill the first line although "(proactief)" fits the
    column whole. A header is now hyphenated only when a word of it is wider than its
    column, and then at a hyphenation point of the language."""

    def table(styles: ReportStyles) -> Flowable:
        header = styles.header_cell
        # As in the summary: room for "Personen (pro-" on the first line, not the rest.
        persons = stringWidth("Personen (pro-", header.fontName, header.fontSize) + 6 + 2
        narrow = 22 * mm
        return grid_table(
            ["Objectieve grond", "Personen (proactief)", "Handhavingsbevoegdheden"],
            [["Gedrag", "9", "ja"]],
            styles,
            [CONTENT_WIDTH - persons - narrow, persons, narrow],
        )

    lines = _lines_of_a_table_pdf(tmp_path, "nl", table)
    words = " ".join(lines)
    assert "(proactief)" in lines, lines
    assert "(pro-" not in words
    # The one word wider than its column still breaks at hyphenation points.
    assert "Handha-" in lines and "Handhavingsbevoegdheden" not in words, lines


def test_an_english_summary_cut_a_dutch_area_name_mid_word(tmp_path: Path) -> None:
    """Before: in an English period summary the narrow area columns read "Laakkwar" /
    "tier en Sp" / "oorwijk": the English hyphenator finds no point in a Dutch name, so
    reportlab cut it where the line ended. A place's name is hyphenated as Dutch."""

    def table(styles: ReportStyles) -> Flowable:
        narrow = 18 * mm
        return grid_table(
            ["Category", "Laakkwartier en Spoorwijk", "Total"],
            [["Nuisance", "1", "1"]],
            styles,
            [CONTENT_WIDTH - 2 * narrow, narrow, narrow],
            right_aligned=(1, 2),
            places=(1,),
        )

    lines = _lines_of_a_table_pdf(tmp_path, "en", table)
    # Every break inside a word is at a Dutch hyphenation point, marked with a hyphen.
    assert "Laak-" in lines or "Laakkwartier" in lines, lines
    assert not any(line in ("Laakkwar", "tier en Sp", "oorwijk") for line in lines), lines


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("column_mm", [16, 18, 20])
def test_a_place_in_parentheses_was_cut_mid_word_without_a_hyphen(
    tmp_path: Path, language: Language, column_mm: int
) -> None:
    """Before: a summary column headed "Regentes-Valkenbos (Weimarstraat)" read "(Weima" /
    "rstraat)" or "Weimarst" / "raat)": reportlab's hyphenation found no point in a word
    that starts with a parenthesis, and cut it where the line ended. Next to it, a break at
    a name's own hyphen must not get a second one."""

    def table(styles: ReportStyles) -> Flowable:
        narrow = column_mm * mm
        return grid_table(
            ["Category", "Regentes-Valkenbos (Weimarstraat)", "Scheveningen-Bad en -Dorp"],
            [["Nuisance", "1", "2"]],
            styles,
            [CONTENT_WIDTH - 2 * narrow, narrow, narrow],
            right_aligned=(1, 2),
            places=(1, 2),
        )

    lines = _lines_of_a_table_pdf(tmp_path, language, table)
    header = lines[1 : lines.index("Nuisance")]
    # Every line ends at a space or after a hyphen: read back with a line that ends in a
    # hyphen joined to the next, and without hyphens, the headers are the names again.
    joined = "".join(line if line.endswith("-") else f"{line} " for line in header)
    names = "Regentes-Valkenbos (Weimarstraat) Scheveningen-Bad en -Dorp"
    assert joined.replace("-", "").strip() == names.replace("-", ""), header
    assert not any(line.endswith("--") for line in header), header


def test_a_section_heading_stood_alone_at_the_foot_of_a_page_above_a_block_kept_together(
    tmp_path: Path,
) -> None:
    """Before: a patrol report's "Controles van personen" stood alone at the foot of a
    page, its hit-rate tables on the next: reportlab keeps a heading with the next
    flowable, but not with a KeepTogether. The heading now goes with the block."""
    styles = ReportStyles(report_fonts(), "nl")
    filler = [para(f"Regel {n} van de vulling.", styles.body) for n in range(38)]
    rows = [[f"Grond {n}", str(n)] for n in range(12)]
    block = KeepTogether(
        [
            para("Trefkans per grond", styles.h2),
            grid_table(["Grond", "Personen"], rows, styles, [CONTENT_WIDTH - 30 * mm, 30 * mm]),
        ]
    )
    story = [*filler, para("Controles van personen", styles.h1), block]
    pages = _pages_of_a_pdf(tmp_path, story)
    assert "Regel 37" in pages[0] and "Trefkans per grond" not in pages[0], pages[0][-200:]
    heading = [n for n, text in enumerate(pages) if "Controles van personen" in text]
    block_page = [n for n, text in enumerate(pages) if "Trefkans per grond" in text]
    assert heading == block_page, (heading, block_page)


def test_a_table_moved_whole_to_the_next_page_with_the_signature_after_it(
    tmp_path: Path,
) -> None:
    """Before: a patrol's table of checks was kept on one page with the signature after it,
    so the whole table moved to the next page and left half of this one blank. Now the
    table breaks: its first rows stay, its last goes on with the statement and signature."""
    styles = ReportStyles(report_fonts(), "nl")
    filler = [para(f"Regel {n} van de vulling.", styles.body) for n in range(22)]
    rows = [[f"Controle {n}", "Gedrag: zag iets gebeuren"] for n in range(1, 9)]
    table = grid_table(["Controle", "Grond"], rows, styles, [60 * mm, CONTENT_WIDTH - 60 * mm])
    # As a signature block: the closing statement, then the signature's height.
    after = [para("Naar waarheid opgemaakt.", styles.body), Spacer(0, 110 * mm)]
    story = [*filler, TableEndKeptTogether([], table, after), para("Beoordeling", styles.h1)]
    pages = _pages_of_a_pdf(tmp_path, story)
    assert len(pages) == 2, pages
    # The first rows stay below the filler; the last goes on with the statement.
    assert "Regel 21" in pages[0] and "Controle 1" in pages[0], pages[0]
    assert "Controle 8" in pages[1] and "Naar waarheid opgemaakt." in pages[1], pages[1]
    assert "Controle 8" not in pages[0]


def test_a_page_before_two_officers_signatures_was_left_mostly_blank(tmp_path: Path) -> None:
    """Before: a coffeeshop report signed by two officers left most of a page blank above
    its last answers and the signatures. Each signature is kept with its caption, and
    reportlab wraps such a group as endlessly tall: the group they were kept in never
    fitted a page and always moved to a new one."""
    styles = ReportStyles(report_fonts(), "nl")
    story: list[Flowable] = [para(f"Regel {n} van de vulling.", styles.body) for n in range(16)]
    story.append(key_value_table([("Einde van de controle", "14 januari 2026, 12:02")], styles))
    data = images.signature(7)
    sha = hashlib.sha256(data).hexdigest()
    for number, statement in ((1, "Naar waarheid opgemaakt."), (2, "")):
        block = FigureBlock(
            [Figure(sha, f"Handtekening van boa {number}")],
            signature=True,
            signer=f"Boa {number} · getekend op 14 januari 2026",
            statement=statement,
        )
        story.append(signatures_kept_with_what_precedes(story, block, lambda _: data, styles, "nl"))
    pages = _pages_of_a_pdf(tmp_path, story)
    assert len(pages) == 1, [text[:80] for text in pages]
    assert "Einde van de controle" in pages[0] and "Boa 2 · getekend" in pages[0]


def test_an_answer_s_label_stood_alone_at_the_foot_of_a_page(tmp_path: Path) -> None:
    """Before: "Samenvatting van de bevindingen" ended a page, its text on the next."""
    styles = ReportStyles(report_fonts(), "nl")
    filler = [para(f"Regel {n} van de vulling.", styles.body) for n in range(42)]
    text = "Bevindingen: verkoop aan een jeugdige; alcohol aanwezig. " * 6
    summary = AnswerLine("summary", "Samenvatting van de bevindingen", text, long=True)
    section = Section("closing", "Afsluiting", [summary])
    story = [*filler, *blocks_flowables(section, no_attachments, styles, "nl")]
    pages = _pages_of_a_pdf(tmp_path, story)
    assert "Regel 41" in pages[0] and len(pages) == 2, pages
    labelled = [n for n, page in enumerate(pages) if "Samenvatting van de bevindingen" in page]
    begun = [n for n, page in enumerate(pages) if "Bevindingen: verkoop" in page]
    assert labelled == begun[:1], (labelled, begun)


def _rows_per_page(pages: list[str], count: int) -> list[int]:
    """How many of the rows "Rij 1" … "Rij count" each page shows."""
    return [
        sum(1 for n in range(1, count + 1) if re.search(rf"\bRij {n}\b", page)) for page in pages
    ]


def _rows(count: int) -> list[list[str]]:
    return [[f"Rij {n}", "Groep jongeren bij de speeltuin."] for n in range(1, count + 1)]


def _filler(lines: int, styles: ReportStyles) -> list[Flowable]:
    return [para(f"Regel {n} van de vulling.", styles.body) for n in range(lines)]


def test_a_table_began_with_one_row_at_the_foot_of_a_page(tmp_path: Path) -> None:
    """Before: a table could begin at the foot of a page with its header and one row, the
    rest on the next page, or end with its last row alone on the next page (the summary's
    table of observations). A table that breaks leaves at least two rows on each page.
    Checked at every place the table can begin on a page."""
    styles = ReportStyles(report_fonts(), "nl")
    alone = []
    for lines in range(30, 62):
        story = _filler(lines, styles)
        story.append(grid_table(["Rij", "Waarneming"], _rows(12), styles, [30 * mm, 120 * mm]))
        counts = _rows_per_page(_pages_of_a_pdf(tmp_path, story), 12)
        assert sum(counts) == 12, counts
        if 1 in counts:
            alone.append((lines, counts))
    assert alone == []


def test_a_heading_moved_a_table_longer_than_a_page_to_the_next_page(tmp_path: Path) -> None:
    """Before: a heading before a table longer than a page moved with it to the next page
    whenever the rest of the page could not hold the whole table, which it never can: the
    rest of the page stayed blank (reportlab keeps a heading with what follows it). The
    table now begins under its heading where its header and first two rows fit."""
    styles = ReportStyles(report_fonts(), "nl")
    began_here = 0
    for lines in range(30, 62):
        story = _filler(lines, styles)
        story.append(para("Waarnemingen", styles.h1))
        story.append(grid_table(["Rij", "Waarneming"], _rows(70), styles, [30 * mm, 120 * mm]))
        pages = _pages_of_a_pdf(tmp_path, story)
        counts = _rows_per_page(pages, 70)
        assert sum(counts) == 70 and 1 not in counts, counts
        [heading_page] = [n for n, page in enumerate(pages) if "Waarnemingen" in page]
        # The heading is with the table's first rows, and on the filler's last page
        # whenever two rows fit below it there.
        assert counts[heading_page] >= 2, (lines, counts)
        began_here += heading_page == [n for n, page in enumerate(pages) if "Regel" in page][-1]
    # Of 32 layouts, five leave less room below the filler than the heading, the header
    # and two rows take (39 lines of filler still hold them: the spaces around a heading
    # are counted as the frame lays them out).
    assert began_here == 27, began_here


def test_tall_rows_under_a_heading_left_the_heading_alone_on_its_page(tmp_path: Path) -> None:
    """A table whose rows are each half a page tall (a long description) is split inside
    a row where it must: holding it back for two whole rows left its heading alone on the
    first page and one row on each page after (found in review of the rule above)."""
    styles = ReportStyles(report_fonts(), "nl")
    text = " ".join(["Zeer lange waarneming die doorloopt over de pagina heen."] * 40)
    rows = [[f"Rij {n}", f"R{n}begin {text} R{n}eind"] for n in range(1, 4)]
    story: list[Flowable] = [para("Waarnemingen", styles.h1)]
    story.append(grid_table(["Rij", "Waarneming"], rows, styles, [30 * mm, 120 * mm]))
    pages = _pages_of_a_pdf(tmp_path, story)
    assert len(pages) == 2, [page[:60] for page in pages]
    assert "Waarnemingen" in pages[0] and "R2begin" in pages[0], pages[0][-200:]
    assert "R3eind" in pages[1]


def test_a_table_kept_with_its_signature_began_with_one_row_at_a_page_s_foot(
    tmp_path: Path,
) -> None:
    """A table whose end is kept with the signature (`TableEndKeptTogether`) broke as if at
    the top of a page, so it could still begin at the foot of one with its header and one
    row. It now follows the table's own rule there too."""
    styles = ReportStyles(report_fonts(), "nl")
    alone = []
    for lines in range(36, 46):
        table = grid_table(["Rij", "Grond"], _rows(12), styles, [30 * mm, 120 * mm])
        after = [para("Naar waarheid opgemaakt.", styles.body), Spacer(0, 30 * mm)]
        story = [*_filler(lines, styles), TableEndKeptTogether([], table, after)]
        counts = _rows_per_page(_pages_of_a_pdf(tmp_path, story), 12)
        assert sum(counts) == 12, counts
        if 1 in counts:
            alone.append((lines, counts))
    assert alone == []
