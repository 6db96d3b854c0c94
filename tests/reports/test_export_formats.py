"""Exports that open right: CSV for Dutch Excel and plain RFC 4180, and an XLSX with labels,
names, a filter, a frozen header, geopoints as numbers and deterministic bytes (issue 11)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from fieldapp.core.inspection import InspectionStatus
from fieldapp.reports import SummaryItem, export_inspections
from tests.support.samples import SampleWorld, coffeeshop_inspection, patrol


@pytest.fixture(scope="module")
def samples() -> SampleWorld:
    return SampleWorld.load()


@pytest.fixture(scope="module")
def items(samples: SampleWorld) -> list[SummaryItem]:
    return [
        SummaryItem(
            coffeeshop_inspection(samples, seed=seed, with_reviews=False).version,
            InspectionStatus.APPROVED,
        )
        for seed in (21, 22)
    ]


def export(
    samples: SampleWorld, items: list[SummaryItem], path: Path, **options: object
) -> list[Path]:
    return export_inspections(
        items,
        samples.engine,
        "coffeeshop_inspection",
        path,
        venues={v.id: v for v in samples.world.venues},
        areas={a.id: a for a in samples.world.areas},
        **options,  # type: ignore[arg-type]
    )


def test_csv_for_dutch_excel_has_bom_semicolons_and_decimal_commas(
    samples: SampleWorld, items: list[SummaryItem], tmp_path: Path
) -> None:
    path = tmp_path / "shops.csv"
    export(samples, items, path, fmt="csv", language="nl", csv_style="excel")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    stock = {item.version.inspection_id: item.version.document["answers"] for item in items}
    for row in rows:
        grams = stock[row["inspection_id"]].get("total_stock_grams")
        if isinstance(grams, float) and not grams.is_integer():
            assert row["total_stock_grams"] == repr(grams).replace(".", ",")
    assert any("," in row["total_stock_grams"] for row in rows)
    cells = [cell for row in rows for cell in row.values()]
    assert "1.0" not in cells and "0.0" not in cells
    assert rows[0]["announced"] in {"Ja", "Nee"}
    assert rows[0]["status"] == "Goedgekeurd"


def test_csv_rfc4180_is_plain(
    samples: SampleWorld, items: list[SummaryItem], tmp_path: Path
) -> None:
    path = tmp_path / "shops.csv"
    export(samples, items, path, fmt="csv", language="en", csv_style="rfc4180")
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == 2
    assert all("," not in row["total_stock_grams"] for row in rows)
    assert "1.0" not in [cell for row in rows for cell in row.values()]


def test_calculated_flags_never_read_one_point_zero(samples: SampleWorld, tmp_path: Path) -> None:
    item = SummaryItem(patrol(samples, seed=1, observations=3).version, InspectionStatus.SENT)
    for style, language in (("excel", "nl"), ("rfc4180", "en")):
        written = export_inspections(
            [item],
            samples.engine,
            "neighbourhood_patrol",
            tmp_path / f"patrol-{style}.csv",
            fmt="csv",
            language=language,  # type: ignore[arg-type]
            csv_style=style,  # type: ignore[arg-type]
        )
        observations = next(path for path in written if path.name.endswith("observations.csv"))
        text = observations.read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text), delimiter=";" if style == "excel" else ","))
        assert rows and {row["is_animal_welfare"] for row in rows} <= {"0", "1"}
        cells = [cell for path in written for cell in path.read_text("utf-8-sig").split(",")]
        assert not [cell for cell in cells if cell.strip() in {"1.0", "0.0", "1,0", "0,0"}]


def test_xlsx_has_labels_names_filter_frozen_header_and_numeric_geopoints(
    samples: SampleWorld, items: list[SummaryItem], tmp_path: Path
) -> None:
    path = tmp_path / "shops.xlsx"
    export(samples, items, path, fmt="xlsx", language="nl")
    sheet = load_workbook(path)["inspections"]
    labels = [cell.value for cell in sheet[1]]
    names = [cell.value for cell in sheet[2]]
    assert labels[names.index("venue_name")] == "Locatie"
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:{get_column_letter(len(names))}4"
    row = dict(zip(names, (cell.value for cell in sheet[3]), strict=True))
    engine = samples.engines["coffeeshop_inspection"]
    outcome_labels = {o.name: o.label["nl"] for o in engine.definition.outcomes}
    (first,) = [item for item in items if item.version.inspection_id == row["inspection_id"]]
    assert row["findings"] == "; ".join(outcome_labels[name] for name in first.version.outcomes)


def test_xlsx_geopoints_are_two_numeric_columns(samples: SampleWorld, tmp_path: Path) -> None:
    version = patrol(samples, seed=2, observations=2).version
    path = tmp_path / "patrol.xlsx"
    export_inspections(
        [SummaryItem(version, InspectionStatus.SENT)],
        samples.engine,
        "neighbourhood_patrol",
        path,
        fmt="xlsx",
        language="en",
        include_personal_data=True,  # locations may point to a home: left out by default
    )
    sheet = load_workbook(path)["observations"]
    names = [str(cell.value) for cell in sheet[2]]
    points = [name[: -len("_lat")] for name in names if name.endswith("_lat")]
    assert points
    stored_rows = version.document["repeats"]["observations"]
    for number, stored in enumerate(stored_rows, start=3):
        row = dict(zip(names, (cell.value for cell in sheet[number]), strict=True))
        for point in points:
            answer = stored["answers"].get(point)
            if not answer:
                continue
            latitude, longitude = (float(part) for part in str(answer).split()[:2])
            assert isinstance(row[f"{point}_lat"], float)
            assert row[f"{point}_lat"] == pytest.approx(latitude)
            assert row[f"{point}_lon"] == pytest.approx(longitude)


def test_xlsx_is_deterministic(
    samples: SampleWorld, items: list[SummaryItem], tmp_path: Path
) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    export(samples, items, first, fmt="xlsx")
    export(samples, items, second, fmt="xlsx")
    assert first.read_bytes() == second.read_bytes()
    latest = max(item.version.finalized_at for item in items)
    with zipfile.ZipFile(first) as archive:
        stamps = {info.date_time for info in archive.infolist()}
        core = archive.read("docProps/core.xml").decode()
    assert stamps == {(latest.year, latest.month, latest.day, latest.hour, latest.minute, 0)}
    assert latest.strftime("%Y-%m-%dT%H:%M") in core
