"""Make the report pictures in docs/reports: the first page of each report kind, as PNG.

    python -m tools.report_images docs/reports [--lang nl] [--dpi 90]

Builds the same sample reports the PDF tests read back (a coffeeshop inspection, a paired
door test, a patrol, a period summary of 400 inspections in December 2026) and turns each
first page into a picture with `pdftoppm` (poppler-utils).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.report_images")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--lang", default="nl", choices=("nl", "en"))
    parser.add_argument("--dpi", type=int, default=90)
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing: install poppler-utils", file=sys.stderr)
        return 1
    from fieldapp.reports.door_test_report import door_test_report
    from fieldapp.reports.inspection_report import inspection_report
    from fieldapp.reports.model import Period
    from fieldapp.reports.patrol_report import patrol_report
    from fieldapp.reports.summary import summarize
    from fieldapp.reports.summary_report import summary_report
    from tests.support.samples import (
        SampleWorld,
        coffeeshop_inspection,
        door_test_pair,
        patrol,
        period_items,
    )

    samples = SampleWorld.load()
    venues = {v.id: v for v in samples.world.venues}
    areas = {a.id: a for a in samples.world.areas}
    period = Period(date(2026, 12, 1), date(2026, 12, 31))
    summary = summarize(period_items(samples, 400), samples.engine, period, venues=venues)
    language = args.lang
    pdfs = {
        "inspection": inspection_report(coffeeshop_inspection(samples), language=language),
        "door-test": door_test_report(door_test_pair(samples), language=language),
        "patrol": patrol_report(patrol(samples), language=language),
        "summary": summary_report(summary, venues=venues, areas=areas, language=language),
    }
    args.folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for name, pdf in pdfs.items():
            source = Path(scratch) / f"{name}.pdf"
            source.write_bytes(pdf)
            stem = Path(scratch) / name
            subprocess.run(
                [
                    *("pdftoppm", "-r", str(args.dpi), "-png", "-f", "1", "-l", "1"),
                    *("-singlefile", str(source), str(stem)),
                ],
                check=True,
            )
            target = args.folder / f"{name}.png"
            shutil.move(f"{stem}.png", target)
            print(f"saved {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
