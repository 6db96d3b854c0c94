"""One Dutch word for each thing, on every screen, report and server message (issue 10).

Reads the Dutch texts where they live, without running the app: the translations of the
screens (`resources/i18n/fieldapp_nl.ts`) and every string in the Qt-free packages (the
reports, the server's answers, the store's and sync's sentences). The chosen words and why
are in `docs/terms.md`. The checklists' own wording (forms/) is the forms' to choose: "de
zaak" in the coffeeshop checklist is the shop being inspected.
"""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: A word that must not appear, the word used instead, and why.
AVOIDED = (
    (r"inspecties?", "controle(s)", "a patrol or a door test is not an inspection"),
    (r"handhavers?", "boa('s)", "the officers' legal title, as the policy chapter names them"),
    (
        r"gebied(en)?",
        "wijk(en)",
        "the register holds the city's wijken; 'gebied' is kept for "
        "legal compounds such as aanwijzingsgebied",
    ),
    (
        r"zaak|zaken",
        "locatie(s)",
        "a register entry may be a street address, and 'zaak' is also a case file",
    ),
    (r"proces-verbaal", "bestuurlijke rapportage", "the decisions are administrative"),
)
#: Idioms that contain an avoided word but do not name the thing.
IDIOMS = re.compile(r"stand van zaken", re.IGNORECASE)


def _dutch_screen_texts() -> list[tuple[str, str]]:
    tree = ElementTree.parse(ROOT / "resources" / "i18n" / "fieldapp_nl.ts")
    found: list[tuple[str, str]] = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None:
                continue
            forms = [f.text or "" for f in translation.iter("numerusform")] or [
                translation.text or ""
            ]
            found.extend((f"fieldapp_nl.ts [{name}]", text) for text in forms)
    return found


def _package_strings() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / "fieldapp").rglob("*.py")):
        if "ui" in path.relative_to(ROOT / "fieldapp").parts:
            continue  # the screens speak English in code; their Dutch is in the .ts file
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.append((where, node.value))
    return found


def _offences(texts: list[tuple[str, str]]) -> list[str]:
    offences = []
    for where, text in texts:
        plain = IDIOMS.sub("", text)
        for pattern, instead, why in AVOIDED:
            match = re.search(rf"\b({pattern})\b", plain, re.IGNORECASE)
            if match:
                offences.append(f"{where}: '{match.group(0)}' → {instead} ({why}): {text!r}")
    return offences


def test_the_screens_use_one_dutch_word_for_each_thing() -> None:
    texts = _dutch_screen_texts()
    assert len(texts) > 500  # the whole file was read
    assert _offences(texts) == []


def test_reports_and_server_messages_use_the_same_words_as_the_screens() -> None:
    texts = _package_strings()
    assert any("Controle-id" in text for _where, text in texts)
    assert _offences(texts) == []


def test_the_word_list_is_documented() -> None:
    terms = (ROOT / "docs" / "terms.md").read_text(encoding="utf-8")
    for _pattern, instead, _why in AVOIDED:
        assert instead.split("(")[0] in terms
