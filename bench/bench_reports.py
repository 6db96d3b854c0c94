"""Report figures: the inspection report next to bare reportlab Platypus, and the period summary.

The baseline lays out the same content (the same facts, findings, answers by section with
choice labels, the same photos at the same size, the same embedded font) with a plain
SimpleDocTemplate and nothing else: no page x of y, no PDF/A pieces, photos embedded as
they are. The ratio is the cost of what the report adds.

The whole command is timed too, on a profile seeded with `--profile-inspections` (the
inspection with the most photos): in the process, from the unlocked profile to the file
written, against reading the same inspection the same way and laying it out bare; and as
processes, `fieldapp report inspection` against a process that starts, unlocks, reads and
lays out bare (both pay Python's start and the profile's deliberate Argon2id unlock).

The door-test report of one round is timed in a profile holding `--door-tests` door tests:
found through the store's round index, against every door test decoded (the way before).

The period summary is timed over 10,000 inspections: aggregation, then layout.
Run: .venv/bin/python bench/bench_reports.py (it measures the checkout it is in).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table

# This checkout's package, not whichever one the environment has installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fieldapp.core.forms import QuestionType
from fieldapp.reports import Period, inspection_report, summarize, summary_report
from fieldapp.reports.answered import shown
from fieldapp.reports.fonts import report_fonts
from fieldapp.reports.i18n import local
from fieldapp.reports.model import ReportInspection
from fieldapp.reports.text import format_answer

if TYPE_CHECKING:
    from fieldapp.store import PastInspection
    from tests.support.samples import SampleWorld

HERE = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"
USER = "fatima.elamrani"


def bare_platypus(inspection: ReportInspection) -> bytes:
    """The same content with plain Platypus: what a minimal report would do."""
    fonts = report_fonts()
    body = ParagraphStyle("b", fontName=fonts.regular, fontSize=9.5, leading=12.5)
    head = ParagraphStyle("h", parent=body, fontName=fonts.bold, fontSize=12.5, leading=16)
    session, engine = inspection.session, inspection.engine

    def cell(text: str) -> Paragraph:
        return Paragraph(escape(text), body)

    story: list[object] = [Paragraph("Gemeente Den Haag", head)]
    venue = inspection.venue
    facts = [
        ["Locatie", venue.name if venue else ""],
        ["Boa", inspection.author.name],
        ["Status", inspection.status.value],
    ]
    story.append(
        Table([[Paragraph(escape(a), body), Paragraph(escape(b), body)] for a, b in facts])
    )
    for outcome in inspection.outcomes():
        story.append(Paragraph(escape(f"{outcome.severity}: {local(outcome.label, 'nl')}"), body))
        if outcome.explanation:
            story.append(Paragraph(escape(local(outcome.explanation, "nl")), body))
    earlier = [
        [cell(str(item.started_at)), cell(item.status.value), cell(", ".join(item.outcomes))]
        for item in inspection.earlier
    ]
    if earlier:
        story.append(Table(earlier))
    for group in engine.definition.questions:
        story.append(Paragraph(escape(local(group.label, "nl")), head))
        rows = []
        for question in group.questions or ():
            field = engine.fields[question.name]
            if not shown(field, session, None):
                continue
            value = session.value(question.name)
            if field.kind is QuestionType.IMAGE and isinstance(value, tuple):
                for sha in value:
                    story.append(cell(f"{local(question.label, 'nl')} {sha}"))
                    story.append(
                        Image(
                            io.BytesIO(inspection.attachments(sha)), width=80 * mm, height=60 * mm
                        )
                    )
                continue
            if field.kind is QuestionType.SIGNATURE and isinstance(value, str):
                story.append(
                    Image(io.BytesIO(inspection.attachments(value)), width=70 * mm, height=23 * mm)
                )
                continue
            text = format_answer(field, value, "nl", inspection.venues)
            rows.append(
                [
                    Paragraph(escape(local(question.label, "nl")), body),
                    Paragraph(escape(text), body),
                ]
            )
        if rows:
            story.append(Table(rows, colWidths=[60 * mm, 110 * mm]))
        story.append(Spacer(0, 4 * mm))
    history = [
        [
            cell(str(entry.at)),
            cell(entry.actor),
            cell(entry.action.value),
            cell(" ".join([entry.comment, *(c.text for c in entry.question_comments)])),
        ]
        for entry in inspection.reviews
    ]
    if history:
        story.append(Table(history))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)  # type: ignore[arg-type]
    return buffer.getvalue()


def camera_photo(seed: int) -> bytes:
    """A 12-megapixel JPEG with sensor-like noise, so it is as large as a real one (~3 MB)."""
    from PIL import Image as PILImage
    from PIL import ImageChops

    from tests.support.samples import sample_photo

    base = PILImage.open(io.BytesIO(sample_photo(seed, (4000, 3000))))
    noise = PILImage.effect_noise((4000, 3000), 24).convert("RGB")
    out = io.BytesIO()
    ImageChops.add(base, noise, scale=1.6, offset=-60).save(out, format="JPEG", quality=92)
    return out.getvalue()


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def compare(title: str, inspection: ReportInspection, repeat: int) -> None:
    inspection_report(inspection)  # warm caches on both sides alike
    bare_platypus(inspection)
    ours: list[float] = []
    baseline: list[float] = []
    for _ in range(repeat):  # interleaved, so machine noise hits both
        ours.extend(timed(lambda: inspection_report(inspection), 1))
        baseline.extend(timed(lambda: bare_platypus(inspection), 1))
    ours_median, base_median = statistics.median(ours), statistics.median(baseline)
    ours_size, base_size = len(inspection_report(inspection)), len(bare_platypus(inspection))
    print(f"inspection report, {title}")
    print(f"  fieldapp report   median {ours_median * 1000:7.1f} ms  {ours_size:>10,} bytes")
    print(f"  bare Platypus     median {base_median * 1000:7.1f} ms  {base_size:>10,} bytes")
    print(f"  ratio             {ours_median / base_median:.2f}x  (target <= 1.3x)")


def seeded_profile(home: Path, count: int) -> str:
    """A profile with `count` seeded inspections; returns the coffeeshop inspection with the
    most photos."""
    from fieldapp.store import open_profile
    from fieldapp.store.seed import seed_profile

    with open_profile(home, USER, PASSWORD, create=True) as profile:
        seed_profile(profile, count, photo_share=0.5)
        shops = [
            summary
            for summary in profile.inspections(form_ids=("coffeeshop_inspection",))
            if summary.version_id is not None
        ]
        best = max(shops, key=lambda s: len(profile.version(s.version_id or "").attachments))
        return best.inspection_id


def whole_command(home: Path, inspection_id: str, repeat: int) -> None:
    """From the unlocked profile to the file on disk, against the same read laid out bare;
    then both as processes, from Python's start."""
    from fieldapp.app.reports import report_inspection
    from fieldapp.core.files import write_atomically
    from fieldapp.reports.local import LocalReportSource
    from fieldapp.store import open_profile

    output = home / "report.pdf"
    with open_profile(home, USER, PASSWORD, create=False) as profile:
        source = LocalReportSource(profile)

        def ours() -> None:
            report_inspection(source, inspection_id, output)

        def bare() -> None:
            write_atomically(output, bare_platypus(source.report_inspection(inspection_id)))

        ours()
        bare()
        mine: list[float] = []
        baseline: list[float] = []
        for _ in range(repeat):
            mine.extend(timed(ours, 1))
            baseline.extend(timed(bare, 1))
        photos = len(source.report_inspection(inspection_id).version.attachments)
    ours_median, base_median = statistics.median(mine), statistics.median(baseline)
    print(f"the whole command, {photos} attachments, from an unlocked profile to the file")
    print(f"  fieldapp report   median {ours_median * 1000:7.1f} ms")
    print(f"  bare Platypus     median {base_median * 1000:7.1f} ms  (the same read, then bare)")
    print(f"  ratio             {ours_median / base_median:.2f}x  (target <= 1.3x)")

    env = dict(os.environ, FIELDAPP_PASSWORD=PASSWORD, PYTHONPATH=str(HERE))
    env.pop("FIELDAPP_HOME", None)
    command = [sys.executable, "-m", "fieldapp", "report", "inspection", inspection_id]
    command += ["--home", str(home), "--user", USER, "-o", str(output)]
    child = [sys.executable, str(Path(__file__).resolve()), "--bare-child", str(home)]
    child += [inspection_id, str(output)]
    mine, baseline = [], []

    def run(argv: list[str]) -> None:
        # From the checkout's folder: the current folder comes first on the module path.
        subprocess.run(argv, cwd=HERE, env=env, check=True, stdout=subprocess.DEVNULL)

    for _ in range(max(3, repeat // 2)):
        mine.extend(timed(lambda: run(command), 1))
        baseline.extend(timed(lambda: run(child), 1))
    ours_median, base_median = statistics.median(mine), statistics.median(baseline)
    print("  as processes: start, unlock (Argon2id), read, lay out, write")
    print(f"  fieldapp report inspection  median {ours_median * 1000:7.1f} ms")
    print(f"  bare process                median {base_median * 1000:7.1f} ms")
    print(f"  ratio                       {ours_median / base_median:.2f}x  (target <= 1.3x)")


def bare_child(home: Path, inspection_id: str, output: Path) -> None:
    """The bare side as a process: unlock, read the inspection, lay it out bare, write."""
    from fieldapp.core.files import write_atomically
    from fieldapp.reports.local import LocalReportSource
    from fieldapp.store import open_profile

    report_fonts()
    with open_profile(home, USER, os.environ["FIELDAPP_PASSWORD"], create=False) as profile:
        inspection = LocalReportSource(profile).report_inspection(inspection_id)
        write_atomically(output, bare_platypus(inspection))


def door_tests(samples: SampleWorld, rounds: int) -> list[PastInspection]:
    """`rounds` rounds of two visits: the sample pair (with its photos) as the last round,
    the others made from it under other round ids (without photos: only the round's own
    visits are shown)."""
    from fieldapp.core.inspection import InspectionVersion
    from fieldapp.store import PastInspection
    from tests.support.samples import door_test_pair

    pair = door_test_pair(samples)
    past = []
    for half in (pair.test, pair.control):
        assert half is not None
        version = half.version
        files = {a.sha256: samples.attachment(a.sha256) for a in version.attachments}
        past.append(PastInspection(version, files))
        photos = {a.sha256 for a in version.attachments}
        answers = {
            name: value
            for name, value in version.document["answers"].items()
            if not (isinstance(value, list) and photos & set(map(str, value)))
        }
        for number in range(rounds - 1):
            document = {**version.document, "answers": {**answers, "test_id": f"dt-{number}"}}
            copy = version.model_copy(
                update={
                    "inspection_id": f"{len(past):032x}",
                    "version_id": f"{len(past) + 10**7:032x}",
                    "document": document,
                    "attachments": (),
                }
            )
            content = InspectionVersion.hash_of(copy.form_id, copy.form_version, None, document, ())
            past.append(PastInspection(copy.model_copy(update={"content_hash": content})))
    return past


def door_test_round(samples: SampleWorld, home: Path, visits: int, repeat: int) -> None:
    """One round's report from a profile holding `visits` door tests: the round's visits
    found through the store's round index, against every door test decoded and compared
    (how the report found them before), each timed to the PDF."""
    from fieldapp.reports import ReportDoorTest, door_test_report
    from fieldapp.reports.local import LocalReportSource
    from fieldapp.store import open_profile
    from fieldapp.store.seed import seed_reference_data
    from tests.support.samples import paired_from_every_door_test

    with open_profile(home, USER, PASSWORD, create=True) as profile:
        seed_reference_data(profile)
        past = door_tests(samples, visits // 2)
        for start in range(0, len(past), 1000):
            profile.add_past_inspections(past[start : start + 1000])
        source = LocalReportSource(profile)
        round_id = past[0].version.document["answers"]["test_id"]

        def every_door_test() -> ReportDoorTest:
            return paired_from_every_door_test(profile, source, round_id)

        before = door_test_report(every_door_test())
        after = door_test_report(source.report_door_test(round_id))
        assert before == after, "the two ways must print the same report"
        old: list[float] = []
        new: list[float] = []
        for _ in range(repeat):
            old.extend(timed(lambda: door_test_report(every_door_test()), 1))
            new.extend(timed(lambda: door_test_report(source.report_door_test(round_id)), 1))
        count = profile.count(form_ids=("door_test",))
    old_median, new_median = statistics.median(old), statistics.median(new)
    print(f"door-test report of one round, {count:,} door tests in the profile (same PDF)")
    print(f"  every door test decoded (before)  median {old_median * 1000:8.1f} ms")
    print(f"  the round's visits only (after)   median {new_median * 1000:8.1f} ms")
    print(f"  ratio                             {new_median / old_median:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--photos", type=int, default=8)
    parser.add_argument("--inspections", type=int, default=10_000)
    parser.add_argument("--profile-inspections", type=int, default=2_000)
    parser.add_argument("--door-tests", type=int, default=2_000)
    parser.add_argument("--bare-child", nargs=3, metavar=("HOME", "ID", "OUT"), help="internal")
    args = parser.parse_args()
    if args.bare_child:
        home, inspection_id, output = args.bare_child
        bare_child(Path(home), inspection_id, Path(output))
        return
    from tests.support.samples import (
        SampleWorld,
        coffeeshop_inspection,
        period_items,
        with_advertising_photos,
    )

    samples = SampleWorld.load()
    report_fonts()
    base = coffeeshop_inspection(samples, photos=args.photos)
    small = tuple(samples.photo(8000 + i, (960, 720)) for i in range(args.photos))
    compare(
        f"{args.photos} report-sized photos (960x720)",
        with_advertising_photos(samples, base, small),
        args.repeat,
    )
    camera = tuple(samples.add(camera_photo(9000 + i)) for i in range(args.photos))
    compare(
        f"{args.photos} camera photos (4000x3000, ~5 MB each)",
        with_advertising_photos(samples, base, camera),
        max(3, args.repeat // 3),
    )
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        whole_command(home, seeded_profile(home, args.profile_inspections), args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        door_test_round(samples, Path(folder), args.door_tests, max(3, args.repeat // 3))

    items = period_items(samples, args.inspections)
    venues = {v.id: v for v in samples.world.venues}
    areas = {a.id: a for a in samples.world.areas}
    period = Period(date(2026, 12, 1), date(2026, 12, 31))
    start = time.perf_counter()
    summary = summarize(items, samples.engine, period, venues=venues)
    aggregated = time.perf_counter()
    pdf = summary_report(summary, venues=venues, areas=areas)
    done = time.perf_counter()
    print(f"period summary over {summary.total} inspections ({len(pdf)} bytes)")
    print(f"  aggregate {1000 * (aggregated - start):7.1f} ms")
    print(f"  layout    {1000 * (done - aggregated):7.1f} ms")
    print(f"  total     {1000 * (done - start):7.1f} ms")


if __name__ == "__main__":
    main()
