"""The sanction ladder: a municipality's enforcement policy as a file, and the step it proposes.

The policy is configuration, not code (`forms/sanction_ladder.policy.yaml`): for each kind
of finding a ladder of steps (warning → closure → revocation), the period within which an
earlier finding counts as a repetition, and the actions each step starts. Every value names
its source, or says it is still to be confirmed. `propose` is the whole rule: count the
venue's earlier approved findings on the same ladder within the period before this visit,
and take the step that many rungs up (the last step once the ladder runs out). A one-strike
criterion (J in Den Haag) is simply a ladder whose first step is a closure.

A proposal names the policy id and version it came from, so a later policy never rewrites
what was proposed under an earlier one.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from fieldapp.core.entities import LocalText
from fieldapp.core.errors import FormFileError
from fieldapp.core.formfile import FileProblem, PositionedYaml, pydantic_message
from fieldapp.core.texts import Text

__all__ = [
    "DOOR_TEST_INDICATION",
    "POLICY_SUFFIX",
    "ActionKind",
    "ActionTemplate",
    "Ladder",
    "LadderStep",
    "MeasureKind",
    "Proposal",
    "SanctionPolicy",
    "Source",
    "load_policy_file",
    "load_policy_text",
    "months_before",
    "policy_files",
    "propose",
]

#: Policy files sit beside the forms and end in this, so the form loader passes them by.
POLICY_SUFFIX = ".policy.yaml"
#: The finding a door-test round gives when its pair shows unequal treatment (either way).
DOOR_TEST_INDICATION = "door_test:unequal_treatment"

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$", max_length=64)]
#: ``form_id:outcome_name``, or the door-test indication.
FindingKey = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9_]+:[A-Za-z0-9_]+$", max_length=128)
]


class MeasureKind(StrEnum):
    """What a step of a ladder does to the venue."""

    CONVERSATION = "conversation"
    WARNING = "warning"
    CLOSURE = "closure"
    REVOCATION = "revocation"


class ActionKind(StrEnum):
    """The kinds of follow-up action (SafetyCulture calls them Actions)."""

    LETTER_OF_INTENT = "letter_of_intent"
    CONVERSATION = "conversation"
    FORMAL_WARNING = "formal_warning"
    CLOSURE_DECISION = "closure_decision"
    RE_INSPECTION = "re_inspection"
    REFERRAL = "referral"
    OTHER = "other"

    @property
    def label(self) -> Text:
        return ACTION_KIND_LABELS[self]


ACTION_KIND_LABELS: Mapping[ActionKind, Text] = {
    ActionKind.LETTER_OF_INTENT: Text("Voornemen (brief)", "Letter of intent"),
    ActionKind.CONVERSATION: Text("Gesprek", "Conversation"),
    ActionKind.FORMAL_WARNING: Text("Formele waarschuwing", "Formal warning"),
    ActionKind.CLOSURE_DECISION: Text("Sluitingsbesluit", "Closure decision"),
    ActionKind.RE_INSPECTION: Text("Hercontrole", "Re-inspection"),
    ActionKind.REFERRAL: Text("Doorverwijzing melden", "Make a referral"),
    ActionKind.OTHER: Text("Overige actie", "Other action"),
}


class _PolicyModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_PolicyModel):
    """Where a value comes from; `confirmed: false` marks a value still to confirm."""

    confirmed: bool
    note: LocalText


class ActionTemplate(_PolicyModel):
    """An action a step starts, due so many days after the decision."""

    kind: ActionKind
    due_days: int = Field(ge=0, le=365)
    #: For a re-inspection: the form the boa fills in.
    form_id: Slug | None = None


class LadderStep(_PolicyModel):
    """One rung: what it does, for how long, and which actions it starts."""

    id: Slug
    label: LocalText
    measure: MeasureKind
    #: A closure's length in weeks (None for other measures).
    closure_weeks: int | None = Field(default=None, ge=1, le=520)
    actions: tuple[ActionTemplate, ...] = ()

    @model_validator(mode="after")
    def _check_closure(self) -> Self:
        if self.measure is MeasureKind.CLOSURE and self.closure_weeks is None:
            raise ValueError(f"step {self.id}: a closure needs closure_weeks")
        if self.measure is not MeasureKind.CLOSURE and self.closure_weeks is not None:
            raise ValueError(f"step {self.id}: only a closure has closure_weeks")
        return self


class Ladder(_PolicyModel):
    """The steps for one kind of finding, and the period within which repetitions count."""

    id: Slug
    label: LocalText
    #: The findings that climb this ladder: ``form_id:outcome_name`` or the door-test indication.
    findings: tuple[FindingKey, ...] = Field(min_length=1)
    #: An earlier approved finding counts as a repetition if it lies within this many months
    #: before the new one.
    period_months: int = Field(ge=1, le=120)
    steps: tuple[LadderStep, ...] = Field(min_length=1)
    source: Source

    @model_validator(mode="after")
    def _check_steps(self) -> Self:
        ids = [step.id for step in self.steps]
        if len(set(ids)) != len(ids):
            raise ValueError(f"ladder {self.id}: two steps have the same id")
        return self

    def step_at(self, index: int) -> LadderStep:
        """The step `index` rungs up; the top step once the ladder runs out."""
        return self.steps[min(max(index, 0), len(self.steps) - 1)]

    def step_index(self, step_id: str) -> int | None:
        for index, step in enumerate(self.steps):
            if step.id == step_id:
                return index
        return None


class SanctionPolicy(_PolicyModel):
    """A version-stamped enforcement policy: the ladders of one municipality."""

    id: Slug
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z._-]{1,32}$")]
    title: LocalText
    #: The period for the operator's response (zienswijze) to a letter of intent.
    response_days: int = Field(ge=1, le=90)
    ladders: tuple[Ladder, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_ladders(self) -> Self:
        ids = [ladder.id for ladder in self.ladders]
        if len(set(ids)) != len(ids):
            raise ValueError("two ladders have the same id")
        seen: dict[str, str] = {}
        for ladder in self.ladders:
            for finding in ladder.findings:
                if finding in seen:
                    raise ValueError(
                        f"the finding {finding} is on two ladders ({seen[finding]}, {ladder.id})"
                    )
                seen[finding] = ladder.id
        return self

    def ladder(self, ladder_id: str) -> Ladder | None:
        return next((ladder for ladder in self.ladders if ladder.id == ladder_id), None)

    def ladder_for(self, finding: str) -> Ladder | None:
        """The ladder a finding climbs, or None when the policy has no measure for it."""
        return next((ladder for ladder in self.ladders if finding in ladder.findings), None)

    def problems_with(self, outcomes: Mapping[str, Iterable[str]]) -> list[str]:
        """Findings that name no outcome of the forms given as {form_id: outcome names}."""
        problems = []
        for ladder in self.ladders:
            for finding in ladder.findings:
                if finding == DOOR_TEST_INDICATION:
                    continue
                form_id, _, outcome = finding.partition(":")
                if form_id not in outcomes:
                    problems.append(f"ladder {ladder.id}: no form {form_id} for {finding}")
                elif outcome not in set(outcomes[form_id]):
                    problems.append(
                        f"ladder {ladder.id}: the form {form_id} has no outcome {outcome}"
                    )
        return problems


@dataclass(frozen=True, slots=True)
class Proposal:
    """The step the policy proposes for a finding, and why."""

    ladder_id: str
    step_index: int
    step: LadderStep
    #: The earlier findings on the ladder within the period, oldest first (their moments).
    repetitions: tuple[dt.datetime, ...]
    #: The first moment that still counts as a repetition.
    counted_from: dt.datetime
    policy_id: str
    policy_version: str


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's
    last day), as the policy's "within 24 months" reads."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def propose(
    policy: SanctionPolicy,
    ladder: Ladder,
    visited_at: dt.datetime,
    earlier: Iterable[dt.datetime],
) -> Proposal:
    """The step for a finding at `visited_at` after the `earlier` approved findings on the
    same ladder at the same venue (their visit moments; later ones are ignored).

    An earlier finding counts when it lies in the period before this visit: on or after
    the moment `period_months` earlier, and strictly before this visit.
    """
    start = months_before(visited_at, ladder.period_months)
    counted = tuple(sorted(moment for moment in earlier if start <= moment < visited_at))
    index = min(len(counted), len(ladder.steps) - 1)
    return Proposal(
        ladder.id, index, ladder.steps[index], counted, start, policy.id, policy.version
    )


# -- reading the file ------------------------------------------------------------------------


def load_policy_text(text: str, filename: str = "<policy>") -> SanctionPolicy:
    """Parse and validate a policy; raise `FormFileError` with every problem, each at its
    line and column, as the form loader does."""
    try:
        document = PositionedYaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise FormFileError(
            [FileProblem(filename, line, column, f"YAML: {error.problem or error}")]
        ) from None
    except yaml.YAMLError as error:
        raise FormFileError([FileProblem(filename, 1, 1, f"YAML: {error}")]) from None
    problems = [
        FileProblem(filename, spot.line + 1, spot.column + 1, f"the key '{path[-1]}' appears twice")
        for path, spot in document.duplicates
    ]
    if not isinstance(document.data, dict):
        problems.append(
            FileProblem(filename, 1, 1, "a policy file holds a mapping (id, version, …)")
        )
        raise FormFileError(problems)
    try:
        policy = SanctionPolicy.model_validate(document.data)
    except ValidationError as error:
        for item in error.errors():
            path = tuple(part for part in item["loc"] if part != "[key]")
            line, column = document.locate(path)
            problems.append(FileProblem(filename, line, column, pydantic_message(item, path)))
        raise FormFileError(sorted(problems, key=lambda p: (p.line, p.column))) from None
    if problems:
        raise FormFileError(problems)
    return policy


def load_policy_file(path: Path) -> SanctionPolicy:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise FormFileError(
            [FileProblem(str(path), 1, 1, f"cannot read the file: {reason}")]
        ) from None
    return load_policy_text(text, str(path))


def policy_files(folder: Path) -> list[Path]:
    """The policy files in a forms folder."""
    return sorted(p for p in folder.glob(f"*{POLICY_SUFFIX}") if p.is_file())


def findings_of(
    policy: SanctionPolicy, outcomes: Sequence[str], form_id: str
) -> dict[str, list[str]]:
    """The form's outcomes that climb a ladder, grouped by ladder id (in policy order)."""
    found: dict[str, list[str]] = {}
    for outcome in outcomes:
        key = f"{form_id}:{outcome}"
        ladder = policy.ladder_for(key)
        if ladder is not None:
            found.setdefault(ladder.id, []).append(key)
    return {ladder.id: found[ladder.id] for ladder in policy.ladders if ladder.id in found}
