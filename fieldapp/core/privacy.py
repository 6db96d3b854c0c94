"""Privacy rules a form must meet before anyone can fill it in.

A form collects no personal data without a declared purpose and retention, and no
special-category data (art. 9 AVG) without a legal basis. Because a form author may simply
forget to declare, the checker also reads the form itself:

* questions and choices that *look* like they ask for origin, ethnicity, nationality,
  religion, skin colour or sexual orientation are refused (word forms in Dutch and English):
  equal treatment is enforced at the form, not left to the good sense of each author;
* free text about people (any multi-line text, and a line of text whose wording speaks of
  people) must declare personal data, so reports and exports treat it as such (exports
  leave declared questions out by default): free text can still be used to record what a
  form refuses to ask;
* signals of health (confused behaviour), domestic violence and weapons tied to a place are
  art. 9 or art. 10 AVG data: where a form records such a signal and a place or description
  with it, those questions are declared as health or criminal data with a purpose and a short
  retention, and the general place and description questions are not asked for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from fieldapp.core.errors import ExprSyntaxError
from fieldapp.core.expr.ast import Binary, Call, Literal, Node, Ref
from fieldapp.core.expr.parser import parse
from fieldapp.core.forms import (
    SPECIAL_CATEGORIES,
    Choice,
    FormDefinition,
    PersonalDataCategory,
    Question,
    QuestionType,
)

Path = tuple[str | int, ...]

#: Words for what a form may not ask about a person, as word forms: Dutch and English.
SENSITIVE_WORDS = re.compile(
    r"\b("
    # origin, ethnicity, descent
    r"ethnic\w*|etnisch\w*|etniciteit\w*|afkomst\w*|herkomst\w*|origins?"
    r"|migratie[\s-]*achtergrond\w*|migranten[\s-]*achtergrond\w*|migration\s+background\w*"
    r"|migrant\w*|immigrant\w*|immigratieachtergrond\w*|allochto\w*|autochto\w*"
    r"|niet[- ]?westers\w*|non[- ]?western|descent|ancestry|voorouders\w*"
    r"|culturele\s+achtergrond\w*|cultural\s+background\w*|geboorteland\w*"
    r"|country\s+of\s+birth|birth\s*country|nationalit(?:y|ies|eit|eiten)\w*"
    # race and skin colour
    r"|race|races|ras|raciaal|raciale|racial\w*|huidskleur\w*|skin[ _-]?colou?rs?"
    r"|getinte?|donkere\s+huid|lichte\s+huid"
    # religion
    r"|religio\w*|religie\w*|geloofsovertuiging\w*|geloof|gelovig\w*|levensovertuiging\w*"
    r"|faith|godsdienst\w*"
    # sexual orientation
    r"|seksuele\s+(?:geaardheid|gerichtheid|oriëntatie|voorkeur)|geaardheid"
    r"|sexual\s+orientation\w*"
    r")\b",
    re.IGNORECASE,
)

#: Words that make a line of free text a text about people.
PEOPLE_WORDS = re.compile(
    r"\b(persoon|personen|person|persons|people|bezoekers?|visitors?|klanten?|customers?"
    r"|jongeren?|jeugdigen?|minderjarigen?|minors?|youths?|testers?|portiers?|doorman|doormen"
    r"|deurpersoneel|door\s+staff|medewerkers?|staff|verkopers?|exploitant\w*|operators?"
    r"|leidinggevenden?|managers?|bewoners?|residents?|verdachten?|suspects?|mannen|vrouwen"
    r"|man|vrouw|men|women|kinderen|child|children|buren|neighbours?)\b",
    re.IGNORECASE,
)

#: Choice words for signals of health, domestic violence and weapons (art. 9 and 10 AVG).
SIGNAL_WORDS = re.compile(
    r"(verward\w*|confused|huiselijk\w*\s+geweld|domestic[ _-]violence|wapen\w*|weapon\w*"
    r"|\bmes\b|messen|knife|knives|steekwapen\w*)",
    re.IGNORECASE,
)

#: The categories a question recording such a signal with a place or description declares.
SIGNAL_CATEGORIES = frozenset({PersonalDataCategory.HEALTH, PersonalDataCategory.CRIMINAL})
#: At most this many days for them: the signal is handed over to the agency, which keeps its
#: own file; the app keeps it only for the handover and its accountability.
SIGNAL_RETENTION_DAYS = 180
#: What records a place or a description of something that happened to someone.
_PLACE_OR_STORY = frozenset(
    {
        PersonalDataCategory.LOCATION,
        PersonalDataCategory.DESCRIPTION,
        PersonalDataCategory.IMAGE,
    }
)

#: Question types that record something about a person by their nature.
_ALWAYS_PERSONAL = {QuestionType.SIGNATURE: "signature"}


def privacy_problems(definition: FormDefinition) -> list[tuple[Path, str]]:
    problems: list[tuple[Path, str]] = []
    basis = definition.legal_basis
    covered = set(basis.categories) if basis is not None else set()
    for category in covered - SPECIAL_CATEGORIES:
        problems.append(
            (("legal_basis", "categories"), f"'{category}' is not a special category (art. 9 AVG)")
        )
    for question, path in _questions_with_paths(definition):
        declared = question.personal_data
        if declared is not None and declared.category in SPECIAL_CATEGORIES:
            if declared.category not in covered:
                problems.append(
                    (
                        (*path, "personal_data", "category"),
                        f"'{question.name}' records special-category data "
                        f"({declared.category.value}); the form needs a legal_basis that covers it",
                    )
                )
            continue
        hit = _sensitive_word(question, definition.choices)
        if hit is not None:
            problems.append(
                (
                    (*path, "name"),
                    f"'{question.name}' seems to ask about '{hit}', special-category "
                    "data (art. 9 AVG): remove it, or declare personal_data with that category "
                    "and a legal_basis",
                )
            )
        kind = question.kind
        if kind in _ALWAYS_PERSONAL and declared is None:
            problems.append(
                (
                    (*path, "type"),
                    f"'{question.name}' records a {_ALWAYS_PERSONAL[kind]}, which is personal "
                    "data: declare personal_data with its purpose and retention_days",
                )
            )
        if kind is QuestionType.TEXT and declared is None and hit is None:
            reason = _free_text_about_people(question)
            if reason is not None:
                problems.append(
                    (
                        (*path, "type"),
                        f"'{question.name}' is {reason}, which can be about a person: declare "
                        "personal_data with its category, purpose and retention_days",
                    )
                )
    problems.extend(_signal_problems(definition))
    return problems


def _sensitive_word(question: Question, lists: Mapping[str, list[Choice]]) -> str | None:
    """The first word of a sensitive kind in the question's name, label or choices."""
    texts = [question.name.replace("_", " "), *(question.label or {}).values()]
    if question.list_name is not None:
        for choice in lists.get(question.list_name, ()):
            texts.append(choice.name.replace("_", " "))
            texts.extend(choice.label.values())
    for text in texts:
        match = SENSITIVE_WORDS.search(text)
        if match is not None:
            return match.group(0)
    return None


def _free_text_about_people(question: Question) -> str | None:
    return free_text_about_people(
        question.name,
        question.appearance,
        [*(question.label or {}).values(), *(question.hint or {}).values()],
    )


def free_text_about_people(name: str, appearance: str | None, texts: Iterable[str]) -> str | None:
    """Why a text question is free text about people (None when it is not).

    Any multi-line text can be about a person; a line of text is when its name, label or
    hint speaks of people. The checker demands `personal_data` for it; the XLSForm import
    adds a declaration to fill in.
    """
    if appearance == "multiline":
        return "free text over several lines"
    for text in [name.replace("_", " "), *texts]:
        match = PEOPLE_WORDS.search(text)
        if match is not None:
            return f"free text about '{match.group(0)}'"
    return None


# -- signals of health, domestic violence and weapons ----------------------------------------


@dataclass(frozen=True, slots=True)
class _Signal:
    """A select question whose choices include health, domestic-violence or weapon signals."""

    question: Question
    sensitive: frozenset[str]
    other: frozenset[str]


def _signal_problems(definition: FormDefinition) -> list[tuple[Path, str]]:
    """Where a container classifies a signal, its places and descriptions are declared for it."""
    problems: list[tuple[Path, str]] = []
    for container in _containers(definition):
        signals = [
            signal
            for question, _path in container
            if (signal := _signal_of(question, definition.choices)) is not None
        ]
        for signal in signals:
            name = signal.question.name
            for question, path in container:
                if question is signal.question or not _records_place_or_story(question):
                    continue
                declared = question.personal_data
                relevant = question.relevant
                asked_for_signal = any(
                    _holds(relevant, name, choice) is not False for choice in signal.sensitive
                )
                only_for_signal = all(
                    _holds(relevant, name, choice) is False for choice in signal.other
                )
                if not asked_for_signal:
                    continue
                choices = ", ".join(sorted(signal.sensitive))
                if declared is None or declared.category not in SIGNAL_CATEGORIES:
                    what = (
                        "is asked only for"
                        if only_for_signal
                        else "is also asked when ${" + name + "} is"
                    )
                    problems.append(
                        (
                            (*path, "personal_data"),
                            f"'{question.name}' {what} {choices}: a place or description of "
                            "a health, domestic-violence or weapon signal is art. 9 or 10 AVG "
                            "data; declare it as health or criminal data"
                            + ("" if only_for_signal else ", or make it not relevant for them"),
                        )
                    )
                elif declared.retention_days > SIGNAL_RETENTION_DAYS:
                    problems.append(
                        (
                            (*path, "personal_data", "retention_days"),
                            f"'{question.name}' keeps {declared.category.value} data about a "
                            f"signal for {declared.retention_days} days: at most "
                            f"{SIGNAL_RETENTION_DAYS}, it is handed over to the agency",
                        )
                    )
    return problems


def _signal_of(question: Question, lists: Mapping[str, list[Choice]]) -> _Signal | None:
    # Only a question that classifies every row (always relevant where it stands): the
    # details asked after it (which weapon, …) are part of the signal, not a new one.
    if question.kind is not QuestionType.SELECT_ONE or question.relevant is not None:
        return None
    sensitive: set[str] = set()
    other: set[str] = set()
    for choice in lists.get(question.list_name or "", ()):
        texts = [choice.name.replace("_", " "), *choice.label.values()]
        (sensitive if any(SIGNAL_WORDS.search(t) for t in texts) else other).add(choice.name)
    if not sensitive:
        return None
    return _Signal(question, frozenset(sensitive), frozenset(other))


def _records_place_or_story(question: Question) -> bool:
    if question.kind is QuestionType.GEOPOINT:
        return True
    declared = question.personal_data
    if declared is not None:
        return declared.category in _PLACE_OR_STORY | SIGNAL_CATEGORIES
    return question.kind in (QuestionType.TEXT, QuestionType.IMAGE)


def _holds(relevant: str | None, name: str, choice: str) -> bool | None:
    """Whether `relevant` is true when ${name} is `choice`: True, False or None (unknown)."""
    if relevant is None:
        return True
    try:
        tree = parse(relevant)
    except ExprSyntaxError:
        return None  # the expression checker reports it
    return _evaluate(tree, name, choice)


def _evaluate(node: Node, name: str, choice: str) -> bool | None:
    """Three-valued: what is known of `node` from ${name} = `choice` alone."""
    match node:
        case Binary(op="and", left=left, right=right):
            values = (_evaluate(left, name, choice), _evaluate(right, name, choice))
            if False in values:
                return False
            return True if values == (True, True) else None
        case Binary(op="or", left=left, right=right):
            values = (_evaluate(left, name, choice), _evaluate(right, name, choice))
            if True in values:
                return True
            return False if values == (False, False) else None
        case Binary(op="=" | "!=" as op, left=left, right=right):
            literal = _compared(left, right, name)
            if literal is None:
                return None
            return (literal == choice) == (op == "=")
        case Call(name="not", args=[inner]):
            value = _evaluate(inner, name, choice)
            return None if value is None else not value
        case Call(name="selected", args=[Ref(name=subject), Literal(value=str(literal))]):
            return literal == choice if subject == name else None
    return None


def _compared(left: Node, right: Node, name: str) -> str | None:
    for one, other in ((left, right), (right, left)):
        if isinstance(one, Ref) and one.name == name and isinstance(other, Literal):
            return str(other.value)
    return None


def _containers(definition: FormDefinition) -> Iterator[list[tuple[Question, Path]]]:
    """The form's top level and each repeat, with every question inside (groups opened)."""

    def collect(questions: list[Question], path: Path) -> list[tuple[Question, Path]]:
        found: list[tuple[Question, Path]] = []
        for index, question in enumerate(questions):
            here = (*path, index)
            if question.kind is QuestionType.REPEAT:
                continue
            found.append((question, here))
            if question.questions:
                found.extend(collect(question.questions, (*here, "questions")))
        return found

    def repeats(questions: list[Question], path: Path) -> Iterator[tuple[Question, Path]]:
        for index, question in enumerate(questions):
            here = (*path, index)
            if question.kind is QuestionType.REPEAT:
                yield question, here
            if question.questions:
                yield from repeats(question.questions, (*here, "questions"))

    yield collect(definition.questions, ("questions",))
    for repeat, path in repeats(definition.questions, ("questions",)):
        assert repeat.questions is not None
        yield collect(repeat.questions, (*path, "questions"))


def _questions_with_paths(definition: FormDefinition) -> list[tuple[Question, Path]]:
    found: list[tuple[Question, Path]] = []

    def visit(questions: list[Question], path: Path) -> None:
        for index, question in enumerate(questions):
            here = (*path, index)
            found.append((question, here))
            if question.questions:
                visit(question.questions, (*here, "questions"))

    visit(definition.questions, ("questions",))
    return found
