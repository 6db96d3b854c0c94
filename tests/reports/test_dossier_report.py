"""The venue file as a PDF (issue 13): a coffeeshop's J finding, the closure it led to, the
operator's response to the letter of intent, a door-test round, and an empty venue."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from fieldapp.core.doortest import PairResult
from fieldapp.core.entities import Area, Venue, VenueKind
from fieldapp.core.followup import (
    Action,
    ActionEvent,
    ActionEventKind,
    ActionState,
    Attachment,
    FileFinding,
    FileRound,
    FileVisit,
    Measure,
    MeasureState,
    Repetition,
    VenueFile,
)
from fieldapp.core.sanctions import ActionKind
from fieldapp.reports import venue_dossier

UTC = dt.UTC
POLICY_ID = "den_haag_sanctions"
POLICY_VERSION = "2026.1"
J_LABEL = {"nl": "J-criterium: jeugdige binnen of verkoop aan jeugdige", "en": "Criterion J: minor"}
CLOSURE = {"nl": "Sluiting 6 maanden", "en": "Closure for 6 months"}
RESPONSE_SUMMARY = (
    "Exploitant betwist de leeftijd van de klant; legitimatie zou zijn gecontroleerd."
)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text on one line, as the other report tests read it (a wrapped cell joined)."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in pages))
    return re.sub(r"(?<=[a-z])-\s+(?=[a-z])", "", re.sub(r"\s+", " ", text))


def coffeeshop(*, active: bool = True) -> Venue:
    return Venue(
        id="cs-groene-linde",
        name="Coffeeshop De Groene Linde",
        kind=VenueKind.COFFEESHOP,
        street="Weimarstraat",
        house_number="118",
        postcode="2562 HB",
        area="regentessekwartier",
        lat=52.075,
        lon=4.285,
        permit_number="DH-CS-014",
        operator="Groene Linde B.V.",
        active=active,
    )


AREAS = {
    "regentessekwartier": Area(
        id="regentessekwartier", name="Regentessekwartier", district="Segbroek"
    )
}


def event(seq: int, moment: str, kind: ActionEventKind, **values: object) -> ActionEvent:
    return ActionEvent(
        seq=seq,
        at=at(moment),
        actor="s.devries",
        actor_name="Sanne de Vries",
        kind=kind,
        **values,
    )


def letter_of_intent() -> Action:
    """Sent, answered by the operator (zienswijze) with a letter, then decided."""
    return Action(
        action_id="act-letter",
        kind=ActionKind.LETTER_OF_INTENT,
        title="Voornemen tot sluiting verzenden",
        venue_id="cs-groene-linde",
        venue_name="Coffeeshop De Groene Linde",
        inspection_ids=("insp-j",),
        measure_id="m-j",
        team="team-centrum",
        owner="s.devries",
        owner_name="Sanne de Vries",
        due=dt.date(2026, 10, 19),
        state=ActionState.DECIDED,
        created_by="s.devries",
        created_at=at("2026-10-05T14:30"),
        updated_at=at("2026-10-20T15:00"),
        version=4,
        events=(
            event(1, "2026-10-05T14:30", ActionEventKind.CREATED, state=ActionState.OPEN),
            event(
                2,
                "2026-10-06T09:00",
                ActionEventKind.STATE,
                state=ActionState.WAITING_RESPONSE,
                text="Brief aangetekend verzonden",
            ),
            event(
                3,
                "2026-10-16T11:20",
                ActionEventKind.RESPONSE,
                response_date=dt.date(2026, 10, 14),
                text=RESPONSE_SUMMARY,
                attachment=Attachment(
                    sha256="a" * 64,
                    filename="zienswijze-groene-linde.pdf",
                    media_type="application/pdf",
                    size=81234,
                ),
            ),
            event(
                4,
                "2026-10-20T15:00",
                ActionEventKind.STATE,
                state=ActionState.DECIDED,
                text="Zienswijze gewogen; de sluiting blijft.",
            ),
        ),
    )


def closure_decision() -> Action:
    """Still open after its due date: overdue on the day the file is made."""
    return Action(
        action_id="act-closure",
        kind=ActionKind.CLOSURE_DECISION,
        title="Sluitingsbesluit opstellen",
        venue_id="cs-groene-linde",
        venue_name="Coffeeshop De Groene Linde",
        measure_id="m-j",
        team="team-centrum",
        owner="r.bakker",
        owner_name="Rachid Bakker",
        due=dt.date(2026, 11, 2),
        state=ActionState.OPEN,
        created_by="s.devries",
        created_at=at("2026-10-05T14:31"),
        updated_at=at("2026-10-05T14:31"),
        version=1,
        events=(event(1, "2026-10-05T14:31", ActionEventKind.CREATED, state=ActionState.OPEN),),
    )


def venue_file() -> VenueFile:
    visits = (
        FileVisit(
            inspection_id="insp-earlier",
            form_id="coffeeshop_inspection",
            form_title={"nl": "Coffeeshopcontrole", "en": "Coffeeshop inspection"},
            visited_at=at("2025-03-14T21:10"),
            officers=("Elif Yıldız (boa 4417)", "Łukasz Żółkowski (boa 4420)"),
            status="approved",
            approved_by="Sanne de Vries",
            approved_at=at("2025-03-16T09:00"),
            findings=(
                FileFinding(
                    key="coffeeshop_inspection:stock_unclear",
                    label={"nl": "Voorraad niet direct inzichtelijk", "en": "Stock not clear"},
                    severity="attention",
                ),
            ),
        ),
        *(
            FileVisit(
                inspection_id=f"insp-door-{role}",
                form_id="door_test",
                form_title={"nl": "Deurtest", "en": "Door test"},
                visited_at=at(moment),
                officers=(pseudonym,),
                status="approved",
                approved_by="Sanne de Vries",
                approved_at=at("2026-08-24T10:00"),
                round_id="round-0821",
                group_role=role,
            )
            for role, moment, pseudonym in (
                ("test", "2026-08-21T22:05", "MG-07"),
                ("control", "2026-08-21T22:15", "MG-12"),
            )
        ),
        FileVisit(
            inspection_id="insp-j",
            form_id="coffeeshop_inspection",
            form_title={"nl": "Coffeeshopcontrole", "en": "Coffeeshop inspection"},
            visited_at=at("2026-10-01T21:00"),
            officers=("Elif Yıldız (boa 4417)",),
            status="approved",
            approved_by="Sanne de Vries",
            approved_at=at("2026-10-02T10:15"),
            findings=(
                FileFinding(
                    key="coffeeshop_inspection:criterion_J_violation",
                    label=J_LABEL,
                    severity="immediate_closure",
                ),
            ),
        ),
    )
    rounds = (
        FileRound(
            round_id="round-0821",
            date=dt.date(2026, 8, 21),
            result=PairResult.NO_FINDING.value,
            result_label={
                "nl": PairResult.NO_FINDING.label.nl,
                "en": PairResult.NO_FINDING.label.en,
            },
            inspection_ids=("insp-door-test", "insp-door-control"),
            approved=True,
        ),
    )
    measure = Measure(
        measure_id="m-j",
        venue_id="cs-groene-linde",
        team="team-centrum",
        ladder_id="coffeeshop_j",
        ladder_label={"nl": "J-criterium: jeugdigen", "en": "Criterion J: minors"},
        findings=("coffeeshop_inspection:criterion_J_violation",),
        finding_labels=(J_LABEL,),
        inspection_ids=("insp-j",),
        visited_at=at("2026-10-01T21:00"),
        policy_id=POLICY_ID,
        policy_version=POLICY_VERSION,
        proposed_step="closure_6_months",
        proposed_label=CLOSURE,
        repetitions=(),
        repetition_inspections=(),
        period_months=24,
        proposed_at=at("2026-10-02T10:15"),
        state=MeasureState.CONFIRMED,
        decided_step="closure_6_months",
        decided_label=CLOSURE,
        reason="Verkoop aan een minderjarige, door twee boa's vastgesteld.",
        decided_by="s.devries",
        decided_by_name="Sanne de Vries",
        decided_at=at("2026-10-05T14:30"),
        action_ids=("act-letter", "act-closure"),
    )
    return VenueFile(
        venue=coffeeshop(),
        generated_at=at("2026-11-20T08:00"),
        policy_id=POLICY_ID,
        policy_version=POLICY_VERSION,
        visits=visits,
        rounds=rounds,
        measures=(measure,),
        actions=(letter_of_intent(), closure_decision()),
        repetitions=(
            Repetition(
                ladder_id="coffeeshop_j",
                label={"nl": "J-criterium: jeugdigen", "en": "Criterion J: minors"},
                period_months=24,
                count=1,
                last_at=at("2026-10-01T21:00"),
            ),
        ),
    )


def empty_file(kind: VenueKind = VenueKind.BAR) -> VenueFile:
    """A venue nothing was ever recorded at, and no policy loaded."""
    venue = Venue(
        id="bar-stil",
        name="Café Het Stille Hoekje",
        kind=kind,
        street="Prinsestraat",
        house_number="3",
        postcode="2513 CA",
        area="centrum",
        lat=52.08,
        lon=4.31,
        active=False,
    )
    return VenueFile(
        venue=venue,
        generated_at=at("2026-11-20T08:00"),
        policy_id=None,
        policy_version=None,
        visits=(),
        rounds=(),
        measures=(),
        actions=(),
        repetitions=(),
    )


@pytest.fixture(scope="module")
def dutch() -> str:
    return pdf_text(venue_dossier(venue_file(), areas=AREAS))


@pytest.fixture(scope="module")
def english() -> str:
    return pdf_text(venue_dossier(venue_file(), language="en", areas=AREAS))


def test_the_first_page_says_what_where_when_and_where_the_venue_stands() -> None:
    reader = PdfReader(io.BytesIO(venue_dossier(venue_file(), areas=AREAS)))
    page = " ".join(reader.pages[0].extract_text().split())
    for expected in (
        "Dossier van de locatie",
        "Coffeeshop De Groene Linde",
        "Weimarstraat 118, 2562 HB",
        "Regentessekwartier (stadsdeel Segbroek)",
        "DH-CS-014",
        "Groene Linde B.V.",
        "Actief",
        "20 november 2026",
        "14 maart 2025 – 20 oktober 2026",
        f"{POLICY_ID}, versie {POLICY_VERSION}",
        "J-criterium: jeugdigen",
        "Bevestigd: Sluiting 6 maanden, 5 oktober 2026, door Sanne de Vries",
    ):
        assert expected in page, expected
    # One open action, overdue on the day the file was made (due 2 November).
    assert "Open acties 1" in page
    assert "Waarvan te laat 1 (termijn vóór 20 november 2026)" in page


def test_the_chronology_runs_from_old_to_new_across_kinds(dutch: str) -> None:
    chronology = dutch[dutch.index("Chronologie") :]
    moments = [
        "14-03-2025 21:10",  # the earlier inspection
        "21-08-2026 22:05",  # the door test's test group
        "21-08-2026 22:15",  # and its control group
        "21-08-2026",  # the round, after its visits
        "01-10-2026 21:00",  # the J finding
        "02-10-2026 10:15",  # the proposal
        "05-10-2026 14:30",  # the decision and the letter created
        "16-10-2026 11:20",  # the response recorded
        "20-10-2026 15:00",  # decided after the response
    ]
    positions = []
    start = 0
    for moment in moments:
        start = chronology.index(moment, start)
        positions.append(start)
        start += 1
    assert positions == sorted(positions)
    assert "Geen aanwijzing voor ongelijke behandeling" in chronology
    assert "MG-07" in chronology and "MG-12" in chronology
    assert "Directe sluiting – J-criterium: jeugdige binnen of verkoop aan jeugdige" in chronology
    assert "Aandacht – Voorraad niet direct inzichtelijk" in chronology


def test_the_measure_names_its_policy_version_and_the_decision(dutch: str) -> None:
    measures = dutch[dutch.index("Maatregelen") :]
    assert f"{POLICY_ID}, versie {POLICY_VERSION}" in measures
    assert "Sluiting 6 maanden" in measures
    assert "geen eerdere bevinding binnen 24 maanden" in measures
    assert "Verkoop aan een minderjarige, door twee boa's vastgesteld." in measures
    assert f"beleid {POLICY_ID} versie {POLICY_VERSION}" in dutch


def test_the_operators_response_shows_its_date_summary_and_letter(dutch: str, english: str) -> None:
    responses = dutch[dutch.index("Zienswijzen van de exploitant") :]
    for expected in ("14 oktober 2026", RESPONSE_SUMMARY, "zienswijze-groene-linde.pdf"):
        assert expected in responses, expected
    assert "zienswijze gedateerd 14 oktober 2026" in dutch
    assert "14 October 2026" in english
    assert RESPONSE_SUMMARY in english


def test_dutch_and_english_use_their_own_words(dutch: str, english: str) -> None:
    for nl, en in (
        ("Dossier van de locatie", "Venue file"),
        ("Chronologie", "Chronology"),
        ("Zienswijzen van de exploitant", "The operator's responses"),
        ("Bevestigd", "Confirmed"),
        ("Voornemen (brief)", "Letter of intent"),
        ("Wacht op zienswijze", "Waiting for response"),
        ("Directe sluiting", "Immediate closure"),
        ("18 dagen te laat", "18 days overdue"),
    ):
        assert nl in dutch, nl
        assert en in english, en
        assert nl not in english, nl
    assert "Closure for 6 months" in english


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_empty_venue_file_reads_well(language: str) -> None:
    text = pdf_text(venue_dossier(empty_file(), language=language))  # type: ignore[arg-type]
    expected = {
        "nl": (
            "Café Het Stille Hoekje",
            "Gesloten (niet meer actief)",
            "Nog niets vastgelegd",
            "Geen sanctiebeleid geladen",
            "Geen controles, maatregelen of acties vastgelegd.",
            "Geen maatregelen voorgesteld.",
            "Geen acties.",
            "Geen zienswijzen ontvangen.",
            "Nog geen besluit over een maatregel",
        ),
        "en": (
            "Café Het Stille Hoekje",
            "Closed (no longer active)",
            "Nothing recorded yet",
            "No sanction policy loaded",
            "No inspections, measures or actions recorded.",
            "No measures proposed.",
            "No actions.",
            "No responses received.",
            "No decision on a measure yet",
        ),
    }[language]
    for words in expected:
        assert words in text, words


def test_the_same_file_gives_the_same_bytes() -> None:
    assert venue_dossier(venue_file()) == venue_dossier(venue_file())
