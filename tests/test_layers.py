"""The layers of architecture.md, kept by reading every import of the package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "fieldapp"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _modules() -> list[tuple[str, Path]]:
    return [(str(path.relative_to(PACKAGE.parent)), path) for path in sorted(PACKAGE.rglob("*.py"))]


def _layer(relative: str) -> str:
    parts = Path(relative).parts
    return parts[1] if len(parts) > 2 else Path(parts[1]).stem


@pytest.mark.parametrize(("relative", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_layer_imports(relative: str, path: Path) -> None:
    layer = _layer(relative)
    imports = _imports(path)
    qt = sorted(name for name in imports if name.split(".")[0] in {"PySide6", "shiboken6"})
    if layer != "ui":
        assert not qt, f"{relative} imports Qt ({qt}); only fieldapp/ui may"
    inner = {name.split(".")[1] for name in imports if name.startswith("fieldapp.")}
    inner = {Path(name).stem for name in inner}
    allowed = {
        "core": {"core"},
        "store": {"core", "store"},
        "sync": {"core", "store", "sync"},
        "server": {"core", "sync", "server"},
        "reports": {"core", "store", "reports"},
        "ui": {"core", "store", "sync", "reports", "ui", "cli"},
    }.get(layer)
    if allowed is not None:
        assert inner <= allowed, f"{relative} ({layer}) imports {sorted(inner - allowed)}"


def test_the_layer_check_sees_every_layer() -> None:
    # A rename that moved the package would make the parametrized test above vacuous.
    layers = {_layer(relative) for relative, _ in _modules()}
    assert {"core", "cli"} <= layers
    assert len(_modules()) > 10
