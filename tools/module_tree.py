"""Print the module tree of docs/architecture.md: every module with its docstring's first sentence.

    python -m tools.module_tree > /tmp/tree.md

The tables go between "The job of each module …" and "## The application context" in
docs/architecture.md; run it after adding, moving or re-describing a module.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fieldapp"
#: The layers in the order docs/architecture.md lists them; "" is the package's own files.
LAYERS = ("", "core", "protocol", "store", "sync", "server", "reports", "app", "ui", "cli")
_SENTENCE = re.compile(r"(.+?[.!?])(\s|$)", re.DOTALL)


def first_sentence(path: Path) -> str:
    """The first sentence of a module's docstring, on one line."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"), str(path))) or ""
    paragraph = " ".join(docstring.split("\n\n")[0].split())
    match = _SENTENCE.match(paragraph)
    return match.group(1) if match else paragraph


def tree() -> str:
    """The markdown tables, one per layer."""
    by_layer: dict[str, list[Path]] = {layer: [] for layer in LAYERS}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        layer = parts[0] if len(parts) > 1 else ""
        if layer not in by_layer:
            raise SystemExit(f"{path}: layer {layer!r} is not in LAYERS")
        by_layer[layer].append(path)
    lines: list[str] = []
    for layer, paths in by_layer.items():
        title = f"`fieldapp/{layer}`" if layer else "`fieldapp/` itself"
        lines += [f"### {title}", "", "| module | job |", "|---|---|"]
        lines += [
            f"| `{path.relative_to(ROOT).as_posix()}` | {first_sentence(path)} |" for path in paths
        ]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(tree())
