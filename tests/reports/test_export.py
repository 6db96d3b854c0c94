"""CSV and XLSX exports: one row per inspection, repeats apart, privacy by default."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fieldapp.core.inspection import InspectionStatus
from fieldapp.reports import SummaryItem, export_inspections
from tests.support.samples import SampleWorld, coffeeshop_inspection, patrol


@pytest.fixture(scope="module")
def samples() -> SampleWorld:
    return SampleWorld.load()


@pytest.fixture(scope="module")
def patrols(samples: SampleWorld) -> list[SummaryItem]:
    return [
        SummaryItem(
            patrol(samples, seed=seed, observations=seed + 1).version, InspectionStatus.SENT
        )
        for seed in (1, 2, 3)
    ]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_csv_has_one_row_per_inspection_and_a_file_per_repeat(
    samples: SampleWorld, patrols: list[SummaryItem], tmp_path: Path
) -> None:
    venues = {v.id: v for v in samples.world.venues}
    areas = {a.id: a for a in samples.world.areas}
    written = export_inspections(
        patrols,
        samples.engine,
        "neighbourhood_patrol",
        tmp_path / "patrols.csv",
        fmt="csv",
        venues=venues,
        areas=areas,
    )
    names = sorted(path.name for path in written)
    assert names == [
        "patrols.codebook.csv",
        "patrols.csv",
        "patrols.observations.csv",
        "patrols.person_checks.csv",
        "patrols.referrals.csv",
    ]
    rows = read_csv(tmp_path / "patrols.csv")
    assert len(rows) == 3
    assert {row["inspection_id"] for row in rows} == {
        item.version.inspection_id for item in patrols
    }
    assert rows[0]["area_name"] == "Schilderswijk"
    assert rows[0]["district"] == "Centrum"  # a choice label, not the code 'centrum'
    # Calculations are exported too; three persons checked proactively are too few for a rate.
    assert "hit_rate_percent" in rows[0] and rows[0]["hit_rate_percent"] == ""
    observations = read_csv(tmp_path / "patrols.observations.csv")
    assert len(observations) == 2 + 3 + 4
    assert {row["inspection_id"] for row in observations} <= {row["inspection_id"] for row in rows}
    assert observations[0]["row_number"] == "1"
    # Not relevant in that row (not a fireworks observation): empty, not a stale answer.
    youth = next(row for row in observations if row["category"] == "Jeugdgroep")
    assert youth["fireworks_free_zone"] == ""
    codebook = read_csv(tmp_path / "patrols.codebook.csv")
    category = next(row for row in codebook if row["column"] == "category")
    assert "fireworks=Vuurwerk" in category["choices"]


def test_personal_data_is_left_out_unless_asked_for(
    samples: SampleWorld, patrols: list[SummaryItem], tmp_path: Path
) -> None:
    export_inspections(
        patrols, samples.engine, "neighbourhood_patrol", tmp_path / "a.csv", fmt="csv"
    )
    header = read_csv(tmp_path / "a.csv")[0].keys()
    assert "officer_numbers" not in header and "author" not in header
    assert "officer_signature" not in header
    checks = read_csv(tmp_path / "a.person_checks.csv")[0].keys()
    assert "objective_ground" in checks and "objective_ground_description" not in checks
    export_inspections(
        patrols,
        samples.engine,
        "neighbourhood_patrol",
        tmp_path / "b.csv",
        fmt="csv",
        include_personal_data=True,
        authors=lambda username: f"<{username}>",
    )
    rows = read_csv(tmp_path / "b.csv")
    assert rows[0]["officer_numbers"] == "4411, 4417"
    assert rows[0]["author"] == "<youssef.benali>"
    assert "officer_signature" not in rows[0]  # signatures never leave the app


def test_xlsx_has_typed_cells_sheets_per_repeat_and_no_formulas(
    samples: SampleWorld, tmp_path: Path
) -> None:
    inspection = coffeeshop_inspection(
        samples,
        seed=21,
        with_reviews=False,
        extra={"nearest_school_name": '=HYPERLINK("http://example.invalid")'},
    )
    items = [SummaryItem(inspection.version, InspectionStatus.APPROVED)]
    path = tmp_path / "shops.xlsx"
    export_inspections(
        items,
        samples.engine,
        "coffeeshop_inspection",
        path,
        fmt="xlsx",
        language="en",
        venues={v.id: v for v in samples.world.venues},
    )
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["inspections", "observed_sales", "codebook"]
    sheet = workbook["inspections"]
    # Labels in the first header row, the stable names in the second.
    header = [cell.value for cell in sheet[2]]
    row = dict(zip(header, (cell.value for cell in sheet[3]), strict=True))
    assert row["venue_name"] == "Het Kleine Veentje"
    assert row["total_stock_grams"] == 535.5
    assert "advertising_photo" not in row  # photos may show people: personal data
    assert row["announced"] == "No"
    assert row["status"] == "Approved"
    assert "findings_summary" not in row  # free text about people: personal data
    summary_cell = sheet.cell(row=3, column=header.index("nearest_school_name") + 1)
    assert summary_cell.data_type == "s"  # stays text, never a formula
    assert str(summary_cell.value).startswith("=HYPERLINK")


def test_an_export_without_inspections_says_so(samples: SampleWorld, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no inspections"):
        export_inspections([], samples.engine, "door_test", tmp_path / "x.csv", fmt="csv")
