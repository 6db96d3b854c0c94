"""The compiled form engine: relevance, constraints, calculations and outcomes, live.

`compile_form` turns a `FormDefinition` into a `FormEngine` once per form version.
A `FormSession` holds one inspection's answers; each change re-evaluates only what depends
on it (through a dependency graph ordered once at compile time) and reports what changed,
so a screen redraws only those questions.
"""

from __future__ import annotations

import heapq
import math
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from fieldapp.core.errors import AnswerError, FormInvalid
from fieldapp.core.expr import (
    CompiledExpression,
    ExprContext,
    NodeSet,
    StaticType,
    Symbol,
    Value,
    compile_expression,
)
from fieldapp.core.expr.compiler import Compiled
from fieldapp.core.expr.values import is_empty, to_bool
from fieldapp.core.forms import (
    CONTAINER_TYPES,
    SELECT_TYPES,
    Choice,
    FormDefinition,
    LocalText,
    Outcome,
    Question,
    QuestionType,
    Severity,
)
from fieldapp.core.privacy import privacy_problems

#: Where a problem sits in the form file: keys and list indexes from the top.
Path = tuple[str | int, ...]
#: One answer slot: the question name and the repeat row id (None outside repeats).
AnswerKey = tuple[str, str | None]

_STATIC_TYPES: dict[QuestionType, StaticType] = {
    QuestionType.TEXT: StaticType.TEXT,
    QuestionType.INTEGER: StaticType.NUMBER,
    QuestionType.DECIMAL: StaticType.NUMBER,
    QuestionType.RATING: StaticType.NUMBER,
    QuestionType.SELECT_ONE: StaticType.TEXT,
    QuestionType.SELECT_MULTIPLE: StaticType.MULTI,
    QuestionType.DATE: StaticType.DATE,
    QuestionType.TIME: StaticType.TIME,
    QuestionType.DATETIME: StaticType.DATETIME,
    QuestionType.NOTE: StaticType.TEXT,
    QuestionType.ACKNOWLEDGE: StaticType.TEXT,
    QuestionType.IMAGE: StaticType.MULTI,
    QuestionType.SIGNATURE: StaticType.TEXT,
    QuestionType.GEOPOINT: StaticType.TEXT,
    QuestionType.VENUE: StaticType.TEXT,
    QuestionType.CALCULATE: StaticType.ANY,
    QuestionType.GROUP: StaticType.ANY,
    QuestionType.REPEAT: StaticType.REPEAT,
}


@dataclass(frozen=True, slots=True)
class FormProblem:
    """A mistake in a form definition, located by its path and, inside an expression, offset."""

    path: Path
    message: str
    offset: int | None = None


_HOLDS_NO_ANSWER = CONTAINER_TYPES | {QuestionType.NOTE}
_ASKS_NOTHING = _HOLDS_NO_ANSWER | {QuestionType.CALCULATE}


@dataclass(frozen=True, slots=True)
class Field:
    """One compiled question, note, calculation, group or repeat."""

    question: Question
    kind: QuestionType
    path: Path
    repeat: str | None
    parent: str | None
    parent_in_row: bool
    index: int
    relevant: Compiled | None
    required: Compiled | None
    constraint: Compiled | None
    calculation: Compiled | None
    choice_filter: Compiled | None
    choices: tuple[Choice, ...] | None
    #: The choices' names, for checking an answer without building a set each time (the
    #: central store checks every answer of every version it receives).
    choice_names: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.question.name

    @property
    def holds_answer(self) -> bool:
        """Has a value of its own: an answer or a calculation."""
        return self.kind not in _HOLDS_NO_ANSWER

    @property
    def is_question(self) -> bool:
        """Asks the person something (not a group, note or calculation)."""
        return self.kind not in _ASKS_NOTHING


@dataclass(frozen=True, slots=True)
class CompiledOutcome:
    outcome: Outcome
    when: Compiled
    references: frozenset[str]


@dataclass(frozen=True, slots=True)
class Issue:
    """Why an answer is not acceptable (yet); `message` per language."""

    kind: str  # "required" or "constraint"
    message: LocalText


DEFAULT_REQUIRED: LocalText = {
    "nl": "Deze vraag is verplicht.",
    "en": "This question is required.",
}
DEFAULT_CONSTRAINT: LocalText = {
    "nl": "Dit antwoord is niet toegestaan.",
    "en": "This answer is not allowed.",
}
HIDDEN_CHOICE: LocalText = {
    "nl": "Deze keuze past niet meer bij een eerder antwoord; kies opnieuw.",
    "en": "This choice no longer fits an earlier answer; choose again.",
}


@dataclass(slots=True)
class Changes:
    """What one edit changed, so a screen can update just that."""

    relevance: set[AnswerKey] = field(default_factory=set)
    values: set[AnswerKey] = field(default_factory=set)
    issues: set[AnswerKey] = field(default_factory=set)
    choices: set[AnswerKey] = field(default_factory=set)
    outcomes: set[str] = field(default_factory=set)
    rows: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        parts = (self.relevance, self.values, self.issues, self.choices, self.outcomes, self.rows)
        return any(parts)


@dataclass(frozen=True, slots=True)
class FormEngine:
    """A form compiled once: fields, expressions as closures and the dependency graph."""

    definition: FormDefinition
    fields: Mapping[str, Field]
    outcomes: tuple[CompiledOutcome, ...]
    #: name -> fields whose relevance or calculation read it, in evaluation order.
    dependents: Mapping[str, tuple[str, ...]]
    #: name -> the fields whose expressions read it (its children only through their
    #: inherited relevance are left out): what a new row of a repeat can change elsewhere.
    expression_readers: Mapping[str, tuple[str, ...]]
    #: name -> fields whose constraint, required or choice filter read it.
    checks: Mapping[str, tuple[str, ...]]
    #: name -> indexes into `outcomes` that read it.
    outcome_readers: Mapping[str, tuple[int, ...]]
    #: Evaluation order of all fields (parents and dependencies first).
    order: tuple[str, ...]
    #: repeat name -> its fields in evaluation order.
    repeat_fields: Mapping[str, tuple[str, ...]]
    #: `needed_for` answers, by the names asked (filled on first use; not compared).
    _needs: dict[frozenset[str], tuple[str, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def needed_for(self, names: Iterable[str]) -> tuple[str, ...]:
        """The fields whose relevance and value decide those of `names`, in evaluation order:
        `names` themselves, their parents, and what their relevance and calculations read,
        all the way down. Evaluating only these gives `names` exactly the relevance and
        values a full evaluation gives them (`FormSession.evaluate_only`)."""
        asked = frozenset(name for name in names if name in self.fields)
        known = self._needs.get(asked)
        if known is not None:
            return known
        inputs: dict[str, set[str]] = {}
        for source, readers in self.dependents.items():
            for reader in readers:
                inputs.setdefault(reader, set()).add(source)
        seen: set[str] = set()
        todo = list(asked)
        while todo:
            name = todo.pop()
            if name in seen or name not in self.fields:
                continue
            seen.add(name)
            todo.extend(inputs.get(name, ()))
        found = tuple(name for name in self.order if name in seen)
        self._needs[asked] = found
        return found

    def answers_behind(self, outcome_name: str) -> list[str]:
        """The questions a finding rests on, in form order: what its condition reads, and
        through calculations what they read (a boa taps a finding to go to its answers)."""
        reads: dict[str, set[str]] = {}
        for name, readers in self.expression_readers.items():
            for reader in readers:
                reads.setdefault(reader, set()).add(name)
        start = next(
            (o.references for o in self.outcomes if o.outcome.name == outcome_name), frozenset()
        )
        seen: set[str] = set()
        todo = [name for name in start if name in self.fields]
        while todo:
            name = todo.pop()
            # A calculation may read a parameter, which is no field.
            if name in seen or name not in self.fields:
                continue
            seen.add(name)
            if self.fields[name].calculation is not None:
                todo.extend(reads.get(name, ()))
        return [name for name in self.fields if name in seen and self.fields[name].is_question]

    @property
    def form_id(self) -> str:
        return self.definition.id

    @property
    def version(self) -> str:
        return self.definition.version

    def session(
        self,
        answers: Mapping[AnswerKey, Value] | None = None,
        rows: Mapping[str, Iterable[str]] | None = None,
        clock: Callable[[], datetime] = datetime.now,
        *,
        resumed: bool = False,
    ) -> FormSession:
        """A new inspection of this form, or with `resumed` one whose answers were saved.

        A new one gets the form's defaults; a resumed one does not, so an answer the
        officer cleared stays cleared.
        """
        return FormSession(self, answers or {}, rows or {}, clock, apply_defaults=not resumed)


def compile_form(definition: FormDefinition) -> FormEngine:
    """Compile a definition, or raise `FormInvalid` listing every problem found."""
    return _FormCompiler(definition).compile()


class _FormCompiler:
    def __init__(self, definition: FormDefinition) -> None:
        self.definition = definition
        self.problems: list[FormProblem] = []
        self.symbols: dict[str, Symbol] = {}
        self.places: dict[str, tuple[Question, Path, str | None, str | None, bool]] = {}

    def problem(self, path: Path, message: str, offset: int | None = None) -> None:
        self.problems.append(FormProblem(path, message, offset))

    def check_signers(self) -> None:
        """`signers` names a text question outside any repeat, in a form with signatures."""
        name = self.definition.signers
        if name is None:
            return
        place = self.places.get(name)
        if place is None:
            self.problem(("signers",), f"'{name}' is not a question of this form")
            return
        question, _path, repeat, _group, _in_group = place
        if question.kind is not QuestionType.TEXT or repeat is not None:
            self.problem(("signers",), f"'{name}' must be a text question outside any repeat")
        if not any(q.kind is QuestionType.SIGNATURE for q, _ in self.definition.walk()):
            self.problem(("signers",), "the form has no signature question")

    def compile(self) -> FormEngine:
        definition = self.definition
        self.check_texts()
        self.check_choices()
        self.collect(definition.questions, ("questions",), None, None, False)
        self.problems.extend(
            FormProblem(path, message) for path, message in privacy_problems(definition)
        )
        for name, value in definition.parameters.items():
            if name in self.places:
                self.problem(("parameters", name), f"'{name}' is also the name of a question")
            kind = (
                StaticType.BOOLEAN
                if isinstance(value, bool)
                else StaticType.TEXT
                if isinstance(value, str)
                else StaticType.NUMBER
            )
            self.symbols[name] = Symbol(name, kind, constant=value)
        self.check_signers()
        expressions = self.compile_expressions()
        order = self.evaluation_order(expressions)
        outcomes = self.compile_outcomes()
        if self.problems:
            raise FormInvalid(self.problems)
        engine = self.assemble(expressions, order, outcomes)
        self.check_carry_over(engine)
        if self.problems:
            raise FormInvalid(self.problems)
        return engine

    def check_carry_over(self, engine: FormEngine) -> None:
        """`carry_over` only on a venue's stable facts: never on an answer a finding rests
        on (directly or through a calculation), in a repeat (this visit's observations), or
        on the signers (the people of this visit)."""
        behind: dict[str, list[str]] = {}
        for compiled in engine.outcomes:
            for name in engine.answers_behind(compiled.outcome.name):
                behind.setdefault(name, []).append(compiled.outcome.name)
        for name, (question, here, repeat, _parent, _in_row) in self.places.items():
            if not question.carry_over:
                continue
            if name in behind:
                findings = ", ".join(behind[name])
                self.problem(
                    (*here, "carry_over"),
                    f"'{name}' cannot carry over: the finding {findings} rests on it",
                )
            if repeat is not None:
                self.problem(
                    (*here, "carry_over"),
                    f"'{name}' cannot carry over: it is in repeat '{repeat}'",
                )
            if name == self.definition.signers:
                self.problem(
                    (*here, "carry_over"), f"'{name}' cannot carry over: it names the signers"
                )

    # -- structure ---------------------------------------------------------------------

    def check_texts(self) -> None:
        languages = self.definition.languages
        if len(set(languages)) != len(languages):
            self.problem(("languages",), "a language is listed twice")

        def visit(value: object, path: Path) -> None:
            if isinstance(value, dict) and value and path and path[-1] in _TEXT_KEYS:
                missing = [lang for lang in languages if not value.get(lang, "").strip()]
                extra = [lang for lang in value if lang not in languages]
                if missing:
                    self.problem(path, f"{path[-1]} has no {', '.join(missing)} text")
                if extra:
                    self.problem(
                        path, f"{path[-1]} has text in {', '.join(extra)}, not a form language"
                    )
                return
            if isinstance(value, dict):
                for key, item in value.items():
                    visit(item, (*path, key))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    visit(item, (*path, index))

        visit(self.definition.model_dump(exclude_none=True), ())

    def check_choices(self) -> None:
        for list_name, choices in self.definition.choices.items():
            if not choices:
                self.problem(("choices", list_name), f"choice list '{list_name}' is empty")
            seen: set[str] = set()
            for index, choice in enumerate(choices):
                if choice.name in seen:
                    self.problem(
                        ("choices", list_name, index, "name"),
                        f"choice '{choice.name}' appears twice in list '{list_name}'",
                    )
                seen.add(choice.name)

    def collect(
        self,
        questions: list[Question],
        path: Path,
        repeat: str | None,
        parent: str | None,
        parent_in_row: bool,
    ) -> None:
        for index, question in enumerate(questions):
            here = (*path, index)
            name, kind = question.name, question.kind
            if name in self.places:
                self.problem((*here, "name"), f"the name '{name}' is used twice")
                continue
            self.places[name] = (question, here, repeat, parent, parent_in_row)
            list_name = question.list_name
            choices: frozenset[str] | None = None
            if kind in SELECT_TYPES and list_name is not None:
                listed = self.definition.choices.get(list_name)
                if listed is None:
                    self.problem((*here, "type"), f"unknown choice list '{list_name}'")
                else:
                    choices = frozenset(choice.name for choice in listed)
            self.symbols[name] = Symbol(name, _STATIC_TYPES[kind], repeat, choices)
            if question.questions:
                if kind is QuestionType.REPEAT and repeat is not None:
                    self.problem(
                        (*here, "type"),
                        f"repeat '{name}' is inside repeat '{repeat}': not supported",
                    )
                inner_repeat = name if kind is QuestionType.REPEAT else repeat
                # A group inside a repeat has one relevance per row; the repeat itself has one.
                in_row = kind is QuestionType.GROUP and repeat is not None
                self.collect(question.questions, (*here, "questions"), inner_repeat, name, in_row)
            if question.default is not None and kind in CONTAINER_TYPES:
                self.problem((*here, "default"), f"a {kind.value} has no default")

    # -- expressions -------------------------------------------------------------------

    def compile_expressions(self) -> dict[str, dict[str, CompiledExpression]]:
        compiled: dict[str, dict[str, CompiledExpression]] = {}
        # Calculations first, in an order where each one's inputs are typed before it.
        calculations = [
            name for name, (question, *_rest) in self.places.items() if question.calculation
        ]
        pending = list(calculations)
        unfinished = set(calculations)
        for _ in range(len(calculations) + 1):
            if not pending:
                break
            still: list[str] = []
            for name in pending:
                question, here, repeat, *_ = self.places[name]
                assert question.calculation is not None
                result = compile_expression(question.calculation, ExprContext(self.symbols, repeat))
                if any(ref != name and ref in unfinished for ref in result.references):
                    still.append(name)  # typed once the calculations it reads are typed
                    continue
                unfinished.discard(name)
                compiled.setdefault(name, {})["calculation"] = result
                symbol = self.symbols[name]
                if question.kind is QuestionType.CALCULATE:
                    self.symbols[name] = Symbol(name, result.type, symbol.repeat, symbol.choices)
            if still == pending:
                break
            pending = still
        for name in pending:  # part of a cycle; compiled as-is so the cycle gets reported
            question, _, repeat, *_ = self.places[name]
            assert question.calculation is not None
            compiled.setdefault(name, {})["calculation"] = compile_expression(
                question.calculation, ExprContext(self.symbols, repeat)
            )
        for name, (question, here, repeat, *_rest) in self.places.items():
            own = compiled.setdefault(name, {})
            symbol = self.symbols[name]
            if question.relevant:
                own["relevant"] = compile_expression(
                    question.relevant, ExprContext(self.symbols, repeat)
                )
            if isinstance(question.required, str):
                own["required"] = compile_expression(
                    question.required, ExprContext(self.symbols, repeat)
                )
            if question.constraint:
                own["constraint"] = compile_expression(
                    question.constraint, ExprContext(self.symbols, repeat, current=symbol)
                )
            if question.choice_filter and question.list_name in self.definition.choices:
                attributes = frozenset(
                    attribute
                    for choice in self.definition.choices[question.list_name]
                    for attribute in choice.attributes
                )
                own["choice_filter"] = compile_expression(
                    question.choice_filter,
                    ExprContext(self.symbols, repeat, choice_attributes=attributes),
                )
            for key, result in own.items():
                for problem in result.problems:
                    self.problem((*here, key), problem.message, problem.pos)
        return compiled

    def compile_outcomes(self) -> list[CompiledOutcome]:
        outcomes: list[CompiledOutcome] = []
        seen: set[str] = set()
        for index, outcome in enumerate(self.definition.outcomes):
            path: Path = ("outcomes", index)
            if outcome.name in seen:
                self.problem((*path, "name"), f"the outcome '{outcome.name}' is defined twice")
            seen.add(outcome.name)
            result = compile_expression(outcome.when, ExprContext(self.symbols))
            for problem in result.problems:
                self.problem((*path, "when"), problem.message, problem.pos)
            if result.run is not None:
                outcomes.append(CompiledOutcome(outcome, result.run, result.references))
        return outcomes

    def evaluation_order(self, expressions: dict[str, dict[str, CompiledExpression]]) -> list[str]:
        """Fields ordered so that each comes after what its relevance and value read."""
        inputs: dict[str, set[str]] = {}
        for name, (_q, _p, _r, parent, _i) in self.places.items():
            reads: set[str] = set()
            for key in ("relevant", "calculation"):
                if key in expressions.get(name, {}):
                    refs = expressions[name][key].references
                    reads |= {ref for ref in refs if ref in self.places}
            if parent is not None:
                reads.add(parent)
            inputs[name] = reads
        order: list[str] = []
        state: dict[str, int] = {}  # 1 = on the stack, 2 = done
        document = {name: index for index, name in enumerate(self.places)}

        def visit(name: str, stack: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                cycle = [*stack[stack.index(name) :], name]
                here = self.places[name][1]
                if not any(p.message.startswith("a cycle") for p in self.problems):
                    self.problem(here, "a cycle: " + " → ".join("${" + n + "}" for n in cycle))
                return
            state[name] = 1
            for dependency in sorted(inputs[name], key=document.__getitem__):
                visit(dependency, [*stack, name])
            state[name] = 2
            order.append(name)

        for name in document:
            visit(name, [])
        return order

    def assemble(
        self,
        expressions: dict[str, dict[str, CompiledExpression]],
        order: list[str],
        outcomes: list[CompiledOutcome],
    ) -> FormEngine:
        position = {name: index for index, name in enumerate(order)}
        fields: dict[str, Field] = {}
        dependents: dict[str, set[str]] = {}
        expression_readers: dict[str, set[str]] = {}
        checks: dict[str, set[str]] = {}
        for name, (question, path, repeat, parent, in_row) in self.places.items():
            own = expressions.get(name, {})

            def run(key: str, own: dict[str, CompiledExpression] = own) -> Compiled | None:
                result = own.get(key)
                return None if result is None else result.run

            required = run("required")
            if question.required is True:
                required = _always
            choices = None
            if question.list_name is not None:
                choices = tuple(self.definition.choices.get(question.list_name, ()))
            fields[name] = Field(
                question=question,
                kind=question.kind,
                path=path,
                repeat=repeat,
                parent=parent,
                parent_in_row=in_row,
                index=position[name],
                relevant=run("relevant"),
                required=required,
                constraint=run("constraint"),
                calculation=run("calculation"),
                choice_filter=run("choice_filter"),
                choices=choices,
                choice_names=frozenset(choice.name for choice in choices or ()),
            )
            for key in ("relevant", "calculation"):
                if key in own:
                    for ref in own[key].references:
                        dependents.setdefault(ref, set()).add(name)
                        expression_readers.setdefault(ref, set()).add(name)
            if parent is not None:
                dependents.setdefault(parent, set()).add(name)
            for key in ("required", "constraint", "choice_filter"):
                if key in own:
                    for ref in own[key].references:
                        checks.setdefault(ref, set()).add(name)
        readers: dict[str, set[int]] = {}
        compiled_outcomes = tuple(outcomes)
        for index, outcome in enumerate(compiled_outcomes):
            for ref in outcome.references:
                readers.setdefault(ref, set()).add(index)
        repeat_fields: dict[str, list[str]] = {}
        for name in order:
            if fields[name].repeat is not None:
                repeat_fields.setdefault(fields[name].repeat or "", []).append(name)
        return FormEngine(
            definition=self.definition,
            fields=fields,
            outcomes=compiled_outcomes,
            dependents={
                name: tuple(sorted(names, key=position.__getitem__))
                for name, names in dependents.items()
            },
            expression_readers={
                name: tuple(sorted(names, key=position.__getitem__))
                for name, names in expression_readers.items()
            },
            checks={name: tuple(names) for name, names in checks.items()},
            outcome_readers={name: tuple(sorted(indexes)) for name, indexes in readers.items()},
            order=tuple(order),
            repeat_fields={name: tuple(names) for name, names in repeat_fields.items()},
        )


_TEXT_KEYS = frozenset(
    {
        "title",
        "description",
        "label",
        "hint",
        "required_message",
        "constraint_message",
        "unit",
        "purpose",
        "explanation",
    }
)


def _always(scope: object) -> Value:
    return True


class _RowScope:
    """Answers as one expression sees them: its own repeat row first, then the form."""

    __slots__ = ("_attributes", "_current", "_row", "_session")

    def __init__(
        self,
        session: FormSession,
        row: str | None,
        current: Value = "",
        attributes: Mapping[str, Value] | None = None,
    ) -> None:
        self._session = session
        self._row = row
        self._current = current
        self._attributes = attributes

    def value(self, name: str) -> Value:
        session = self._session
        repeat = session.engine.fields[name].repeat
        return session.values.get((name, self._row if repeat is not None else None), "")

    def nodeset(self, name: str) -> NodeSet:
        session = self._session
        repeat = session.engine.fields[name].repeat
        rows = session.rows.get(repeat or "", [])
        return NodeSet(session.values.get((name, row), "") for row in rows)

    def row_count(self, repeat: str) -> int:
        return len(self._session.rows.get(repeat, ()))

    def current(self) -> Value:
        return self._current

    def attribute(self, name: str) -> Value:
        return "" if self._attributes is None else self._attributes.get(name, "")

    def now(self) -> datetime:
        return self._session.clock()


def _same(a: Value | None, b: Value | None) -> bool:
    # 1 == 1.0 == True in Python; a change of kind is still a change to show.
    return type(a) is type(b) and a == b


class FormSession:
    """One inspection's answers with everything derived from them kept up to date."""

    def __init__(
        self,
        engine: FormEngine,
        answers: Mapping[AnswerKey, Value],
        rows: Mapping[str, Iterable[str]],
        clock: Callable[[], datetime],
        *,
        apply_defaults: bool = True,
        evaluate: bool = True,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.rows: dict[str, list[str]] = {
            name: list(rows.get(name, ())) for name in engine.repeat_fields
        }
        self.answers: dict[AnswerKey, Value] = {}
        #: What expressions see: the answer or calculation, or '' where not relevant.
        self.values: dict[AnswerKey, Value] = {}
        self.relevant: dict[AnswerKey, bool] = {}
        self.issues: dict[AnswerKey, Issue] = {}
        self.active_outcomes: dict[str, CompiledOutcome] = {}
        self.hidden_choices: dict[AnswerKey, frozenset[str]] = {}
        for key, value in answers.items():
            self._check_key(key)
            self.answers[key] = self._coerce(engine.fields[key[0]], value)
        if apply_defaults:
            self._apply_defaults()
        if evaluate:
            self.evaluate_all()

    # -- reading -----------------------------------------------------------------------

    def value(self, name: str, row: str | None = None) -> Value:
        return self.values.get((name, row), "")

    def form_values(self) -> dict[str, Value]:
        """The values outside repeats by question name, as expressions see them."""
        return {
            name: self.values.get((name, None), "")
            for name, field_ in self.engine.fields.items()
            if field_.repeat is None and field_.holds_answer
        }

    def is_relevant(self, name: str, row: str | None = None) -> bool:
        return self.relevant.get((name, row), False)

    def issue(self, name: str, row: str | None = None) -> Issue | None:
        return self.issues.get((name, row))

    def outcomes(self) -> list[Outcome]:
        """Active outcomes, most severe first, then in form order."""
        order = {o.outcome.name: i for i, o in enumerate(self.engine.outcomes)}
        active = [o.outcome for o in self.active_outcomes.values()]
        return sorted(active, key=lambda o: (-Severity(o.severity).rank, order[o.name]))

    def visible_choices(self, name: str, row: str | None = None) -> list[Choice]:
        field_ = self.engine.fields[name]
        hidden = self.hidden_choices.get((name, row), frozenset())
        return [choice for choice in field_.choices or () if choice.name not in hidden]

    def instances(self, name: str) -> list[AnswerKey]:
        repeat = self.engine.fields[name].repeat
        if repeat is None:
            return [(name, None)]
        return [(name, row) for row in self.rows[repeat]]

    def problems(self) -> list[tuple[AnswerKey, Issue]]:
        """Everything that blocks finalizing, in form order."""
        found: list[tuple[AnswerKey, Issue]] = []
        for name in self.engine.fields:
            field_ = self.engine.fields[name]
            if field_.kind is QuestionType.REPEAT:
                issue = self._rows_issue(field_)
                if issue is not None and self.relevant.get((name, None), False):
                    found.append(((name, None), issue))
                continue
            for key in self.instances(name):
                issue = self.issues.get(key)
                if issue is not None:
                    found.append((key, issue))
        return found

    def _rows_issue(self, field_: Field) -> Issue | None:
        count = len(self.rows[field_.name])
        question = field_.question
        if question.min_rows is not None and count < question.min_rows:
            return Issue(
                "required",
                {
                    "nl": f"Minstens {question.min_rows} rij(en) nodig.",
                    "en": f"At least {question.min_rows} row(s) needed.",
                },
            )
        return None

    # -- changing ----------------------------------------------------------------------

    def set_answer(self, name: str, value: Value, row: str | None = None) -> Changes:
        """Record an answer (``''`` clears it) and update what depends on it."""
        key = (name, row)
        self._check_key(key)
        field_ = self.engine.fields[name]
        if not field_.holds_answer or field_.calculation is not None:
            raise AnswerError(f"'{name}' does not take an answer")
        coerced = self._coerce(field_, value)
        if is_empty(coerced):
            self.answers.pop(key, None)
        else:
            self.answers[key] = coerced
        changes = Changes()
        self._propagate([key], changes)
        self._check(key, changes)
        return changes

    def add_row(self, repeat: str, row: str | None = None) -> tuple[str, Changes]:
        if repeat not in self.rows:
            raise AnswerError(f"'{repeat}' is not a repeat")
        field_ = self.engine.fields[repeat]
        maximum = field_.question.max_rows
        if maximum is not None and len(self.rows[repeat]) >= maximum:
            raise AnswerError(f"'{repeat}' has at most {maximum} rows")
        row = row or uuid.uuid4().hex
        if row in self.rows[repeat]:
            raise AnswerError(f"row {row} already exists")
        self.rows[repeat].append(row)
        changes = Changes(rows={repeat})
        for name in self.engine.repeat_fields[repeat]:
            default = self._default(self.engine.fields[name])
            if default is not None:
                self.answers[(name, row)] = default
        self._propagate([(name, row) for name in self.engine.repeat_fields[repeat]], changes)
        # The repeat's own relevance is unchanged: its other rows keep theirs. What can change
        # is what reads the repeat as a whole (count(), position, an aggregate over it).
        self._propagate([(repeat, None)], changes, force=True, via=self.engine.expression_readers)
        return row, changes

    def remove_row(self, repeat: str, row: str) -> Changes:
        if row not in self.rows.get(repeat, ()):
            raise AnswerError(f"'{repeat}' has no row {row}")
        self.rows[repeat].remove(row)
        changes = Changes(rows={repeat})
        names = self.engine.repeat_fields[repeat]
        for name in names:
            key = (name, row)
            self.answers.pop(key, None)
            self.values.pop(key, None)
            self.relevant.pop(key, None)
            self.issues.pop(key, None)
            self.hidden_choices.pop(key, None)
        self._propagate([(repeat, None), *((name, None) for name in names)], changes, force=True)
        return changes

    def move_row(self, repeat: str, row: str, index: int) -> Changes:
        rows = self.rows[repeat]
        rows.remove(row)
        rows.insert(max(0, min(index, len(rows))), row)
        changes = Changes(rows={repeat})
        names = self.engine.repeat_fields[repeat]
        self._propagate([(name, None) for name in names], changes, force=True)
        return changes

    def evaluate_only(self, names: Iterable[str]) -> None:
        """Evaluate the relevance and values of `names` and of what they depend on, nothing
        else: no issues, no outcomes. For reading a few answers of many stored versions (the
        period summary); such a session answers `value` and `is_relevant` for those names
        exactly as a fully evaluated one, and nothing else about it may be trusted."""
        changes = Changes()
        for name in self.engine.needed_for(names):
            for key in self.instances(name):
                self._evaluate(key, changes)

    def evaluate_all(self) -> Changes:
        """Re-evaluate every expression from scratch (start-up, and the benchmark baseline)."""
        changes = Changes()
        for name in self.engine.order:
            for key in self.instances(name):
                self._evaluate(key, changes)
        for name in self.engine.fields:
            for key in self.instances(name):
                self._check(key, changes)
        for index in range(len(self.engine.outcomes)):
            self._outcome(index, changes)
        return changes

    # -- internals ---------------------------------------------------------------------

    def _check_key(self, key: AnswerKey) -> None:
        name, row = key
        field_ = self.engine.fields.get(name)
        if field_ is None:
            raise AnswerError(f"the form has no question '{name}'")
        if (field_.repeat is None) != (row is None):
            raise AnswerError(f"'{name}' {'needs' if row is None else 'takes no'} a row id")
        if row is not None and row not in self.rows[field_.repeat or ""]:
            raise AnswerError(f"'{field_.repeat}' has no row {row}")

    def _apply_defaults(self) -> None:
        for name, field_ in self.engine.fields.items():
            default = self._default(field_)
            if default is None or field_.repeat is not None:
                continue
            self.answers.setdefault((name, None), default)

    def _default(self, field_: Field) -> Value | None:
        default = field_.question.default
        if default is None or not field_.holds_answer:
            return None
        if default in ("now", "today"):
            moment = self.clock()
            if field_.kind is QuestionType.DATE:
                return moment.date()
            if field_.kind is QuestionType.TIME:
                return moment.time().replace(microsecond=0)
            if field_.kind is QuestionType.DATETIME:
                return moment.replace(microsecond=0)
        return self._coerce(field_, default)

    def _coerce(self, field_: Field, value: Value) -> Value:
        try:
            return coerce_answer(field_, value)
        except (TypeError, ValueError) as error:
            raise AnswerError(f"'{field_.name}': {error}") from None

    def _instances_for(self, target: str, trigger: AnswerKey) -> list[AnswerKey]:
        """The slots of `target` that a change at `trigger` can affect."""
        repeat = self.engine.fields[target].repeat
        if repeat is None:
            return [(target, None)]
        name, row = trigger
        if row is not None and self.engine.fields[name].repeat == repeat:
            return [(target, row)]
        return [(target, each) for each in self.rows[repeat]]

    def _propagate(
        self,
        start: list[AnswerKey],
        changes: Changes,
        force: bool = False,
        via: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        """Evaluate from `start` onwards; `via` replaces the dependency graph for the forced
        start keys only (what follows from them goes the whole graph)."""
        fields = self.engine.fields
        queue: list[tuple[int, str, str]] = []
        queued: set[AnswerKey] = set()
        changed: list[AnswerKey] = []

        def push_dependents(
            key: AnswerKey, graph: Mapping[str, tuple[str, ...]] = self.engine.dependents
        ) -> None:
            for dependent in graph.get(key[0], ()):
                for target in self._instances_for(dependent, key):
                    if target not in queued:
                        queued.add(target)
                        heapq.heappush(queue, (fields[dependent].index, target[0], target[1] or ""))

        for key in start:
            if force:
                changed.append(key)
                push_dependents(key, self.engine.dependents if via is None else via)
            elif key not in queued:
                queued.add(key)
                heapq.heappush(queue, (fields[key[0]].index, key[0], key[1] or ""))
        while queue:
            _, name, row_text = heapq.heappop(queue)
            key = (name, row_text or None)
            if self._evaluate(key, changes):
                changed.append(key)
                push_dependents(key)
        checked: set[AnswerKey] = set()
        outcomes: set[int] = set()
        for key in changed:
            name = key[0]
            targets = [key] if self._exists(key) else []
            for reader in self.engine.checks.get(name, ()):
                targets.extend(self._instances_for(reader, key))
            for target in targets:
                if target not in checked:
                    checked.add(target)
                    self._check(target, changes)
            outcomes.update(self.engine.outcome_readers.get(name, ()))
        for index in sorted(outcomes):
            self._outcome(index, changes)

    def _exists(self, key: AnswerKey) -> bool:
        repeat = self.engine.fields[key[0]].repeat
        return (key[1] is None) == (repeat is None)

    def _evaluate(self, key: AnswerKey, changes: Changes) -> bool:
        """Recompute relevance and value of one slot; True when either changed."""
        name, row = key
        field_ = self.engine.fields[name]
        if field_.parent is None:
            relevant = True
        else:
            parent_row = row if field_.parent_in_row else None
            relevant = self.relevant.get((field_.parent, parent_row), False)
        scope = _RowScope(self, row)
        if relevant and field_.relevant is not None:
            relevant = to_bool(field_.relevant(scope))
        if field_.calculation is not None:
            value: Value = field_.calculation(scope) if relevant else ""
            if isinstance(value, float) and math.isnan(value):
                # Collect stores a calculation that gives NaN as no value (JavaRosa's
                # IAnswerData.wrapData), so what reads it sees an empty answer. Infinity stays.
                value = ""
        else:
            value = self.answers.get(key, "") if relevant else ""
        changed = False
        if self.relevant.get(key) is not relevant:
            self.relevant[key] = relevant
            changes.relevance.add(key)
            changed = True
        old = self.values.get(key)
        if old is None or not _same(old, value):
            self.values[key] = value
            changes.values.add(key)
            changed = True
        return changed

    def _check(self, key: AnswerKey, changes: Changes) -> None:
        """Recompute the issue (required, constraint) and visible choices of one slot."""
        name, row = key
        field_ = self.engine.fields[name]
        if not field_.holds_answer:
            return
        issue: Issue | None = None
        relevant = self.relevant.get(key, False)
        value = self.values.get(key, "")
        scope = _RowScope(self, row, value)
        if relevant and field_.choice_filter is not None:
            hidden = frozenset(
                choice.name
                for choice in field_.choices or ()
                if not to_bool(
                    field_.choice_filter(
                        _RowScope(self, row, value, {"name": choice.name, **choice.attributes})
                    )
                )
            )
            if self.hidden_choices.get(key, frozenset()) != hidden:
                self.hidden_choices[key] = hidden
                changes.choices.add(key)
        if relevant:
            question = field_.question
            if is_empty(value):
                if field_.required is not None and to_bool(field_.required(scope)):
                    issue = Issue("required", question.required_message or DEFAULT_REQUIRED)
            elif self._shows_hidden_choice(key, value):
                issue = Issue("constraint", HIDDEN_CHOICE)
            elif field_.constraint is not None and not to_bool(field_.constraint(scope)):
                issue = Issue("constraint", question.constraint_message or DEFAULT_CONSTRAINT)
        if self.issues.get(key) != issue:
            if issue is None:
                del self.issues[key]
            else:
                self.issues[key] = issue
            changes.issues.add(key)

    def _shows_hidden_choice(self, key: AnswerKey, value: Value) -> bool:
        """The answer is a choice the filter no longer offers (an earlier answer changed)."""
        hidden = self.hidden_choices.get(key)
        if not hidden:
            return False
        chosen = value if isinstance(value, tuple) else (value,)
        return any(item in hidden for item in chosen)

    def _outcome(self, index: int, changes: Changes) -> None:
        compiled = self.engine.outcomes[index]
        name = compiled.outcome.name
        active = to_bool(compiled.when(_RowScope(self, None)))
        if active != (name in self.active_outcomes):
            if active:
                self.active_outcomes[name] = compiled
            else:
                del self.active_outcomes[name]
            changes.outcomes.add(name)


def coerce_answer(field_: Field, value: Value) -> Value:
    """Check an answer's kind for its question, normalising numbers and choice lists."""
    kind = field_.kind
    if isinstance(value, str) and value == "":
        return ""
    if kind is QuestionType.INTEGER or kind is QuestionType.RATING:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise TypeError(f"expects a whole number, not {value!r}")
        number = int(value)
        top = field_.question.max_rating
        if kind is QuestionType.RATING and top is not None and not 1 <= number <= top:
            raise ValueError(f"expects 1 to {top}, not {number}")
        return number
    if kind is QuestionType.DECIMAL:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"expects a number, not {value!r}")
        if not math.isfinite(value):
            raise ValueError("expects a finite number")
        return float(value)
    if kind is QuestionType.SELECT_ONE:
        if not isinstance(value, str) or value not in field_.choice_names:
            raise ValueError(f"{value!r} is not one of its choices")
        return value
    if kind in (QuestionType.SELECT_MULTIPLE, QuestionType.IMAGE):
        if isinstance(value, str):
            value = tuple(value.split())
        if not isinstance(value, tuple | list) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"expects a list of names, not {value!r}")
        items = tuple(dict.fromkeys(value))
        if kind is QuestionType.SELECT_MULTIPLE:
            unknown = [item for item in items if item not in field_.choice_names]
            if unknown:
                raise ValueError(f"{unknown[0]!r} is not one of its choices")
            # Keep the form's order so equal selections compare and hash equal.
            return tuple(c.name for c in field_.choices or () if c.name in items)
        return items
    if kind is QuestionType.DATE:
        if isinstance(value, datetime) or not isinstance(value, date):
            value = date.fromisoformat(str(value))
        return value
    if kind is QuestionType.DATETIME:
        if not isinstance(value, datetime):
            value = datetime.fromisoformat(str(value))
        return value
    if kind is QuestionType.TIME:
        if not isinstance(value, time):
            value = time.fromisoformat(str(value))
        return value
    if kind is QuestionType.GEOPOINT:
        return _geopoint(value)
    if not isinstance(value, str):
        raise TypeError(f"expects text, not {value!r}")
    if kind is QuestionType.ACKNOWLEDGE and value != "OK":
        raise ValueError("an acknowledgement is 'OK' or empty")
    return value


def _geopoint(value: Value) -> str:
    """ODK's geopoint text: 'latitude longitude [altitude [accuracy]]'."""
    parts = str(value).split()
    if not 2 <= len(parts) <= 4:
        raise ValueError("expects 'latitude longitude [altitude [accuracy]]'")
    numbers = [float(part) for part in parts]
    if not (-90 <= numbers[0] <= 90 and -180 <= numbers[1] <= 180):
        raise ValueError("latitude or longitude out of range")
    return " ".join(parts)
