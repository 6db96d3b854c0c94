"""Reading form files: YAML with positions, so every problem reads `file:line:col: message`.

The app and `fieldapp forms check` share this loader, so a form the checker passes is a
form the app accepts, and a broken form is refused with the same words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

import yaml
from pydantic import ValidationError

from fieldapp.core.engine import FormEngine, FormProblem, Path, compile_form
from fieldapp.core.errors import FormFileError, FormInvalid
from fieldapp.core.forms import FormDefinition


@dataclass(frozen=True, slots=True)
class FileProblem:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


#: libyaml's parser where PyYAML was built with it (its wheels are): the same nodes and
#: marks as the pure-Python one, several times faster. A device compiles every form it
#: pulls, and this parse was half of a fresh device's first sync.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class _Spot:
    line: int  # 0-based, as yaml marks are
    column: int
    style: str | None = None
    value: str | None = None


class _PositionedYaml:
    """A YAML document as plain data plus where each key and value stands."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines()
        self.values: dict[Path, _Spot] = {}
        self.keys: dict[Path, _Spot] = {}
        self.duplicates: list[tuple[Path, _Spot]] = []
        self.bad_keys: list[tuple[Path, _Spot]] = []
        try:
            self.data: Any = self.read(_Loader(text))
        except yaml.YAMLError:
            if _Loader is yaml.SafeLoader:
                raise
            # The pure-Python parser words its problems as the form checker has always
            # shown them (libyaml's differ); a broken file is rare, so it is read again.
            self.values, self.keys, self.duplicates, self.bad_keys = {}, {}, [], []
            self.data = self.read(yaml.SafeLoader(text))

    def read(self, loader: yaml.SafeLoader | yaml.CSafeLoader) -> Any:
        try:
            node = loader.get_single_node()
            return None if node is None else self.build(loader, node, ())
        finally:
            loader.dispose()

    def build(self, loader: yaml.SafeLoader | yaml.CSafeLoader, node: yaml.Node, path: Path) -> Any:
        mark = node.start_mark
        if isinstance(node, yaml.MappingNode):
            self.values[path] = _Spot(mark.line, mark.column)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node, deep=True)
                spot = _Spot(key_node.start_mark.line, key_node.start_mark.column)
                if not isinstance(key, str | int):  # bools are ints; lists, None, floats not
                    self.bad_keys.append(((*path, str(key)), spot))
                    continue
                if key in result:
                    self.duplicates.append(((*path, key), spot))
                self.keys[(*path, key)] = spot
                result[key] = self.build(loader, value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            self.values[path] = _Spot(mark.line, mark.column)
            return [self.build(loader, item, (*path, i)) for i, item in enumerate(node.value)]
        value = loader.construct_object(node, deep=True)
        # A plain scalar has no style: None from the pure-Python parser, "" from libyaml.
        style = (node.style or None) if isinstance(node, yaml.ScalarNode) else None
        self.values[path] = _Spot(mark.line, mark.column, style, str(node.value))
        return value

    def locate(self, path: Path, offset: int | None = None) -> tuple[int, int]:
        """1-based line and column of a path, or of the character at `offset` in its text."""
        scalar = self.values.get(path)
        if offset is not None and scalar is not None and scalar.value is not None:
            return self._inside(scalar, offset)
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            spot = self.keys.get(prefix) if end == len(path) else None
            spot = spot or self.values.get(prefix)
            if spot is not None:
                return spot.line + 1, spot.column + 1
        return 1, 1

    def _inside(self, spot: _Spot, offset: int) -> tuple[int, int]:
        assert spot.value is not None
        before = spot.value[:offset]
        if spot.style == "|":
            # Block scalars start on the next line, indented; count lines into the block.
            line = spot.line + 1 + before.count("\n")
            source = self.lines[line] if line < len(self.lines) else ""
            indent = len(source) - len(source.lstrip(" "))
            return line + 1, indent + len(before.rsplit("\n", 1)[-1]) + 1
        if "\n" in spot.value or spot.style == ">":
            # Folded text lost its line breaks: the start of the scalar is what we know.
            return spot.line + 1, spot.column + 1
        quote = 1 if spot.style in ("'", '"') else 0
        return spot.line + 1, spot.column + quote + offset + 1


#: The positioned reader, for other files checked like forms (the sanction policy).
PositionedYaml = _PositionedYaml


def load_form_text(text: str, filename: str = "<form>") -> FormEngine:
    """Parse, validate and compile a form; raise `FormFileError` with every problem."""
    try:
        document = _PositionedYaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = error.problem or str(error)
        raise FormFileError([FileProblem(filename, line, column, f"YAML: {reason}")]) from None
    except yaml.YAMLError as error:
        raise FormFileError([FileProblem(filename, 1, 1, f"YAML: {error}")]) from None
    problems = [
        FileProblem(filename, spot.line + 1, spot.column + 1, f"the key '{path[-1]}' appears twice")
        for path, spot in document.duplicates
    ]
    problems.extend(
        FileProblem(filename, spot.line + 1, spot.column + 1, "a key must be a plain name")
        for _path, spot in document.bad_keys
    )
    if not isinstance(document.data, dict):
        problems.append(FileProblem(filename, 1, 1, "a form file holds a mapping (id, title, …)"))
        raise FormFileError(problems)
    try:
        definition = FormDefinition.model_validate(document.data)
    except ValidationError as error:
        for item in error.errors():
            path = tuple(part for part in item["loc"] if part != "[key]")
            line, column = document.locate(path)
            problems.append(FileProblem(filename, line, column, pydantic_message(item, path)))
        raise FormFileError(_sorted(problems)) from None
    try:
        engine = compile_form(definition)
    except FormInvalid as invalid:
        problems.extend(_locate(document, filename, problem) for problem in invalid.problems)
        raise FormFileError(_sorted(problems)) from None
    if problems:
        raise FormFileError(problems)
    return engine


def _sorted(problems: list[FileProblem]) -> list[FileProblem]:
    return sorted(problems, key=lambda problem: (problem.line, problem.column))


def _locate(document: _PositionedYaml, filename: str, problem: FormProblem) -> FileProblem:
    line, column = document.locate(problem.path, problem.offset)
    return FileProblem(filename, line, column, problem.message)


def pydantic_message(item: Any, path: Path) -> str:
    kind = item["type"]
    last = path[-1] if path else None
    if kind == "missing":
        return f"'{last}' is missing"
    if kind == "extra_forbidden":
        return f"unknown key '{last}'"
    message = str(item["msg"]).removeprefix("Value error, ")
    names = [part for part in path if isinstance(part, str)]
    if names and kind != "value_error":
        return f"{names[-1]}: {message}"
    return message


def load_form_file(path: FilePath) -> FormEngine:
    """Load one form file; unreadable files are reported like any other problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        problem = FileProblem(str(path), 1, 1, f"cannot read the file: {reason}")
        raise FormFileError([problem]) from None
    return load_form_text(text, str(path))


def check_form_files(paths: Iterable[FilePath]) -> tuple[list[FormEngine], list[FileProblem]]:
    """Check several files, including that no two define the same form id and version."""
    engines: list[FormEngine] = []
    problems: list[FileProblem] = []
    seen: dict[tuple[str, str], str] = {}
    for path in paths:
        try:
            engine = load_form_file(path)
        except FormFileError as error:
            problems.extend(error.problems)
            continue
        key = (engine.form_id, engine.version)
        if key in seen:
            problems.append(
                FileProblem(
                    str(path),
                    1,
                    1,
                    f"form {key[0]} version {key[1]} is also defined in {seen[key]}",
                )
            )
            continue
        seen[key] = str(path)
        engines.append(engine)
    return engines, problems


def form_files(folder: FilePath) -> list[FilePath]:
    """The form files in a folder; the policy files beside them (`*.policy.yaml`) are not forms."""
    return sorted(
        p for p in folder.glob("*.yaml") if p.is_file() and not p.name.endswith(".policy.yaml")
    )
