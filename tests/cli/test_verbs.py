"""The `fieldapp` command's verb modules: all registered, and none heavy to import."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import fieldapp.cli as cli


def test_every_verb_module_of_the_package_is_registered() -> None:
    names = [info.name for info in pkgutil.iter_modules(cli.__path__)]
    modules = [importlib.import_module(f"fieldapp.cli.{name}") for name in names]
    assert {m for m in modules if hasattr(m, "register")} == set(cli.verb_groups())


def test_building_the_parser_imports_nothing_beyond_the_cli_package() -> None:
    # `fieldapp --help` must stay quick: every handler imports what it needs when it runs.
    # A fresh interpreter, because this one has imported everything already.
    code = (
        "import json, sys\n"
        "from fieldapp.cli import build_parser\n"
        "build_parser().format_help()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = json.loads(out)
    ours = {name for name in loaded if name.startswith("fieldapp.")}
    assert ours == {f"fieldapp.cli.{m.__name__.rpartition('.')[2]}" for m in cli.verb_groups()} | {
        "fieldapp.cli",
        "fieldapp.cli.common",
        "fieldapp.cli.output",
    }
    heavy = ("PySide6", "pydantic", "sqlalchemy", "httpx", "reportlab", "yaml", "platformdirs")
    assert not [name for name in loaded if name.split(".")[0] in heavy]
