"""Nothing outside `fieldapp/store` touches the store's database: not its module, not its handle.

The layer test says who may import the store; this one says how far in. The sync client,
the reports, the app and the CLI call `Profile`'s use cases and the records they return.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "fieldapp"
#: Modules of the store that hold its database, its tables or its files.
INSIDE = {
    "fieldapp.store.database",
    "fieldapp.store.drafts",
    "fieldapp.store.inspections",
    "fieldapp.store.finalized",
    "fieldapp.store.outbox",
    "fieldapp.store.listing",
    "fieldapp.store.reviews",
    "fieldapp.store.corrections",
    "fieldapp.store.bulk",
    "fieldapp.store.attachments",
    "fieldapp.store.audit",
    "fieldapp.store.schema",
    "fieldapp.store.checks",
}
#: What a profile keeps to itself (its database was once public as `.database`).
PRIVATE = {"database", "_database", "_attachments", "_audit", "_drafts", "_outbox", "_reviews"}


#: The server's own store and the verbs that administer it: their `.database` is the central
#: store's, which the layer test keeps away from this one.
CENTRAL = {PACKAGE / "cli" / "server.py"}


def _outside() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "store" not in path.parts and "server" not in path.parts and path not in CENTRAL
    ]


def test_no_module_outside_the_store_imports_its_insides_or_reaches_for_its_handle() -> None:
    found = []
    for path in _outside():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        where = path.relative_to(PACKAGE.parent)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in INSIDE:
                found.append(f"{where}:{node.lineno} imports {node.module}")
            elif isinstance(node, ast.Import):
                found += [
                    f"{where}:{node.lineno} imports {alias.name}"
                    for alias in node.names
                    if alias.name in INSIDE
                ]
            elif isinstance(node, ast.Attribute) and node.attr in PRIVATE:
                found.append(f"{where}:{node.lineno} reaches for .{node.attr}")
    assert not found, "\n".join(found)


def test_the_check_is_not_blind() -> None:
    assert len(_outside()) > 50
    ledger = (PACKAGE / "sync" / "ledger.py").read_text(encoding="utf-8")
    assert "from fieldapp.store import" in ledger
