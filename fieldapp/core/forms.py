"""The form definition format: pydantic models for forms/*.yaml.

The vocabulary follows XLSForm (ODK, KoboToolbox, Survey123) so form authors
recognise it; the models only check shape. Cross-references, expressions and
privacy rules are checked by `fieldapp.core.formcheck`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]

#: Text in several languages: ``{nl: "...", en: "..."}``.
LocalText = dict[LanguageCode, str]


class FormModel(BaseModel):
    """Base for every form model: unknown keys are mistakes, not extensions."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    SELECT_ONE = "select_one"
    SELECT_MULTIPLE = "select_multiple"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    NOTE = "note"
    ACKNOWLEDGE = "acknowledge"
    IMAGE = "image"
    SIGNATURE = "signature"
    GEOPOINT = "geopoint"
    CALCULATE = "calculate"
    RATING = "rating"
    VENUE = "venue"
    GROUP = "group"
    REPEAT = "repeat"


#: Types that hold an answer a person gives (not structure, not display).
ANSWER_TYPES = frozenset(QuestionType) - {
    QuestionType.NOTE,
    QuestionType.GROUP,
    QuestionType.REPEAT,
    QuestionType.CALCULATE,
}
CONTAINER_TYPES = frozenset({QuestionType.GROUP, QuestionType.REPEAT})
SELECT_TYPES = frozenset({QuestionType.SELECT_ONE, QuestionType.SELECT_MULTIPLE})
ATTACHMENT_TYPES = frozenset({QuestionType.IMAGE, QuestionType.SIGNATURE})
#: Types whose answer may carry over to the next visit (`Question.carry_over`): not the
#: evidence (photos, signatures), not the moments of this visit, not computed values.
CARRY_OVER_TYPES = frozenset(
    {
        QuestionType.TEXT,
        QuestionType.INTEGER,
        QuestionType.DECIMAL,
        QuestionType.SELECT_ONE,
        QuestionType.SELECT_MULTIPLE,
        QuestionType.GEOPOINT,
    }
)

_TYPE_RE = re.compile(r"^\s*(?P<type>[a-z_]+)(?:\s+(?P<list>[A-Za-z_][A-Za-z0-9_]*))?\s*$")


class PersonalDataCategory(StrEnum):
    """What kind of personal data a question records (AVG/GDPR vocabulary)."""

    NAME = "name"
    PSEUDONYM = "pseudonym"
    CONTACT = "contact"
    IDENTIFIER = "identifier"
    DATE_OF_BIRTH = "date_of_birth"
    LOCATION = "location"
    IMAGE = "image"
    SIGNATURE = "signature"
    DESCRIPTION = "description"
    # Art. 10 AVG: not a special category, but only under official authority.
    CRIMINAL = "criminal"
    # Art. 9 AVG special categories: refused unless the form states a legal basis.
    ETHNIC_ORIGIN = "ethnic_origin"
    POLITICAL_OPINION = "political_opinion"
    RELIGION = "religion"
    TRADE_UNION = "trade_union"
    GENETIC = "genetic"
    BIOMETRIC = "biometric"
    HEALTH = "health"
    SEX_LIFE = "sex_life"


SPECIAL_CATEGORIES = frozenset(
    {
        PersonalDataCategory.ETHNIC_ORIGIN,
        PersonalDataCategory.POLITICAL_OPINION,
        PersonalDataCategory.RELIGION,
        PersonalDataCategory.TRADE_UNION,
        PersonalDataCategory.GENETIC,
        PersonalDataCategory.BIOMETRIC,
        PersonalDataCategory.HEALTH,
        PersonalDataCategory.SEX_LIFE,
    }
)


class PersonalData(FormModel):
    """Declared on every question that records personal data."""

    category: PersonalDataCategory
    purpose: LocalText
    retention_days: int = Field(gt=0, le=36500)

    @model_validator(mode="before")
    @classmethod
    def _filled_in(cls, data: Any) -> Any:
        # An XLSForm import declares what looks like personal data but cannot know why it
        # is kept or for how long; the form is refused until a person has said so.
        if isinstance(data, dict) and (
            not data.get("purpose") or data.get("retention_days") is None
        ):
            raise ValueError(
                "personal_data needs its purpose (in every language) and retention_days "
                "filled in before the form can be used"
            )
        return data


class LegalBasis(FormModel):
    """Why a form may record special-category data (art. 9(2) AVG exception)."""

    article: str = Field(min_length=3)
    explanation: LocalText
    categories: list[PersonalDataCategory] = Field(min_length=1)


class Choice(FormModel):
    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=64)]
    label: LocalText
    #: Extra columns, usable by bare name in a question's ``choice_filter``.
    attributes: dict[Name, str | int | float | bool] = Field(default_factory=dict)


class Severity(StrEnum):
    """How serious an outcome is, from least to most; reports sort on this order."""

    INFO = "info"
    ATTENTION = "attention"
    VIOLATION = "violation"
    SERIOUS = "serious"
    IMMEDIATE_CLOSURE = "immediate_closure"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Outcome(FormModel):
    """A named flag computed from the answers, shown while filling in and on reports."""

    name: Name
    when: str
    severity: Severity
    label: LocalText
    explanation: LocalText | None = None


class Question(FormModel):
    """One row of the survey sheet: a question, a note, a calculation, a group or a repeat."""

    type: str
    name: Name
    label: LocalText | None = None
    hint: LocalText | None = None
    required: bool | str = False
    required_message: LocalText | None = None
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: LocalText | None = None
    calculation: str | None = None
    default: str | int | float | bool | None = None
    read_only: bool = False
    choice_filter: str | None = None
    appearance: str | None = None
    unit: LocalText | None = None
    #: For ``rating``: the highest number of stars (1..max).
    max_rating: int | None = Field(default=None, ge=2, le=10)
    personal_data: PersonalData | None = None
    #: The answer is a stable fact of the venue (its operator, the school nearby): a new
    #: inspection at the same venue may start from the last visit's answer, to be checked.
    #: Never on what a finding rests on (`fieldapp.core.engine` refuses that).
    carry_over: bool = False
    questions: list[Question] | None = None
    min_rows: int | None = Field(default=None, ge=0)
    max_rows: int | None = Field(default=None, ge=1)

    @property
    def kind(self) -> QuestionType:
        """The base type (``select_one`` for ``select_one yes_no``)."""
        return QuestionType(_split_type(self.type)[0])

    @property
    def list_name(self) -> str | None:
        """The choice list of a select question."""
        return _split_type(self.type)[1]

    @model_validator(mode="after")
    def _check_shape(self) -> Self:
        base, list_name = _split_type(self.type)
        try:
            kind = QuestionType(base)
        except ValueError:
            known = ", ".join(t.value for t in QuestionType)
            raise ValueError(f"unknown question type '{base}' (known: {known})") from None
        if kind in SELECT_TYPES and list_name is None:
            raise ValueError(f"'{base}' needs a choice list: '{base} LIST_NAME'")
        if kind not in SELECT_TYPES and list_name is not None:
            raise ValueError(f"only select types take a choice list, not '{base}'")
        if kind in CONTAINER_TYPES:
            if not self.questions:
                raise ValueError(f"a {base} needs a non-empty 'questions' list")
        elif self.questions is not None:
            raise ValueError(f"only group and repeat contain questions, not '{base}'")
        if kind is not QuestionType.REPEAT and (
            self.min_rows is not None or self.max_rows is not None
        ):
            raise ValueError("min_rows and max_rows belong to a repeat")
        if (
            self.min_rows is not None
            and self.max_rows is not None
            and self.min_rows > self.max_rows
        ):
            raise ValueError("min_rows is larger than max_rows")
        if kind is QuestionType.CALCULATE and not self.calculation:
            raise ValueError("a calculate needs a 'calculation'")
        if kind is not QuestionType.CALCULATE and self.calculation and not self.read_only:
            raise ValueError("a calculation on a question needs 'read_only: true'")
        if kind is QuestionType.RATING and self.max_rating is None:
            raise ValueError("a rating needs 'max_rating'")
        if kind not in (QuestionType.CALCULATE,) and self.label is None:
            raise ValueError(f"a {base} needs a label")
        if self.choice_filter and kind not in SELECT_TYPES:
            raise ValueError("choice_filter belongs to a select question")
        if self.carry_over and kind not in CARRY_OVER_TYPES:
            raise ValueError(
                f"a {base} cannot carry over: only what a person types or chooses about the "
                "venue does, never photos, signatures, times, calculations or structure"
            )
        if self.carry_over and self.read_only:
            raise ValueError("a read_only question cannot carry over")
        return self


def _split_type(raw: str) -> tuple[str, str | None]:
    match = _TYPE_RE.match(raw)
    if match is None:
        return raw.strip(), None
    return match["type"], match["list"]


class FormDefinition(FormModel):
    """A whole form file."""

    id: Name
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.\-_]+$", max_length=32)]
    title: LocalText
    description: LocalText | None = None
    languages: list[LanguageCode] = Field(min_length=1)
    #: Audience roles that may fill in this form.
    roles: list[Literal["boa", "mystery_guest", "supervisor", "admin"]] = Field(min_length=1)
    #: Numbers and switches a municipality may change without code (thresholds, I-criterion).
    parameters: dict[Name, int | float | bool | str] = Field(default_factory=dict)
    choices: dict[Name, list[Choice]] = Field(default_factory=dict)
    questions: list[Question] = Field(min_length=1)
    outcomes: list[Outcome] = Field(default_factory=list)
    #: The art. 9(2) AVG exception under which special categories are recorded, if any.
    legal_basis: LegalBasis | None = None
    #: Days a finalized inspection is kept when no question says otherwise.
    retention_days: int = Field(gt=0, le=36500)
    #: The text question naming who signs, in signing order, separated by commas (e.g. the
    #: two officers of a coffeeshop inspection): the report prints each name, role and date
    #: under its signature, the first name under the first signature question.
    signers: Name | None = None
    #: The statement the report prints above the signatures ("Naar waarheid opgemaakt …").
    closing_statement: LocalText | None = None

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def walk(self) -> list[tuple[Question, tuple[Question, ...]]]:
        """Every question in document order with its chain of enclosing groups."""
        found: list[tuple[Question, tuple[Question, ...]]] = []

        def visit(questions: list[Question], parents: tuple[Question, ...]) -> None:
            for question in questions:
                found.append((question, parents))
                if question.questions:
                    visit(question.questions, (*parents, question))

        visit(self.questions, ())
        return found
