"""The layers of docs/architecture.md, kept by reading every import of the package, transitively.

A module may import only the layers its own layer stands on, and that holds for everything
it reaches: `server → sync.client → store` is refused even though the server imports only
`sync` directly. Function-level imports count the same as module-level ones, because a lazy
import still runs in the same process.

The two top layers are held tighter in what they import themselves: the screens and the
verbs go through the application layer (`fieldapp.app`) for the store and the sync client,
and the CLI touches the screens only to start the window.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "fieldapp"

#: What each layer may reach (itself included). A layer missing here is a test failure.
ALLOWED: dict[str, frozenset[str]] = {
    "__init__": frozenset({"__init__"}),
    "__main__": frozenset(),  # runs the CLI: may reach what the CLI reaches (set below)
    "core": frozenset({"core"}),
    "protocol": frozenset({"core", "protocol"}),
    "store": frozenset({"core", "store"}),
    "sync": frozenset({"core", "protocol", "store", "sync"}),
    "server": frozenset({"core", "protocol", "server"}),
    "reports": frozenset({"core", "store", "reports"}),
    "app": frozenset({"core", "protocol", "store", "sync", "reports", "app"}),
    "ui": frozenset({"core", "protocol", "store", "sync", "reports", "app", "ui"}),
    # The CLI runs the server and starts the app's window; it is the top of the house.
    "cli": frozenset(
        {"core", "protocol", "store", "sync", "reports", "app", "server", "ui", "cli", "__init__"}
    ),
}
# `fieldapp/__init__` holds only the version; every layer may read it.
ALLOWED = {layer: reach | {"__init__"} for layer, reach in ALLOWED.items()}
ALLOWED["__main__"] = ALLOWED["cli"] | {"__main__"}

#: What a module of these layers may import itself, narrower than what it may reach. The
#: screens show the protocol's review records and the reports' layout and words as they
#: are; the CLI runs and administers the server.
DIRECT: dict[str, frozenset[str]] = {
    "ui": frozenset({"__init__", "core", "protocol", "reports", "app", "ui"}),
    "cli": frozenset({"__init__", "core", "app", "server", "cli"}),
}
#: The one module of the screens the CLI imports: the one that starts the window.
WINDOW = "fieldapp.ui.app"
QT = {"PySide6", "shiboken6"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@cache
def _imports(module: str) -> frozenset[str]:
    """Every name imported by `module`, resolved to a module of the package where it is one."""
    path = _modules()[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from fieldapp.store import backup` imports the module fieldapp.store.backup.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(found)


def _internal(names: frozenset[str]) -> set[str]:
    return {name for name in names if name in _modules()}


@cache
def _reach(module: str) -> frozenset[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(_internal(_imports(current)))
        # Importing a.b.c runs a/__init__ and a/b/__init__ first.
        parts = current.split(".")
        todo.extend(".".join(parts[:n]) for n in range(2, len(parts)))
    return frozenset(seen - {module})


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


MODULES = sorted(_modules())


@pytest.mark.parametrize("module", MODULES)
def test_layer_imports(module: str) -> None:
    layer = _layer(module)
    assert layer in ALLOWED, f"{module}: layer {layer!r} is not in the architecture"
    qt = sorted(name for name in _imports(module) if name.split(".")[0] in QT)
    if layer != "ui":
        assert not qt, f"{module} imports Qt ({qt}); only fieldapp/ui may"
    wrong = sorted(m for m in _reach(module) if _layer(m) not in ALLOWED[layer])
    assert not wrong, f"{module} ({layer}) reaches {wrong}"


@pytest.mark.parametrize("module", [m for m in MODULES if _layer(m) in DIRECT])
def test_the_screens_and_the_verbs_go_through_the_application_layer(module: str) -> None:
    layer = _layer(module)
    exception = {WINDOW} if layer == "cli" else set()
    direct = _internal(_imports(module)) - exception
    wrong = sorted(m for m in direct if _layer(m) not in DIRECT[layer])
    assert not wrong, f"{module} ({layer}) imports {wrong} itself; ask fieldapp.app"


def test_the_layer_check_follows_imports_transitively() -> None:
    # The check is not blind: a module that reaches the store only through another module
    # is seen to reach it.
    reach = _reach("fieldapp.sync.client")
    assert "fieldapp.store" in {".".join(m.split(".")[:2]) for m in reach}
    assert "fieldapp.protocol.models" in reach


def test_the_layer_check_sees_every_layer() -> None:
    # A rename that moved the package would make the parametrized test above vacuous.
    layers = {_layer(module) for module in MODULES}
    assert {"core", "protocol", "store", "sync", "server", "reports", "app", "ui", "cli"} <= layers
    assert len(MODULES) > 10
    # The direct check sees what it guards: the CLI starts the window, a screen asks the app.
    assert WINDOW in _internal(_imports("fieldapp.cli"))
    assert "fieldapp.app.session" in _internal(_imports("fieldapp.ui.signin"))
