"""The import formats of a municipality's registers: venues, areas, teams and users as tables.

A register comes as CSV (comma or semicolon, UTF-8, a header row), as an Excel workbook
(the first sheet, a header row) or, for areas, as GeoJSON. Reading turns each row into the
entity it describes and lists every problem with its row and column, so a person can fix
the file in one go; nothing here knows the central store (whether an area named by a venue
exists is checked where the store is: fieldapp.server.register). Column names are the
field names of the entities, documented in docs/administration.md. Every problem is said in
Dutch and English: the administrator reads it on a screen in her own language.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from fieldapp.core.entities import Area, Role, Team, User, Venue
from fieldapp.core.texts import Text

#: The most rows one import may hold: far above a city's register, low enough to bound work.
MAX_ROWS = 20_000
#: The most columns a table may have; a wider one is not one of these registers.
MAX_COLUMNS = 40
#: The longest text a cell may hold.
MAX_CELL = 2_000
#: The Netherlands, generously (Rottumeroog to Eijsden, Cadzand to Nieuweschans).
NL_LATITUDE = (50.7, 53.7)
NL_LONGITUDE = (3.2, 7.3)

_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")
_TRUE = {"true", "yes", "ja", "1", "y", "j", "x", "waar"}
_FALSE = {"false", "no", "nee", "0", "n", "", "onwaar"}


@dataclass(frozen=True)
class RowProblem:
    """One problem of an import, where a person finds it: row (1 is the header, 0 the whole
    file, None a single record edited on a screen) and column."""

    row: int | None
    column: str
    message: Text

    def line(self, language: str) -> str:
        """The problem as one line for a person reading `language` ("nl" or "en")."""
        if self.row is None:
            prefix = f"{self.column}: " if self.column else ""
            return prefix + self.message.pick(language)
        where = (
            Text(f"rij {self.row}", f"row {self.row}") if self.row else Text("bestand", "file")
        ).pick(language)
        if self.column:
            where += Text(f", kolom {self.column}", f", column {self.column}").pick(language)
        return f"{where}: {self.message.pick(language)}"

    def __str__(self) -> str:
        return self.line("en")


def _t(nl: str, en: str) -> Text:
    return Text(nl, en)


_M = TypeVar("_M", bound=BaseModel)
_T = TypeVar("_T")


@dataclass
class Rows(Generic[_M]):
    """The entities a file describes, each with its row, and the problems found on the way.

    `failed` keeps the cells of each row that did not become an entity, so the store can
    still check what those rows refer to (an unknown area is listed beside a bad postcode,
    not only once the postcode is fixed)."""

    items: list[tuple[int, _M]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    failed: list[tuple[int, Mapping[str, str]]] = field(default_factory=list)


class TableError(ValueError):
    """The file is not a table at all (unreadable, no header, too large)."""

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(en)
        self.text = Text(nl, en)
        self.message = en


@dataclass(frozen=True)
class Table:
    """A header and the rows under it, each row a mapping from column name to text."""

    columns: tuple[str, ...]
    rows: tuple[tuple[int, Mapping[str, str]], ...]


# --- reading tables ---------------------------------------------------------------------------


def read_table(name: str, data: bytes) -> Table:
    """A table from CSV or XLSX bytes, chosen by the file name's extension."""
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        return _read_xlsx(data)
    if lowered.endswith((".csv", ".txt")):
        return _read_csv(data)
    raise TableError(
        f"{name}: verwacht een .csv- of .xlsx-bestand", f"{name}: expected a .csv or .xlsx file"
    )


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError(
            f"het bestand is geen UTF-8-tekst (byte {error.start})",
            f"the file is not UTF-8 text (byte {error.start})",
        ) from None
    if "\x00" in text:
        raise TableError(
            "het bestand bevat een NUL-teken: het is geen CSV-tekst",
            "the file holds a NUL character: it is not a CSV text",
        )
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [(reader.line_num, row) for row in _bounded(reader)]
    except csv.Error as error:
        raise TableError(
            f"rij {reader.line_num}: {error}", f"row {reader.line_num}: {error}"
        ) from None
    return _table(records)


def _read_xlsx(data: bytes) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise TableError(
            f"het bestand is geen Excel-werkmap ({error})",
            f"the file is not an Excel workbook ({error})",
        ) from None
    try:
        sheet = workbook.worksheets[0]
        records = [
            (index, [_cell_text(value) for value in row[: MAX_COLUMNS + 1]])
            for index, row in enumerate(_bounded(sheet.iter_rows(values_only=True)), start=1)
        ]
    finally:
        workbook.close()
    return _table(records)


def _bounded(rows: Iterable[_T]) -> Iterable[_T]:
    for count, row in enumerate(rows):
        if count > MAX_ROWS:
            raise TableError(
                f"meer dan {MAX_ROWS} rijen; splits het bestand",
                f"more than {MAX_ROWS} rows; split the file",
            )
        yield row


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _table(records: Sequence[tuple[int, Sequence[str]]]) -> Table:
    filled = [(number, row) for number, row in records if any(cell.strip() for cell in row)]
    if not filled:
        raise TableError(
            "het bestand is leeg: verwacht een kopregel met rijen eronder",
            "the file is empty: expected a header row and rows under it",
        )
    header_row, header = filled[0]
    if len(header) > MAX_COLUMNS:
        raise TableError(f"meer dan {MAX_COLUMNS} kolommen", f"more than {MAX_COLUMNS} columns")
    columns = tuple(cell.strip().lower().replace(" ", "_") for cell in header)
    doubles = sorted({c for c in columns if c and columns.count(c) > 1})
    if doubles:
        raise TableError(
            f"rij {header_row}: de kolom {doubles[0]} staat er twee keer in",
            f"row {header_row}: the column {doubles[0]} appears twice",
        )
    rows: list[tuple[int, Mapping[str, str]]] = []
    for number, row in filled[1:]:
        values = {
            column: cell.strip()[: MAX_CELL + 1]
            for column, cell in zip(columns, row, strict=False)
            if column
        }
        rows.append((number, values))
    return Table(columns, tuple(rows))


# --- rows to entities ---------------------------------------------------------------------------


def _check_columns(table: Table, required: Iterable[str], known: Iterable[str]) -> list[RowProblem]:
    allowed = set(known)
    problems = [
        RowProblem(1, column, _t("deze kolom is verplicht", "this column is required"))
        for column in required
        if column not in table.columns
    ]
    problems += [
        RowProblem(
            1,
            column,
            _t(
                f"onbekende kolom (verwacht een van {', '.join(sorted(allowed))})",
                f"unknown column (expected one of {', '.join(sorted(allowed))})",
            ),
        )
        for column in table.columns
        if column and column not in allowed
    ]
    return problems


def _flag(value: str) -> bool | None:
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return None


#: The entities' own rules (fieldapp.core.entities), in Dutch: the English pattern as the
#: validator says it, and the Dutch with the same groups.
_RULES_NL: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), dutch)
    for pattern, dutch in (
        (r"^a coffeeshop needs a permit_number$", "een coffeeshop heeft een permit_number nodig"),
        (
            r"^only a coffeeshop has a permit_number, not a (.+)$",
            r"alleen een coffeeshop heeft een permit_number, geen \1",
        ),
        (r"^a mystery guest needs a pseudonym$", "een mystery guest heeft een pseudoniem nodig"),
        (
            r"^only a mystery guest has a pseudonym, not a (.+)$",
            r"alleen een mystery guest heeft een pseudoniem, geen \1",
        ),
        (
            r"^a language is listed twice in 'languages'$",
            "een taal staat twee keer in 'languages'",
        ),
    )
)


def pydantic_text(problem: Any) -> Text:
    """One of pydantic's problems (an `errors()` item) as a sentence in Dutch and English."""
    kind = str(problem.get("type", ""))
    english = str(problem.get("msg", "")).removeprefix("Value error, ")
    context = problem.get("ctx") or {}
    if kind == "missing":
        return _t("ontbreekt", english)
    if kind == "string_too_short":
        if context.get("min_length") == 1:
            return _t("is leeg", english)
        return _t(f"korter dan {context.get('min_length')} tekens", english)
    if kind == "string_too_long":
        return _t(f"langer dan {context.get('max_length')} tekens", english)
    if kind == "string_pattern_mismatch":
        return _t(f"heeft niet de vorm {context.get('pattern')}", english)
    if kind in ("enum", "literal_error"):
        expected = str(context.get("expected", "")).replace(" or ", " of ")
        return _t(f"moet een van deze zijn: {expected}", english)
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        return _t("is geen getal", english)
    if kind == "too_short":
        return _t(f"heeft minstens {context.get('min_length')} waarde(n) nodig", english)
    bounds = {
        "greater_than": ("groter dan", "gt"),
        "greater_than_equal": ("minstens", "ge"),
        "less_than": ("kleiner dan", "lt"),
        "less_than_equal": ("hoogstens", "le"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return _t(f"moet {words} {context.get(key)} zijn", english)
    for pattern, dutch in _RULES_NL:
        if pattern.match(english):
            return _t(pattern.sub(dutch, english), english)
    return _t(f"ongeldige waarde ({english})", english)


#: A row's own problems as its builder finds them: the column and what is wrong there.
Found = list[tuple[str, Text]]


def _parse_rows(
    table: Table,
    model: type[_M],
    build: Callable[[Mapping[str, str], Found], dict[str, Any]],
    column_of: Mapping[str, str],
    key: Callable[[_M], str],
    key_column: str,
) -> Rows[_M]:
    """Validate each row on its own; problems name the row and the column, every one of a
    row at once (a builder's own, then the entity's rules for the columns not yet named)."""
    found: Rows[_M] = Rows()
    first: dict[str, int] = {}

    def once(ident: str, number: int) -> bool:
        """Whether `ident` is new here; a second use is a problem of its row, whatever
        else is wrong with either row (an id used twice hid behind a row's other problems
        and came up only once they were mended)."""
        if not ident:
            return True
        if ident not in first:
            first[ident] = number
            return True
        found.problems.append(
            RowProblem(
                number,
                key_column,
                _t(
                    f"'{ident}' staat er twee keer in (eerst in rij {first[ident]})",
                    f"'{ident}' is used twice (first in row {first[ident]})",
                ),
            )
        )
        return False

    for number, cells in table.rows:
        written = cells.get(key_column, "").strip()
        too_long = [c for c, v in cells.items() if len(v) > MAX_CELL]
        if too_long:
            found.problems.extend(
                RowProblem(
                    number,
                    c,
                    _t(f"langer dan {MAX_CELL} tekens", f"longer than {MAX_CELL} characters"),
                )
                for c in too_long
            )
            found.failed.append((number, cells))
            continue
        own: Found = []
        values = build(cells, own)
        found.problems.extend(RowProblem(number, column, message) for column, message in own)
        try:
            item = model.model_validate(values)
        except ValidationError as error:
            told = {column for column, _ in own}
            for problem in error.errors():
                message = pydantic_text(problem)
                if problem["loc"]:
                    name = str(problem["loc"][0])
                    column = column_of.get(name, name)
                else:  # a rule over several fields: name the first column it speaks of
                    column = next((c for c in table.columns if c and c in message.en), "")
                if column not in told:
                    told.add(column)
                    found.problems.append(RowProblem(number, column, message))
            once(written, number)
            found.failed.append((number, cells))
            continue
        if not once(key(item), number) or own:
            found.failed.append((number, cells))
            continue
        found.items.append((number, item))
    return found


VENUE_COLUMNS = (
    "id",
    "name",
    "kind",
    "street",
    "house_number",
    "postcode",
    "lat",
    "lon",
    "area",
    "permit_number",
    "operator",
    "opening_hours",
    "active",
    "notes_nl",
    "notes_en",
)
VENUE_REQUIRED = ("id", "name", "kind", "street", "house_number", "postcode", "lat", "lon", "area")


def venue_rows(table: Table) -> Rows[Venue]:
    """Venues from a table with the columns VENUE_COLUMNS."""
    header = _check_columns(table, VENUE_REQUIRED, VENUE_COLUMNS)
    if header:
        return Rows(problems=header)

    def build(cells: Mapping[str, str], problems: Found) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: cells.get(name, "")
            for name in ("id", "name", "kind", "street", "house_number", "area")
        }
        values["postcode"] = _postcode(cells.get("postcode", ""), problems)
        for axis, (low, high) in (("lat", NL_LATITUDE), ("lon", NL_LONGITUDE)):
            # Quoted as the file has it: "53.9" in a Dutch message about a file that says
            # "53,9" made the administrator look for a number that is not there.
            written = cells.get(axis, "")
            try:
                number = float(written.replace(",", "."))
            except ValueError:
                problems.append(
                    (axis, _t(f"'{written}' is geen getal", f"'{written}' is not a number"))
                )
                continue
            if not low <= number <= high:
                problems.append(
                    (
                        axis,
                        _t(
                            f"'{written}' ligt buiten Nederland",
                            f"'{written}' lies outside the Netherlands",
                        ),
                    )
                )
            values[axis] = number
        for optional in ("permit_number", "operator", "opening_hours"):
            if cells.get(optional):
                values[optional] = cells[optional]
        active = _flag(cells.get("active", "true") or "true")
        if active is None:
            problems.append(("active", _not_a_flag(cells.get("active", ""))))
        values["active"] = bool(active)
        notes = {
            lang: cells[f"notes_{lang}"] for lang in ("nl", "en") if cells.get(f"notes_{lang}")
        }
        if notes:
            values["notes"] = notes
        return values

    return _parse_rows(table, Venue, build, {"notes": "notes_nl"}, lambda v: v.id, "id")


def _not_a_flag(text: str) -> Text:
    return _t(f"'{text}' is geen ja of nee", f"'{text}' is not yes or no")


def _postcode(text: str, problems: Found) -> str:
    match = _POSTCODE.match(text)
    if match is None:
        problems.append(
            (
                "postcode",
                _t(
                    f"'{text}' is geen Nederlandse postcode (1234 AB)",
                    f"'{text}' is not a Dutch postcode (1234 AB)",
                ),
            )
        )
        return text
    return f"{match[1]} {match[2].upper()}"


AREA_COLUMNS = ("id", "name", "district", "fireworks_free_zone", "coffeeshop_overconcentration")


def _area_values(cells: Mapping[str, str], problems: Found) -> dict[str, Any]:
    values: dict[str, Any] = {name: cells.get(name, "") for name in ("id", "name", "district")}
    for flag in ("fireworks_free_zone", "coffeeshop_overconcentration"):
        value = _flag(cells.get(flag, ""))
        if value is None:
            problems.append((flag, _not_a_flag(cells.get(flag, ""))))
        values[flag] = bool(value)
    return values


def area_rows(table: Table) -> Rows[Area]:
    """Areas from a table with the columns AREA_COLUMNS (no boundaries: use GeoJSON)."""
    header = _check_columns(table, ("id", "name", "district"), AREA_COLUMNS)
    if header:
        return Rows(problems=header)
    return _parse_rows(table, Area, _area_values, {}, lambda a: a.id, "id")


def area_features(data: bytes) -> Rows[Area]:
    """Areas from a GeoJSON FeatureCollection: properties as the CSV columns, a Polygon or
    MultiPolygon boundary. A problem's "row" is the feature's number (from 1)."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise TableError(
            f"het bestand is geen JSON ({error})", f"the file is not JSON ({error})"
        ) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise TableError(
            "verwacht een GeoJSON-FeatureCollection", "expected a GeoJSON FeatureCollection"
        )
    features = document.get("features")
    if not isinstance(features, list) or len(features) > MAX_ROWS:
        raise TableError(
            f"'features' moet een lijst van hoogstens {MAX_ROWS} features zijn",
            f"'features' must be a list of at most {MAX_ROWS} features",
        )
    rows: list[tuple[int, Mapping[str, str]]] = []
    boundaries: dict[int, Any] = {}
    problems: list[RowProblem] = []
    columns: set[str] = set()
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            problems.append(
                RowProblem(
                    number,
                    "properties",
                    _t("een feature heeft properties nodig", "a feature needs properties"),
                )
            )
            continue
        cells = {str(k): _property_text(v) for k, v in properties.items()}
        columns.update(cells)
        rows.append((number, cells))
        geometry = feature.get("geometry")
        if geometry is not None:
            boundary = _boundary(geometry)
            if boundary is None:
                problems.append(
                    RowProblem(
                        number,
                        "geometry",
                        _t(
                            "verwacht een Polygon of MultiPolygon van [lon, lat] in Nederland",
                            "expected a Polygon or MultiPolygon of [lon, lat] in the Netherlands",
                        ),
                    )
                )
            else:
                boundaries[number] = boundary
    table = Table(tuple(sorted(columns)), tuple(rows))
    unknown = [c for c in table.columns if c not in AREA_COLUMNS]
    problems += [RowProblem(0, c, _t("onbekende property", "unknown property")) for c in unknown]
    found = _parse_rows(table, Area, _area_values, {}, lambda a: a.id, "id")
    items = [
        (n, area.model_copy(update={"boundary": boundaries[n]}) if n in boundaries else area)
        for n, area in found.items
    ]
    return Rows(items=items, problems=problems + found.problems, failed=found.failed)


def _property_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _boundary(geometry: Any) -> list[list[list[tuple[float, float]]]] | None:
    if not isinstance(geometry, dict):
        return None
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    polygons = (
        [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else None
    )
    if not isinstance(polygons, list):
        return None
    shaped: list[list[list[tuple[float, float]]]] = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return None
        rings: list[list[tuple[float, float]]] = []
        for ring in polygon:
            if not isinstance(ring, list) or not 4 <= len(ring) <= 10_000:
                return None
            points: list[tuple[float, float]] = []
            for point in ring:
                if (
                    not isinstance(point, list)
                    or len(point) < 2
                    or not all(isinstance(c, int | float) for c in point[:2])
                ):
                    return None
                lon, lat = float(point[0]), float(point[1])
                if not (NL_LONGITUDE[0] <= lon <= NL_LONGITUDE[1]) or not (
                    NL_LATITUDE[0] <= lat <= NL_LATITUDE[1]
                ):
                    return None
                points.append((lon, lat))
            rings.append(points)
        shaped.append(rings)
    return shaped


TEAM_COLUMNS = ("id", "name", "supervisor", "areas")


def team_rows(table: Table) -> Rows[Team]:
    """Teams from a table: `areas` lists area ids separated by spaces, commas or semicolons."""
    header = _check_columns(table, TEAM_COLUMNS, TEAM_COLUMNS)
    if header:
        return Rows(problems=header)

    def build(cells: Mapping[str, str], problems: Found) -> dict[str, Any]:
        del problems
        return {
            "id": cells.get("id", ""),
            "name": cells.get("name", ""),
            "supervisor": cells.get("supervisor", ""),
            "areas": split_words(cells.get("areas", "")),
        }

    return _parse_rows(table, Team, build, {}, lambda t: t.id, "id")


USER_COLUMNS = ("username", "display_name", "role", "team", "pseudonym", "languages", "active")


def user_rows(table: Table) -> Rows[User]:
    """Users from a table; no passwords: new accounts get a one-time password."""
    if "password" in table.columns:
        never = _t("een bestand bevat nooit wachtwoorden", "a file never holds passwords")
        return Rows(problems=[RowProblem(1, "password", never)])
    header = _check_columns(table, ("username", "display_name", "role"), USER_COLUMNS)
    if header:
        return Rows(problems=header)

    def build(cells: Mapping[str, str], problems: Found) -> dict[str, Any]:
        values: dict[str, Any] = {
            "username": cells.get("username", ""),
            "display_name": cells.get("display_name", ""),
            "role": cells.get("role", ""),
            "languages": split_words(cells.get("languages", "")) or ["nl"],
        }
        if cells.get("role", "") not in {role.value for role in Role}:
            roles = ", ".join(role.value for role in Role)
            text = cells.get("role", "")
            problems.append(
                ("role", _t(f"'{text}' is geen rol ({roles})", f"'{text}' is not a role ({roles})"))
            )
        for optional in ("team", "pseudonym"):
            if cells.get(optional):
                values[optional] = cells[optional]
        if _flag(cells.get("active", "") or "true") is None:
            problems.append(("active", _not_a_flag(cells.get("active", ""))))
        return values

    return _parse_rows(table, User, build, {}, lambda u: u.username, "username")


def user_activity(table: Table) -> dict[str, bool]:
    """Per username, whether the file marks the account active (default yes)."""
    found: dict[str, bool] = {}
    for _, cells in table.rows:
        flag = _flag(cells.get("active", "") or "true")
        found[cells.get("username", "")] = True if flag is None else flag
    return found


def split_words(text: str) -> list[str]:
    """The ids in one cell, separated by spaces, commas, semicolons or bars."""
    return [word for word in re.split(r"[\s,;|]+", text) if word]
