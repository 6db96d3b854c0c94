#!/usr/bin/env python3
"""Rebuild the app's translation files: `.ts` from the code, then `.qm` from the `.ts`.

    .venv/bin/python resources/i18n/update.py          # update .ts, compile .qm
    .venv/bin/python resources/i18n/update.py --check  # also fail if a Dutch text is missing

Source strings in fieldapp/ui are English. `fieldapp_nl.ts` holds the Dutch translations
(edit it with `pyside6-linguist` or any text editor); `fieldapp_en.ts` holds only the
English plural forms ("1 finding", "2 findings"). pyside6-lupdate keeps existing
translations and drops strings that are gone from the code; pyside6-lrelease compiles.
Both come with PySide6 in the project's virtual environment.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCES = ROOT / "fieldapp" / "ui"
LANGUAGES = {"nl": "nl_NL", "en": "en_GB"}


def tool(name: str) -> str:
    """A PySide6 tool from the same environment as this Python."""
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    return name


def sources() -> list[str]:
    return sorted(str(path.relative_to(ROOT)) for path in SOURCES.rglob("*.py"))


def update(language: str) -> Path:
    target = HERE / f"fieldapp_{language}.ts"
    subprocess.run(
        [
            tool("pyside6-lupdate"),
            *sources(),
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            LANGUAGES[language],
            "-ts",
            str(target.relative_to(ROOT)),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return target


def release(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    subprocess.run(
        [tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)],
        cwd=ROOT,
        check=True,
    )
    return qm


def unfinished(ts: Path) -> list[str]:
    """Source texts without a finished translation."""
    missing = []
    for message in ElementTree.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        source = message.findtext("source") or ""
        if translation is None or translation.get("type") in ("unfinished", "vanished"):
            missing.append(source)
            continue
        forms = translation.findall("numerusform")
        texts = [form.text for form in forms] if forms else [translation.text]
        if not all(text and text.strip() for text in texts):
            missing.append(source)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail on missing Dutch texts")
    args = parser.parse_args(argv)
    for language in LANGUAGES:
        ts = update(language)
        release(ts)
    missing = unfinished(HERE / "fieldapp_nl.ts")
    for source in missing:
        print(f"fieldapp_nl.ts: no Dutch text for: {source!r}", file=sys.stderr)
    print(f"updated {', '.join(f'fieldapp_{code}.ts/.qm' for code in LANGUAGES)}")
    return 1 if args.check and missing else 0


if __name__ == "__main__":
    sys.exit(main())
