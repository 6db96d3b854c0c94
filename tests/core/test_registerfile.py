"""The register import formats read hostile and broken files without surprises."""

from __future__ import annotations

import json

import pytest

from fieldapp.core.entities import Area
from fieldapp.core.registerfile import (
    MAX_CELL,
    MAX_ROWS,
    TableError,
    area_features,
    read_table,
    venue_rows,
)

HEADER = "id,name,kind,street,house_number,postcode,lat,lon,area\n"
ROW = "bar-a-1,Bar A,bar,Straat,1,2511 AA,52.08,4.30,centrum\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"id,name\x00\n", "NUL"),
        (b"\xff\xfeid", "not UTF-8"),
        (b"id,id\n", "appears twice"),
        ((",".join(f"c{i}" for i in range(60)) + "\n").encode(), "more than 40 columns"),
        ((HEADER + ROW * (MAX_ROWS + 1)).encode(), f"more than {MAX_ROWS} rows"),
    ],
)
def test_a_file_that_is_no_register_table_is_refused_plainly(data: bytes, expected: str) -> None:
    with pytest.raises(TableError, match=expected):
        read_table("venues.csv", data)


def test_the_extension_decides_the_reader() -> None:
    with pytest.raises(TableError, match=r"expected a \.csv or \.xlsx file"):
        read_table("venues.exe", (HEADER + ROW).encode())


def test_an_overlong_cell_is_a_problem_of_its_row_and_column() -> None:
    long_name = "x" * (MAX_CELL + 5)
    rows = venue_rows(read_table("v.csv", (HEADER + ROW.replace("Bar A", long_name)).encode()))
    assert [str(p) for p in rows.problems] == [
        f"row 2, column name: longer than {MAX_CELL} characters"
    ]
    assert rows.items == []


def test_semicolons_and_a_bom_as_dutch_excel_writes_them() -> None:
    text = "\ufeff" + HEADER.replace(",", ";") + ROW.replace(",", ";").replace("52.08", "52,08")
    rows = venue_rows(read_table("v.csv", text.encode()))
    assert rows.problems == []
    assert rows.items[0][1].lat == 52.08


def test_geojson_shapes_that_are_not_boundaries_are_refused() -> None:
    def collection(geometry: object) -> bytes:
        feature = {
            "type": "Feature",
            "properties": {"id": "a", "name": "A", "district": "Centrum"},
            "geometry": geometry,
        }
        return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()

    for geometry in (
        {"type": "Point", "coordinates": [4.3, 52.0]},
        {"type": "Polygon", "coordinates": [[[4.3, 52.0], [4.4, 52.0]]]},
        {"type": "Polygon", "coordinates": [[["a", "b"]] * 4]},
        {"type": "Polygon", "coordinates": "nonsense"},
    ):
        rows = area_features(collection(geometry))
        assert [p.column for p in rows.problems] == ["geometry"], geometry
    with pytest.raises(TableError, match="FeatureCollection"):
        area_features(b'{"type": "Feature"}')
    with pytest.raises(TableError, match="not JSON"):
        area_features(b"{")


def test_an_area_with_a_hole_does_not_contain_the_hole() -> None:
    outline = [(4.0, 52.0), (4.4, 52.0), (4.4, 52.4), (4.0, 52.4), (4.0, 52.0)]
    hole = [(4.1, 52.1), (4.3, 52.1), (4.3, 52.3), (4.1, 52.3), (4.1, 52.1)]
    area = Area(id="a", name="A", district="Centrum", boundary=[[outline, hole]])
    assert area.contains(52.05, 4.05)
    assert not area.contains(52.2, 4.2)
    assert not area.contains(53.0, 4.2)
    assert not Area(id="b", name="B", district="Centrum").contains(52.2, 4.2)
