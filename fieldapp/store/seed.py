"""Realistic synthetic data for demos, training and benchmarks, and the demo profile itself.

`AnswerWalker` fills in a compiled form the way an officer would: it walks the questions in
order, answers only what is relevant, picks choices that are visible, respects constraints
(it retries until the engine reports no issue), fills repeats and writes plausible Dutch
text that fits the row it is in. `VisitPlanner` plans door tests from the world's rounds:
the two groups of a round at its venue on its evening, in its order; a few rounds are
deliberately incomplete or inconclusive (`DEMO_ROUNDS`). `seed_profile` uses them to put N
finalized inspections (sent, approved, returned or still in the outbox) and M drafts into a
profile, through the profile's own use cases only. Finalized inspections go in through
`Profile.add_past_inspections`, the store's bulk path over the same row writers as
finalize, a receipt and a review (a batch per transaction, files synced once per batch);
drafts through the same use cases as the app.
"""

from __future__ import annotations

import random
import re
import time
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fieldapp.core.answers import answers_document
from fieldapp.core.doortest import DOOR_TEST_FORM, visit_from_document
from fieldapp.core.engine import Field, FormEngine, FormSession
from fieldapp.core.entities import (
    Area,
    Assignment,
    DoorTestRound,
    GroupRole,
    Role,
    Team,
    User,
    Venue,
    VenueKind,
    VisitOrder,
)
from fieldapp.core.expr import Value
from fieldapp.core.formfile import form_files
from fieldapp.core.forms import ATTACHMENT_TYPES, QuestionType
from fieldapp.core.inspection import Attachment, InspectionStatus, InspectionVersion
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.core.photos import stamp
from fieldapp.core.worldfile import SeedWorld, load_world
from fieldapp.store import images
from fieldapp.store.attachments import sha256_hex, sniff_media_type
from fieldapp.store.bulk import PastInspection, Receipt
from fieldapp.store.profile import Profile
from fieldapp.store.reference import (
    ApprovalEvent,
    FormText,
    ReferenceSnapshot,
    ReturnEvent,
)

#: Centre of Den Haag, for geopoints when an area has no venue with coordinates.
CITY_CENTRE = (52.0786, 4.2887)


def reference_snapshot(seeds: Path | None = None, forms: Path | None = None) -> ReferenceSnapshot:
    """The demo world and the shipped forms as reference data."""
    world = load_world(seeds or seeds_directory())
    texts = []
    for path in form_files(forms or forms_directory()):
        from fieldapp.core.formfile import load_form_text

        text = path.read_text(encoding="utf-8")
        engine = load_form_text(text, str(path))
        texts.append(FormText(engine.form_id, engine.version, text))
    return ReferenceSnapshot(
        areas=world.areas,
        venues=world.venues,
        forms=texts,
        assignments=world.assignments,
        teams=world.teams,
        team_users=world.users,
        rounds=world.rounds,
    )


def seed_reference_data(
    profile: Profile, seeds: Path | None = None, forms: Path | None = None
) -> None:
    """Load the demo world and shipped forms into `profile` (replacing what is there)."""
    profile.replace_reference_data(reference_snapshot(seeds, forms), cursor=None)


# -- realistic texts ---------------------------------------------------------------------

_FIRST = ["Jan", "Sanne", "Mohamed", "Fleur", "Kees", "Ayşe", "Ruben", "Naima", "Pieter", "Lotte"]
_LAST = ["de Vries", "Bakker", "El Idrissi", "Jansen", "van Dijk", "Yılmaz", "Visser", "Smit"]

TEXTS: Mapping[str, Sequence[str]] = {
    "alcohol_description": [
        "Twee kratten bier (48 flesjes) in de koelcel achter de toonbank.",
        "Een fles wodka en drie flessen wijn in de kast van de personeelsruimte.",
    ],
    "nearest_school_name": [
        "Basisschool De Regenboog, Weimarstraat 180",
        "Haags Montessori Lyceum, Nieuwe Duinweg 8",
        "OBS De Springplank, Zoutmanstraat 57",
        "Christelijke basisschool De Akker, Valkenboslaan 31",
    ],
    "advertising_description": [
        "Lichtbak van ca. 1,5 bij 0,5 m boven de ingang met een cannabisblad.",
        "Poster met prijslijst in de etalage, zichtbaar vanaf de stoep.",
        "Instagram-account van de coffeeshop toont dagaanbiedingen.",
    ],
    "hard_drugs_location": [
        "Achter de toonbank, la links, 12 wikkels wit poeder.",
        "In een schoenendoos in de opslagruimte, 40 pillen in een zakje.",
    ],
    "nuisance_description": [
        "Tijdens de controle twintig minuten lang drie auto's dubbel geparkeerd met draaiende "
        "motor.",
        (
            "Groep van vijf klanten rookt en blowt bij de portiek van nr. 14; bewoners klagen "
            "over geluid."
        ),
        "Zwerfafval (lege zakjes, vloeitjes) op de stoep voor de ingang.",
    ],
    "group_deviation": ["Eén tester kon niet komen; de groep was met z'n tweeën."],
    "conditions_other": ["Portier vroeg de groep eerst een drankje te kopen aan de bar ernaast."],
    "weapon_no_handoff_reason": [
        "Persoon liep weg voordat de politie er was; signalement doorgegeven aan de wijkagent.",
    ],
    "health_signal_place": ["Hoefkade ter hoogte van nr. 120", "Parallelweg bij de tramhalte"],
    "health_signal_description": [
        "Man liep verward over de rijbaan en riep naar voorbijgangers.",
        "Vrouw zat al uren op de stoep en reageerde niet op aanspreken.",
    ],
    "offence_signal_place": ["Beeklaan 412", "Speeltuin Zuiderpark, ingang Melis Stokelaan"],
    "offence_signal_description": [
        "Buren horen al weken geschreeuw en gebonk; vanavond een kind huilend op het balkon.",
        "Jongen liet een mes zien aan een groep op het speelveld.",
    ],
    "referral_health_address": ["Hobbemastraat 17"],
    "referral_health_description": [
        "Man lijkt verward en dakloos, wil geen hulp van ons maar wel van de GGD-verpleegkundige.",
    ],
    "referral_signal_address": ["Jacob Catsstraat 221"],
    "referral_signal_description": [
        "Buren horen al weken geschreeuw en gebonk; vanavond een kind huilend op het balkon.",
    ],
    "minor_situation": [
        (
            "Bij binnenkomst jongeman bij de kassa; na controle identiteitsbewijs 17 jaar. "
            "Verkoper (kassamedewerker) had niet gecontroleerd."
        ),
    ],
    "storage_location": [
        "Bovenwoning naast de coffeeshop, opslagkast op de eerste verdieping.",
        "Bedrijfsverzamelgebouw Binckhorstlaan, unit 12.",
    ],
    "shop_statement": [
        "De exploitant verklaart dat de voorraad vanavond nog zou worden opgehaald.",
        "Leidinggevende zegt dat de reclame al besteld was voor verwijdering.",
        "Geen opmerkingen.",
    ],
    "findings_summary": [
        (
            "Reguliere controle zonder bijzonderheden. Vergunning hangt zichtbaar, voorraad "
            "gewogen en binnen de norm."
        ),
        (
            "Controle samen met de politie. Handelsvoorraad gewogen; leeftijdscontrole bij de "
            "deur werd consequent uitgevoerd."
        ),
        (
            "Bij aankomst overlast van klanten in de straat waargenomen en besproken met de "
            "leidinggevende. Verder geen overtredingen."
        ),
        (
            "Reclame in de etalage aangetroffen en gefotografeerd; exploitant is gewezen op het "
            "A-criterium."
        ),
    ],
    "design_label": [
        "profiel A – mannen 18–25",
        "profiel B – mannen 18–25",
        "profiel C – gemengd 25–35",
    ],
    "dress_deviation": [
        "Twee personen in sportschoenen.",
        "Eén persoon zonder jas met capuchontrui.",
    ],
    "reason_other": ["Portier zei dat er een besloten bedrijfsfeest was tot 01.00 uur."],
    "reason_words": [
        "“Vanavond alleen vaste gasten, sorry jongens.”",
        "“Het is vol, probeer het later nog eens.”",
        "“Niet met z'n vieren, alleen in gemengde groepen.”",
    ],
    "force_description": [
        "Portier duwde tester Noord-3 met twee handen weg van de deur; geen letsel."
    ],
    "door_staff_description": [
        "Portier overlegde via de portofoon met binnen voordat hij besliste.",
        "Hostess aan de deur keek op een lijst en verwees naar de portier.",
    ],
    "notes": [
        "Controlegroep stond tien minuten eerder in de rij; het was op dat moment rustig.",
        "Geen bijzonderheden.",
    ],
    # Only for an author without a team; the plan gives everyone else their own team's name.
    "team": ["Team Centrum", "Team Segbroek-Scheveningen", "Team Laak-Escamp-Haagse Hout"],
    "observation_place": [
        "Hoefkade ter hoogte van nr. 120",
        "Speeltuin Zuiderpark, ingang Melis Stokelaan",
        "Hoek Weimarstraat / Valkenboslaan",
        "Grote Markt, bij de fietsenstalling",
        "Scheveningse Boulevard, strandopgang 8",
    ],
    "observation_description": [
        (
            "Groep jongeren zat op de bankjes en gooide vuurwerk richting passanten; "
            "aangesproken, groep vertrok."
        ),
        "Huisvuilzakken naast de ondergrondse container; melding openbare ruimte gedaan.",
        "Bewoner meldt dat de hond op het balkon al twee dagen zonder water staat.",
        "Vrouw werd nageroepen en gevolgd door twee mannen; mannen aangesproken.",
    ],
    "check_legal_basis_other": ["Op grond van de APV, samenscholingsverbod aanwijzingsgebied."],
    "fine_reference": ["PV-2026-004512", "BON-77120034", "PV-2026-011873"],
    "referral_address": ["Jacob Catsstraat 221", "Beeklaan 412", "Hobbemastraat 17"],
    "referral_description": [
        "Hond op balkon, mager, geen water; bewoner niet thuis.",
        "Groep jongeren hangt elke avond bij de speeltuin; jongerenwerker gevraagd langs te gaan.",
    ],
    "referral_reference": ["VT-2026-3381", "ZVH-118273", "144-992811"],
    "shift_summary": [
        "Rustige dienst; veel contact met bewoners over afvaloverlast.",
        "Twee meldingen doorgezet; leidinggevende geïnformeerd over het balkon met de hond.",
        "Vuurwerkoverlast rond het park blijft; avonddienst graag extra aandacht.",
    ],
    "area": [
        "Schilderswijk, rond de Hoefkade",
        "Transvaalkwartier, Paul Krugerlaan en omgeving",
        "Zeeheldenkwartier, Piet Heinstraat",
        "Duindorp, rond het Dorpsplein",
    ],
}

#: Spots for the place questions of a patrol, put after the name of the area patrolled.
_PLACES: dict[str, tuple[str, ...]] = {
    "observation_place": (
        "bij de speeltuin",
        "hoek van de hoofdstraat",
        "bij de tramhalte",
        "op het plein bij de winkels",
        "bij de ingang van het park",
    ),
    "health_signal_place": ("bij de tramhalte", "op het plein bij de winkels"),
    "offence_signal_place": ("bij de speeltuin", "portiekflat aan de hoofdstraat"),
}

#: The door staff's words for each reason a door test records ("Regulars only" beside
#: "It is full, try later" read as a careless report).
REASON_WORDS: Mapping[str, Sequence[str]] = {
    "too_busy": ["“Het is vol, probeer het later nog eens.”"],
    "regulars_only": ["“Vanavond alleen vaste gasten, sorry jongens.”"],
    "members_only": ["“Alleen op de gastenlijst vanavond.”"],
    "private_event": ["“Er is een besloten feest, jullie staan niet op de lijst.”"],
    "dress_code": ["“Niet met die schoenen.”"],
    "age": ["“Jullie zijn te jong voor vanavond.”"],
    "group_composition": ["“Niet met z'n vieren, alleen in gemengde groepen.”"],
    "customer_profile": ["“Jullie passen niet bij ons publiek.”"],
    "no_reason": ["“Vanavond niet.”"],
    # As `reason_other` describes it: a private company party.
    "other": ["“Er is een besloten bedrijfsfeest tot één uur.”"],
}

#: Texts that fit the kind of observation of their row, before the general ones above.
CATEGORY_TEXTS: Mapping[tuple[str, str], Sequence[str]] = {
    ("observation_description", "waste"): [
        "Huisvuilzakken naast de ondergrondse container; melding openbare ruimte gedaan.",
        "Twaalf vuilniszakken naast een volle container; melding openbare ruimte gedaan.",
    ],
    ("observation_description", "animal_welfare"): [
        "Bewoner meldt dat de hond op het balkon al twee dagen zonder water staat.",
    ],
    ("observation_description", "street_intimidation"): [
        "Vrouw werd nageroepen en gevolgd door twee mannen; mannen aangesproken.",
    ],
    ("observation_description", "fireworks"): [
        "Drie zware knallen in een afvalbak bij de speeltuin; niemand meer te zien.",
    ],
    # A signal's text by its kind: a knife is not a sign of domestic violence.
    ("offence_signal_description", "domestic_violence_signal"): [
        "Buren horen al weken geschreeuw en gebonk; vanavond een kind huilend op het balkon.",
    ],
    ("offence_signal_description", "weapon_signal"): [
        "Jongen liet een mes zien aan een groep op het speelveld.",
    ],
    ("observation_description", "discrimination_incident"): [
        "Twee mannen werden op straat uitgescholden en bedreigd; zij zijn gewezen op Den Haag "
        "Meldt en op aangifte bij de politie.",
    ],
    ("observation_description", "illegal_animal_trade"): [
        "Pups te koop aangeboden vanuit een bestelbus zonder papieren; LID en politie ingelicht.",
    ],
    ("observation_description", "sex_work_exploitation"): [
        "Jonge vrouw werd door een man naar een pand gebracht en weer opgehaald; politie "
        "geïnformeerd.",
    ],
    ("observation_description", "coffeeshop_nuisance"): [
        "Klanten van de coffeeshop parkeerden dubbel met draaiende motor.",
    ],
    ("observation_description", "nuisance"): [
        "Harde muziek uit een geparkeerde auto; bestuurder gevraagd het geluid zachter te zetten.",
    ],
}

#: A youth group's description by the first behaviour recorded for it: loud music beside
#: "hindering passers-by" read as a careless report.
YOUTH_GROUP_TEXTS: Mapping[str, str] = {
    "hanging_around": "Groep van zes jongeren zat op de bankjes bij de speeltuin; kort "
    "aangesproken, geen overlast.",
    "noise": "Groep van zes jongeren met harde muziek uit een box bij de bankjes; aangesproken, "
    "de muziek ging uit.",
    "blocking_passers_by": "Groep jongeren riep voorbijgangers na bij de ingang van het "
    "winkelcentrum; aangesproken, groep vertrok.",
    "litter_or_damage": "Groep jongeren liet blikjes en zakken achter bij de bankjes; "
    "aangesproken, zij ruimden het op.",
    "drugs_use": "Groep jongeren gebruikte lachgas bij de bankjes; aangesproken, de patronen "
    "zijn ingenomen.",
    "offence_seen": "Jongen uit de groep trapte een fietsenrek los; aangesproken en gegevens "
    "genoteerd.",
}

#: What the boa did about an observation of each kind, as its text above tells it: a signal
#: of domestic violence or a weapon never ends with "no action", and a text that says the
#: group was spoken to is not filed with a fine.
OBSERVATION_ACTIONS: Mapping[str, Mapping[str, float]] = {
    "nuisance": {"spoken_to": 0.8, "warning": 0.2},
    "waste": {"report_to_municipality": 1.0},
    "youth_group": {"spoken_to": 1.0},
    "fireworks": {"none": 1.0},
    "street_intimidation": {"spoken_to": 1.0},
    "coffeeshop_nuisance": {"spoken_to": 0.7, "warning": 0.3},
    "animal_welfare": {"referral": 1.0},
    "confused_behaviour": {"police_called": 0.5, "referral": 0.5},
    "domestic_violence_signal": {"referral": 0.7, "police_called": 0.3},
    "weapon_signal": {"police_called": 1.0},
    "discrimination_incident": {"spoken_to": 1.0},
    "illegal_animal_trade": {"police_called": 1.0},
    "sex_work_exploitation": {"police_called": 1.0},
}

#: The ground of a person check as the form's hint has it: a reactive check follows an
#: offence seen first (behaviour); a proactive one behaviour, a circumstance or information
#: from before any offence was seen.
OBJECTIVE_GROUNDS: Mapping[tuple[str, str], Sequence[str]] = {
    ("reactive", "behaviour"): [
        "Fietste zonder licht door rood licht op de hoofdstraat.",
        "Gooide een blikje op straat naast de afvalbak bij het park.",
        "Urineerde tegen de gevel van een woning.",
    ],
    ("proactive", "behaviour"): [
        "Keek bij meerdere geparkeerde auto's naar binnen en voelde aan de portieren.",
        "Liep snel weg toen wij de straat in kwamen en keek steeds achterom.",
    ],
    ("proactive", "circumstance"): [
        "Zat in een auto die al drie kwartier met draaiende motor voor een gesloten pand stond.",
    ],
    ("proactive", "information"): [
        "Melding van de meldkamer over iemand die fietsen openbreekt bij de tramhalte; "
        "het signalement kwam overeen.",
        "Signalement uit de briefing van vanochtend van een gezochte winkeldief kwam overeen.",
    ],
}
_PROACTIVE_GROUNDS = {"behaviour": 0.5, "circumstance": 0.2, "information": 0.3}
#: The legal basis of a check by its kind: establishing a suspect's identity (art. 27a Sv)
#: needs a suspect, that is an offence seen first; a proactive check rests on supervision.
_LEGAL_BASES = {
    "reactive": {"suspect_identity": 0.7, "id_on_demand": 0.3},
    "proactive": {"supervision": 0.6, "id_on_demand": 0.4},
}

_SOFT_YES = {
    "permit_displayed": 0.92,
    "operator_identified": 0.85,
    "operator_on_permit": 0.9,
    "findings_communicated": 0.85,
    "stock_records_checked": 0.7,
    "residents_check_at_door": 0.8,
    "dress_as_designed": 0.9,
    "check_explained": 0.93,
    "group_as_designed": 0.95,
    "weapon_handed_to_police": 0.9,
    "house_rules_posted": 0.6,
    "queue_present": 0.5,
    "id_requested": 0.7,
    "neighbourhood_watch_contact": 0.3,
    "announced": 0.2,
    "hard_drugs_seized_by_police": 0.9,
}
_PREFERRED: Mapping[str, Mapping[str, float]] = {
    "partner_agencies": {"police": 0.5, "none": 0.4, "heit": 0.1},
    "nuisance_observed": {"none": 0.65, "loitering": 0.15, "parking": 0.1, "noise": 0.1},
    "inspection_reason": {"routine": 0.7, "complaint": 0.2, "follow_up": 0.1},
    "door_age_check": {"all_checked": 0.8, "some_checked": 0.15, "no_check": 0.05},
    "entry_result": {"admitted": 0.7, "refused": 0.2, "delayed": 0.1},
    "tone": {"friendly": 0.4, "neutral": 0.45, "curt": 0.12, "hostile": 0.03},
    "check_outcome": {"no_action": 0.45, "warning": 0.3, "fine": 0.18, "referral": 0.05},
    "check_kind": {"proactive": 0.6, "reactive": 0.4},
    # A person checked is referred to help for people, not to an animal line.
    "check_referral_to": {
        "youth_work": 0.4,
        "person_centred_approach": 0.3,
        "zorg_veiligheidshuis": 0.2,
        "acute_care": 0.1,
    },
    "extra_conditions": {"none": 0.85, "membership": 0.05, "dress_check": 0.05, "extra_fee": 0.05},
    "door_staff_changed": {"no": 0.75, "not_observed": 0.22, "yes": 0.03},
    "house_rule_kind": {"objective": 0.6, "vague": 0.3, "unclear": 0.1},
    "minor_age_established": {"id_document": 0.7, "police_check": 0.1, "own_statement": 0.2},
    "in_residential_street": {"no": 0.95, "yes": 0.05},
    "in_shopping_centre": {"no": 0.95, "yes": 0.05},
    "beside_bar_or_club": {"no": 0.95, "yes": 0.05},
    "category": {
        "nuisance": 0.2,
        "waste": 0.2,
        "youth_group": 0.15,
        "fireworks": 0.08,
        "street_intimidation": 0.07,
        "coffeeshop_nuisance": 0.06,
        "animal_welfare": 0.06,
        "confused_behaviour": 0.05,
        "domestic_violence_signal": 0.03,
        "weapon_signal": 0.03,
        "discrimination_incident": 0.03,
        "illegal_animal_trade": 0.02,
        "sex_work_exploitation": 0.02,
    },
    "previous_violation": {"no": 0.8, "yes": 0.1, "unknown": 0.1},
}


@dataclass(slots=True)
class Visit:
    """Who fills in which form where and when; the walker's context for one inspection."""

    form_id: str
    author: User
    start: datetime  # local wall-clock time, as the officer sees it
    venue: Venue | None = None
    area: Area | None = None
    assignment: Assignment | None = None
    test_id: str | None = None
    duration_minutes: int = 60
    #: Answers decided by the plan (a door-test round's script), given as they are.
    answers: Mapping[str, Value] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FileSlot:
    """A photo or signature answer the walker left a placeholder name in."""

    question: str
    row: str | None
    placeholder: str
    signature: bool


@dataclass(slots=True)
class FilledForm:
    """A walked form: the session, and the photo and signature answers to supply files for."""

    session: FormSession
    files: list[FileSlot] = field(default_factory=list)


class AnswerWalker:
    """Fills a form with valid, plausible answers, deterministically for a given seed."""

    def __init__(self, venues: Sequence[Venue], rng: random.Random, photo_share: float = 0.3):
        self.venues = list(venues)
        self.coffeeshops = [v for v in self.venues if v.kind is VenueKind.COFFEESHOP]
        self.rng = rng
        self.photo_share = photo_share

    def fill(self, engine: FormEngine, visit: Visit, attempts: int = 6) -> FilledForm:
        """A session with every relevant question answered and no blocking problem."""
        for _ in range(attempts):
            filled = self._walk(engine, visit)
            if not filled.session.problems():
                return filled
        problems = filled.session.problems()
        raise RuntimeError(f"could not fill {engine.form_id} validly: {problems[:3]}")

    def _walk(self, engine: FormEngine, visit: Visit) -> FilledForm:
        session = engine.session(clock=lambda: visit.start)
        filled = FilledForm(session)
        self._cursor = visit.start
        for name, field_ in engine.fields.items():
            if field_.repeat is not None:
                continue
            if field_.kind is QuestionType.REPEAT:
                if not session.is_relevant(name):
                    continue
                count = self._row_count(field_)
                for _ in range(count):
                    row, _changes = session.add_row(name)
                    for inner in engine.repeat_fields[name]:
                        self._answer(filled, visit, engine.fields[inner], row)
                continue
            self._answer(filled, visit, field_, None)
        return filled

    def _row_count(self, field_: Field) -> int:
        low = field_.question.min_rows or 0
        high = field_.question.max_rows or 4
        weights = {
            "observations": (1, 4),
            "person_checks": (0, 3),
            "referrals": (0, 1),
            "observed_sales": (0, 3),
        }
        lo, hi = weights.get(field_.name, (low, min(high, 3)))
        return self.rng.randint(max(lo, low), max(low, min(hi, high)))

    def _answer(self, filled: FilledForm, visit: Visit, field_: Field, row: str | None) -> None:
        session = filled.session
        name = field_.name
        if not field_.holds_answer or field_.calculation is not None:
            return
        if not session.is_relevant(name, row):
            if (name, row) in session.answers and field_.kind not in ATTACHMENT_TYPES:
                session.set_answer(name, "", row)  # a default on a hidden question
            return
        optional = field_.question.required is False
        if field_.kind in ATTACHMENT_TYPES:
            if optional and self.rng.random() > self.photo_share:
                return
            placeholder = f"file-{len(filled.files)}"
            value: Value = placeholder if field_.kind is QuestionType.SIGNATURE else (placeholder,)
            session.set_answer(name, value, row)
            filled.files.append(
                FileSlot(name, row, placeholder, field_.kind is QuestionType.SIGNATURE)
            )
            return
        if optional and self.rng.random() < 0.45:
            return
        for attempt in range(12):
            candidate = self._value(session, visit, field_, row, attempt)
            if candidate is None:
                return
            session.set_answer(name, candidate, row)
            if session.issue(name, row) is None:
                return
        session.set_answer(name, "", row)

    def _value(
        self, session: FormSession, visit: Visit, field_: Field, row: str | None, attempt: int
    ) -> Value | None:
        rng, name, kind = self.rng, field_.name, field_.kind
        if attempt == 0 and name in visit.answers:
            return visit.answers[name]
        if name == "area_fireworks_free_zone":
            # Not the boa's answer: it comes from the area register.
            return "" if visit.area is None else ("yes" if visit.area.fireworks_free_zone else "no")
        if name == "ground_confirmed":
            return self._ground_confirmed(session, row)
        if kind is QuestionType.SELECT_ONE:
            choices = [c.name for c in session.visible_choices(name, row)]
            if not choices:
                return None
            if attempt == 0 and name in (
                "observation_action",
                "objective_ground",
                "check_legal_basis",
            ):
                weights = self._chosen_by_row(session, name, row)
                if weights:
                    return _weighted(rng, weights, choices)
            if attempt == 0 and name in _SOFT_YES and {"yes", "no"} <= set(choices):
                return "yes" if rng.random() < _SOFT_YES[name] else "no"
            if attempt == 0 and name in _PREFERRED:
                return _weighted(rng, _PREFERRED[name], choices)
            if attempt == 0 and "no" in choices and "yes" in choices:
                return "no" if rng.random() < 0.85 else "yes"
            return rng.choice(choices)
        if kind is QuestionType.SELECT_MULTIPLE:
            choices = [c.name for c in session.visible_choices(name, row)]
            if not choices:
                return None
            if attempt == 0 and name in _PREFERRED:
                first = _weighted(rng, _PREFERRED[name], choices)
                return (first,)
            pool = [c for c in choices if c != "none"] or choices
            if name == "youth_group_behaviour" and "hanging_around" in pool:
                # "Hanging around without nuisance" excludes the nuisances beside it.
                if rng.random() < 0.3:
                    return ("hanging_around",)
                pool.remove("hanging_around")
            return tuple(rng.sample(pool, min(len(pool), rng.choice((1, 1, 2)))))
        if kind is QuestionType.VENUE:
            if field_.repeat is None and visit.venue is not None:
                return visit.venue.id
            return rng.choice(self.coffeeshops or self.venues).id
        if kind is QuestionType.DATETIME:
            if name.endswith("_end") or name.endswith("end_time"):
                end = visit.start + timedelta(minutes=visit.duration_minutes + 5 * attempt)
                return end.replace(second=0)
            self._cursor = self._cursor + timedelta(minutes=rng.randint(2, 20) + attempt)
            if name.endswith("_start") or name == "arrival_time":
                return visit.start.replace(second=0)
            return self._cursor.replace(second=0)
        if kind is QuestionType.DATE:
            return visit.start.date()
        if kind is QuestionType.TIME:
            return self._cursor.time().replace(second=0, microsecond=0)
        if kind is QuestionType.INTEGER:
            return self._integer(session, visit, name, attempt)
        if kind is QuestionType.DECIMAL:
            return self._decimal(name, attempt)
        if kind is QuestionType.RATING:
            return rng.randint(1, field_.question.max_rating or 5)
        if kind is QuestionType.GEOPOINT:
            lat, lon = self._place(visit)
            return f"{lat + rng.uniform(-0.002, 0.002):.6f} {lon + rng.uniform(-0.002, 0.002):.6f}"
        if kind is QuestionType.ACKNOWLEDGE:
            return "OK"
        if name == "findings_summary":
            return self._findings_summary(session)
        refused = "entry_result" in session.engine.fields and session.value("entry_result") in (
            "refused",
            "delayed",
        )
        if name == "notes" and refused:
            # Nothing "without particulars" beside a refusal: the note says what happened.
            return rng.choice(TEXTS["notes"][:1])
        if name == "reason_words":
            # The door staff's words say the reason the visit chose, not another one.
            reason = session.value("reason_given")
            return self.rng.choice(REASON_WORDS.get(str(reason), TEXTS["reason_words"]))
        if name == "objective_ground_description":
            kind_of_check = str(session.value("check_kind", row))
            key = (kind_of_check, str(session.value("objective_ground", row)))
            if key in OBJECTIVE_GROUNDS:
                return rng.choice(OBJECTIVE_GROUNDS[key])
        category = session.value("category", row) if row is not None else ""
        if name == "observation_description" and category == "youth_group":
            behaviour = session.value("youth_group_behaviour", row)
            first = behaviour[0] if isinstance(behaviour, tuple) and behaviour else ""
            if first in YOUTH_GROUP_TEXTS:
                return YOUTH_GROUP_TEXTS[first]
        return self._text(visit, name, attempt, category if isinstance(category, str) else "")

    @staticmethod
    def _chosen_by_row(
        session: FormSession, name: str, row: str | None
    ) -> Mapping[str, float] | None:
        """An observation's action by its kind; a check's ground and legal basis by the
        check's kind."""
        if name == "observation_action":
            return OBSERVATION_ACTIONS.get(str(session.value("category", row)))
        if name == "check_legal_basis":
            return _LEGAL_BASES.get(str(session.value("check_kind", row)))
        if session.value("check_kind", row) == "reactive":
            return {"behaviour": 1.0}
        return _PROACTIVE_GROUNDS

    def _findings_summary(self, session: FormSession) -> str:
        """The summary agrees with the answers: the findings by name, or none."""
        found = [
            outcome.label.get("nl") or outcome.name
            for outcome in session.outcomes()
            if outcome.severity in ("attention", "violation", "serious", "immediate_closure")
        ]
        if not found:
            return self.rng.choice(TEXTS["findings_summary"][:2])
        return (
            "Bevindingen: "
            + "; ".join(found)
            + ". Vastgelegd met foto's waar mogelijk en ter plaatse besproken met de "
            "aanwezige verantwoordelijke."
        )

    def _ground_confirmed(self, session: FormSession, row: str | None) -> str:
        """A hit follows from what the check found: a fine or an arrest confirmed the ground,
        a warning or a referral only sometimes, and a reactive stop had its offence."""
        outcome = session.value("check_outcome", row)
        if session.value("check_kind", row) == "reactive" or outcome in ("fine", "arrest"):
            return "yes"
        chance = 0.3 if outcome in ("warning", "referral") else 0.05
        return "yes" if self.rng.random() < chance else "no"

    def _integer(self, session: FormSession, visit: Visit, name: str, attempt: int) -> int:
        rng = self.rng
        ranges = {
            "nearest_school_distance_m": (120, 900),
            "loitering_count": (1, 8),
            "group_size": (2, 5),
            "observation_count": (1, 6),
            "persons_checked": (1, 3),
            "persons_confirmed": (1, 2),
            "sale_buyer": (1, 3),
            "resident_contacts": (0, 14),
        }
        if name in ("minors_present_count", "non_residents_admitted_count"):
            return 0 if rng.random() < 0.95 or attempt > 2 else rng.randint(1, 2)
        if name == "waiting_minutes":
            # The wait fits between arriving and leaving, with a moment at the door; with
            # no queue the door staff are there within a few minutes.
            longest = 25 if session.value("queue_present") == "yes" else 3
            return rng.randint(0, max(0, min(longest, visit.duration_minutes - 3)))
        if name == "minutes_on_foot":
            return max(0, int(visit.duration_minutes * rng.uniform(0.3, 0.7)) - 10 * attempt)
        low, high = ranges.get(name, (0, 10))
        return rng.randint(low, high) if attempt < 6 else low

    def _decimal(self, name: str, attempt: int) -> float:
        rng = self.rng
        if name == "stock_in_shop_grams":
            return round(rng.uniform(520, 700) if rng.random() < 0.05 else rng.uniform(90, 470), 1)
        if name == "storage_stock_grams":
            return round(rng.uniform(0, 150), 1)
        if name == "sale_grams":
            return round(rng.uniform(3, 5) if rng.random() < 0.1 else rng.uniform(0.5, 2.5), 1)
        return round(rng.uniform(0, 100), 1)

    def _text(self, visit: Visit, name: str, attempt: int, category: str = "") -> str:
        rng = self.rng
        number = 4400 + zlib.crc32(visit.author.username.encode()) % 90
        if name == "inspectors":
            return f"{visit.author.display_name} (BOA {number}), BOA {number + 7}"
        if name == "officer_numbers":
            return f"BOA {number}, BOA {number + 3}"
        if name == "operator_name":
            return f"{rng.choice(_FIRST)[0]}. {rng.choice(_LAST)}"
        if name == "test_id":
            return visit.test_id or f"DT-2026-{rng.randint(1, 99):03d}"
        if name == "tester_pseudonym":
            return visit.author.pseudonym or "Tester Noord-3"
        if name in _PLACES and visit.area is not None:
            # A place in the area patrolled, not a street on the other side of town.
            return f"{visit.area.name}, {rng.choice(_PLACES[name])}"
        if name == "area" and visit.area is not None:
            route = rng.choice(("rond het winkelcentrum", "hoofdroute", "parken en pleinen"))
            return f"{visit.area.name}, {route}"
        options = CATEGORY_TEXTS.get((name, category)) or TEXTS.get(name)
        if options:
            return rng.choice(options)
        return rng.choice(
            (
                "Waargenomen tijdens de controle; zie foto.",
                "Besproken met de verantwoordelijke ter plaatse.",
                "Vastgelegd zoals waargenomen; zie de overige antwoorden.",
            )
        )

    def _place(self, visit: Visit) -> tuple[float, float]:
        if visit.venue is not None:
            return visit.venue.lat, visit.venue.lon
        if visit.area is not None:
            inside = [v for v in self.venues if v.area == visit.area.id]
            if inside:
                venue = self.rng.choice(inside)
                return venue.lat, venue.lon
        return CITY_CENTRE


def _weighted(rng: random.Random, weights: Mapping[str, float], choices: Sequence[str]) -> str:
    usable = [(name, weight) for name, weight in weights.items() if name in choices]
    if not usable:
        return rng.choice(list(choices))
    total = sum(weight for _, weight in usable)
    pick = rng.uniform(0, total)
    for name, weight in usable:
        pick -= weight
        if pick <= 0:
            return name
    return usable[-1][0]


# -- choosing visits -----------------------------------------------------------------------

FORM_SHARES = (("coffeeshop_inspection", 0.4), ("neighbourhood_patrol", 0.4), ("door_test", 0.2))

#: The scripted demo rounds: what happened at the door, and the few deliberately incomplete or
#: inconclusive ones. Every other round of the world is a valid pair with random answers.
DEMO_ROUNDS: Mapping[str, Mapping[str, object]] = {
    # Indication of unequal treatment: the test group refused, the control group admitted.
    "dt-2025-01": {"test": {"entry_result": "refused", "reason_given": "regulars_only"}},
    # Admitted, but only the test group had to show a membership card: extra conditions.
    "dt-2025-04": {"test": {"entry_result": "admitted", "extra_conditions": ("membership",)}},
    # The reverse: the control group refused, the test group admitted.
    "dt-2025-05": {"control": {"entry_result": "refused", "reason_given": "no_reason"}},
    # A refusal citing a vague posted rule ("klantprofiel"), applied to one group.
    "dt-2026-01": {
        "test": {
            "entry_result": "refused",
            "reason_given": "customer_profile",
            "house_rules_posted": "yes",
            "reason_matches_posted_rules": "yes",
            "house_rule_kind": "vague",
            "house_rules_topics": ("regulars_only",),
        }
    },
    # Incomplete: the control group's report never came.
    "dt-2025-03": {"missing": "control"},
    # Inconclusive: the second group arrived well after the round's largest gap.
    "dt-2026-02": {"gap_minutes": 45},
    # Inconclusive: the test group was not dressed as the design said.
    "dt-2025-06": {"test": {"dress_as_designed": "no"}},
}


class VisitPlanner:
    """Picks a form, an author of the right role, a place and a moment for each inspection."""

    def __init__(
        self,
        world: SeedWorld,
        rng: random.Random,
        end: datetime,
        visited: Collection[tuple[str, str]] = (),
    ) -> None:
        """`visited`: the halves of rounds (round id casefolded, group) the profile has a
        visit for already; they get none again."""
        self.world = world
        self.rng = rng
        self.end = end
        self.boas = [u for u in world.users if u.role is Role.BOA]
        self.guests = [u for u in world.users if u.role is Role.MYSTERY_GUEST]
        self.coffeeshops = world.venues_of_kind(VenueKind.COFFEESHOP)
        self.nightlife = [v for v in world.venues if v.kind is not VenueKind.COFFEESHOP]
        # Door tests come from the rounds that were run: both groups of each round, in turn.
        # A round with assignments is still to be done, so it gets no visits here.
        assigned = {a.paired_test for a in world.assignments if a.paired_test is not None}
        run = [half for r in world.rounds if r.id not in assigned for half in self._round_visits(r)]
        self.door_visits = [
            half
            for half in run
            if ((half.test_id or "").casefold(), str(half.answers["group_role"])) not in visited
        ]
        # Asked for a door test with every half visited (a draft, which becomes a practice
        # visit): one of the run rounds' visits all the same.
        self._every_door_visit = run
        self.door_next = 0

    def plan(self, form_id: str | None = None) -> Visit:
        rng = self.rng
        if form_id is None:
            form_id = _weighted(rng, dict(FORM_SHARES), [name for name, _ in FORM_SHARES])
            if form_id == "door_test" and self.door_next >= len(self.door_visits):
                # Every round has its visits; more would be third visits of a round.
                form_id = rng.choice(("coffeeshop_inspection", "neighbourhood_patrol"))
        days_back = rng.randint(0, 720)
        day = (self.end - timedelta(days=days_back)).date()
        teams = {user.team for user in self.boas}
        matching = [
            a
            for a in self.world.assignments
            if a.form_id.value == form_id and (a.assignee is not None or a.team in teams)
        ]
        assignment = rng.choice(matching) if matching and rng.random() < 0.1 else None
        if form_id == "coffeeshop_inspection":
            hour = rng.choice((11, 14, 16, 19, 21))
            author = self._author(assignment, rng)
            venue = self._venue(assignment) or rng.choice(self.coffeeshops)
            return Visit(
                form_id,
                author,
                _at(day, hour, rng),
                venue=venue,
                assignment=assignment,
                duration_minutes=rng.randint(40, 120),
            )
        if form_id == "door_test":
            halves = self.door_visits or self._every_door_visit
            if not halves:
                raise ValueError("the world has no door-test rounds to plan visits for")
            visit = halves[self.door_next % len(halves)]
            self.door_next += 1
            return replace(visit, duration_minutes=rng.randint(5, 30))
        author = self._author(assignment, rng)
        area = None
        if assignment is not None and assignment.area is not None:
            area = self.world.area(assignment.area)
        team = self._team(author)
        if area is None:
            # A boa patrols the areas of their own team, as the planning gives them out.
            own = [self.world.area(a) for a in team.areas] if team is not None else []
            area = rng.choice(own or self.world.areas)
        # The shift's team and district say what the register says, not a random pick:
        # a Mariahoeve patrol in Leidschenveen by a team that does not exist read as a bug.
        facts: dict[str, Value] = {"district": _district_choice(area.district)}
        if team is not None:
            facts["team"] = team.name
        return Visit(
            form_id,
            author,
            _at(day, rng.choice((9, 13, 18)), rng),
            area=area,
            assignment=assignment,
            duration_minutes=rng.randint(180, 480),
            answers=facts,
        )

    def _team(self, user: User) -> Team | None:
        try:
            return self.world.team(user.team) if user.team else None
        except KeyError:
            return None

    def _round_visits(self, planned: DoorTestRound) -> list[Visit]:
        """The visits of one round as planned: its testers, venue, evening and order."""
        script = DEMO_ROUNDS.get(planned.id, {})
        gap = script.get("gap_minutes")
        minutes = gap if isinstance(gap, int) else self.rng.randint(5, planned.max_gap_minutes - 2)
        first = datetime.combine(planned.date, planned.window_start) + timedelta(
            minutes=self.rng.randint(0, 20)
        )
        order = [GroupRole.TEST, GroupRole.CONTROL]
        if planned.order is VisitOrder.CONTROL_FIRST:
            order.reverse()
        venue = self.world.venue(planned.venue)
        assignments = {
            a.group_role: a for a in self.world.assignments if a.paired_test == planned.id
        }
        visits = []
        for position, role in enumerate(order):
            if script.get("missing") == role.value:
                continue
            scripted = script.get(role.value, {})
            answers: dict[str, Value] = {
                # A valid pair by default: the groups as designed, both let in.
                "group_role": role.value,
                "entry_result": "admitted",
                "id_requested": "yes",
                "extra_conditions": ("none",),
                "house_rules_posted": "no",
                "dress_as_designed": "yes",
                "group_as_designed": "yes",
                "door_staff_changed": "no",
                **(scripted if isinstance(scripted, Mapping) else {}),
            }
            visits.append(
                Visit(
                    "door_test",
                    self.world.user(planned.tester_of(role)),
                    first + timedelta(minutes=minutes * position),
                    venue=venue,
                    # A round of the world's history has no assignment in the central
                    # store (it was run before the store planned anything); a round the
                    # world assigns counts its visit for that assignment.
                    assignment=assignments.get(role),
                    test_id=planned.id,
                    answers=answers,
                )
            )
        return visits

    def _author(self, assignment: Assignment | None, rng: random.Random) -> User:
        """Who did the visit: the assignee, else a boa of the assigned team, else any boa.

        A team's assignment is done by one of its members: the central store refuses a
        version that names an assignment its author may not see."""
        assignee = self._assignee(assignment)
        if assignee is not None:
            return assignee
        if assignment is not None and assignment.team is not None:
            members = [user for user in self.boas if user.team == assignment.team]
            if members:
                return rng.choice(members)
        return rng.choice(self.boas)

    def _assignee(self, assignment: Assignment | None) -> User | None:
        if assignment is None or assignment.assignee is None:
            return None
        return self.world.user(assignment.assignee)

    def _venue(self, assignment: Assignment | None) -> Venue | None:
        if assignment is None or assignment.venue is None:
            return None
        return self.world.venue(assignment.venue)


def _at(day: date, hour: int, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, hour % 24, rng.randint(0, 59))


# -- the bulk path -------------------------------------------------------------------------


@dataclass(slots=True)
class SeedReport:
    inspections: int = 0
    drafts: int = 0
    attachments: int = 0
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)


_STATUS_MIX = (
    (InspectionStatus.SENT, 0.70),
    (InspectionStatus.APPROVED, 0.12),
    (InspectionStatus.FINALIZED, 0.10),
    (InspectionStatus.RETURNED, 0.08),
)
_RETURN_COMMENTS = {
    "findings_summary": "Graag concreter: wat is waargenomen, waar en door wie?",
    "nearest_school_name": "Adres van de school ontbreekt.",
    "observation_description": "Beschrijf het gedrag, niet de personen.",
    "design_label": "Gebruik het label uit het testontwerp.",
    "reason_words": "Zo letterlijk mogelijk, tussen aanhalingstekens.",
    "area": "Welke straten precies?",
}


def _district_choice(district: str) -> str:
    """The patrol form's choice name for a district of the area register
    ("Leidschenveen-Ypenburg" is `leidschenveen_ypenburg`)."""
    return re.sub(r"[^a-z]+", "_", district.lower()).strip("_")


def _hex_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


@dataclass(slots=True)
class _Template:
    """One walked form, reused for several inspections with shifted times and fresh files."""

    visit: Visit
    document: dict[str, Any]
    files: list[FileSlot]
    outcomes: tuple[str, ...]
    times: tuple[str, ...]  # names of date/datetime questions, to shift


def seed_profile(
    profile: Profile,
    inspections: int,
    drafts: int = 0,
    *,
    seed: int = 2026,
    photo_share: float = 0.3,
    templates_per_form: int = 120,
    batch: int = 1000,
    progress: Callable[[int, int], None] | None = None,
) -> SeedReport:
    """Add `inspections` finalized inspections and `drafts` drafts to `profile`.

    Inspections are spread over the two years before the profile's clock says now, across
    the three forms, made by seed users of the right role. The same seed in the same
    profile state gives the same data (apart from encryption nonces). Up to
    `templates_per_form` filled forms per form are made and then reused under other
    moments; door-test visits are each filled on their own.
    """
    started = time.perf_counter()
    if not profile.has_reference_data():
        seed_reference_data(profile)
    world = load_world(seeds_directory())
    # Ids come from this stream too; mixing in the device and what is already there keeps
    # them unique across profiles and repeated runs (the server relies on that).
    rng = random.Random(f"{seed}:{profile.device_id}:{profile.count()}")
    end = profile.clock().astimezone().replace(tzinfo=None, second=0, microsecond=0)
    # Seeded again, a profile gets no second visit of a round's half: the central store
    # would refuse it as a third visit of the round.
    planner = VisitPlanner(world, rng, end, _visited_halves(profile, world))
    walker = AnswerWalker(world.venues, rng, photo_share)
    photos = [images.street_photo(seed * 1000 + n) for n in range(24)]
    signatures = {
        u.username: images.signature(zlib.crc32(u.username.encode())) for u in world.users
    }
    # Only the supervisor of the author's team reviews (the central store allows no other),
    # and only they are among the users the change feed sends that team's devices.
    supervisor_of = {team.id: team.supervisor for team in world.teams}
    reviewers = {u.username: supervisor_of[u.team] for u in world.users if u.team in supervisor_of}
    report = SeedReport()
    templates: dict[str, list[_Template]] = {}
    done = 0
    while done < inspections:
        size = min(batch, inspections - done)
        prepared = []
        for _ in range(size):
            visit = planner.plan()
            pool = templates.setdefault(visit.form_id, [])
            # A door-test visit is one half of one round, planned once: its answers are its
            # own. A template of another round kept that round's id, venue and tester under
            # this visit's evening, and the central store refused it.
            if visit.test_id is not None or len(pool) < templates_per_form:
                template = _make_template(profile.engine(visit.form_id), walker, visit)
                if visit.test_id is None:
                    pool.append(template)
            else:
                template = rng.choice(pool)
            prepared.append((template, visit))
        _bulk_insert(profile, prepared, rng, photos, signatures, report, reviewers)
        done += size
        if progress is not None:
            progress(done, inspections)
    profile.checkpoint()
    for _ in range(drafts):
        _seed_draft(profile, planner, walker, photos, rng)
        report.drafts += 1
    report.seconds = time.perf_counter() - started
    return report


def _row_moment(template: _Template, row: str | None, visit: Visit) -> datetime | None:
    """The first date and time answered in `row` of the template, moved to `visit`."""
    if row is None:
        return None
    times = set(template.times)
    delta = visit.start - template.visit.start
    for rows in template.document["repeats"].values():
        for item in rows:
            if item["row"] != row:
                continue
            for name, value in item["answers"].items():
                if name in times and isinstance(value, str) and "T" in value:
                    try:
                        return datetime.fromisoformat(value) + delta
                    except ValueError:
                        continue
    return None


def _visited_halves(profile: Profile, world: SeedWorld) -> set[tuple[str, str]]:
    """The (round, group) halves of the world's rounds the profile has a visit for."""
    visited: set[tuple[str, str]] = set()
    for planned in world.rounds:
        for version in profile.round_versions(planned.id):
            engine = profile.engine(version.form_id, version.form_version)
            visit = visit_from_document(engine, version.document.get("answers", {}))
            if visit is not None and visit.group_role:
                visited.add((planned.id.casefold(), visit.group_role))
    return visited


def _make_template(engine: FormEngine, walker: AnswerWalker, visit: Visit) -> _Template:
    filled = walker.fill(engine, visit)
    times = tuple(
        name
        for name, field_ in engine.fields.items()
        if field_.kind in (QuestionType.DATETIME, QuestionType.DATE)
    )
    return _Template(
        visit=visit,
        document=answers_document(filled.session, relevant_only=True),
        files=filled.files,
        outcomes=tuple(outcome.name for outcome in filled.session.outcomes()),
        times=times,
    )


def _shift(value: Any, delta: timedelta) -> Any:
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-":
        try:
            if "T" in value:
                return (datetime.fromisoformat(value) + delta).isoformat()
            return (date.fromisoformat(value) + timedelta(days=delta.days)).isoformat()
        except ValueError:
            return value
    return value


def _instantiate(template: _Template, visit: Visit, files: Mapping[str, str]) -> dict[str, Any]:
    """The template's answers moved to this visit's time, with this inspection's files."""
    delta = visit.start - template.visit.start
    times = set(template.times)

    def convert(answers: Mapping[str, Any]) -> dict[str, Any]:
        result = {}
        for name, value in answers.items():
            if name in times:
                value = _shift(value, delta)
            elif isinstance(value, list):
                value = [files.get(item, item) for item in value]
            elif isinstance(value, str) and value in files:
                value = files[value]
            result[name] = value
        return result

    return {
        "answers": convert(template.document["answers"]),
        "repeats": {
            repeat: [{"row": item["row"], "answers": convert(item["answers"])} for item in rows]
            for repeat, rows in template.document["repeats"].items()
        },
    }


def _bulk_insert(
    profile: Profile,
    prepared: Sequence[tuple[_Template, Visit]],
    rng: random.Random,
    photos: Sequence[bytes],
    signatures: Mapping[str, bytes],
    report: SeedReport,
    reviewers: Mapping[str, str],
) -> None:
    made = []
    for template, visit in prepared:
        # The template's place and author go with its answers; the visit gives the moment.
        visit = replace(template.visit, start=visit.start)
        inspection_id = _hex_id(rng)
        files: dict[str, str] = {}
        contents: dict[str, bytes] = {}
        attachments = []
        for number, slot in enumerate(template.files):
            if slot.signature:
                base = signatures[visit.author.username]
            else:
                # As the device stamps a photo it attaches: when, and where the venue is.
                # A photo of a row (an observation) is taken at that row's moment.
                moment = _row_moment(template, slot.row, visit) or (
                    visit.start + timedelta(minutes=5 + 3 * number)
                )
                moment = moment.astimezone() + timedelta(minutes=1)
                place = (visit.venue.lat, visit.venue.lon) if visit.venue else None
                base = stamp(photos[rng.randrange(len(photos))], moment, place)
            data = images.with_note(base, f"{inspection_id}/{number}")
            sha = sha256_hex(data)
            contents[sha] = data
            files[slot.placeholder] = sha
            attachments.append(
                Attachment(
                    question=slot.question,
                    sha256=sha,
                    size=len(data),
                    media_type=sniff_media_type(data),
                )
            )
        document = _instantiate(template, visit, files)
        started_at = visit.start.astimezone(UTC)
        finalized_at = started_at + timedelta(minutes=visit.duration_minutes + rng.randint(1, 30))
        attached = tuple(
            sorted(
                {(a.question, a.sha256): a for a in attachments}.values(),
                key=lambda a: (a.question, a.sha256),
            )
        )
        form_version = profile.engine(template.visit.form_id).version
        version = InspectionVersion(
            inspection_id=inspection_id,
            version_id=_hex_id(rng),
            form_id=template.visit.form_id,
            form_version=form_version,
            author=visit.author.username,
            venue_id=visit.venue.id if visit.venue else None,
            area_id=visit.area.id if visit.area else None,
            assignment_id=visit.assignment.id if visit.assignment else None,
            started_at=started_at,
            finalized_at=finalized_at,
            document=document,
            attachments=attached,
            outcomes=template.outcomes,
            content_hash=InspectionVersion.hash_of(
                template.visit.form_id, form_version, None, document, attached
            ),
        )
        status = InspectionStatus(
            _weighted(rng, {s.value: w for s, w in _STATUS_MIX}, [s.value for s, _ in _STATUS_MIX])
        )
        made.append((version, contents, status))
        report.attachments += len(attached)
    past = []
    # Oldest first, so the lists show the most recent inspection on top.
    for version, contents, status in sorted(made, key=lambda item: item[0].finalized_at):
        sent = None
        if status is not InspectionStatus.FINALIZED:
            sent = Receipt(
                f"seed-{version.version_id[:12]}",
                version.finalized_at + timedelta(minutes=rng.randint(1, 600)),
            )
        past.append(
            PastInspection(version, contents, sent, _review(version, status, rng, reviewers))
        )
        report.inspections += 1
        report.by_status[status.value] = report.by_status.get(status.value, 0) + 1
    profile.add_past_inspections(past)


def _review(
    version: InspectionVersion,
    status: InspectionStatus,
    rng: random.Random,
    reviewers: Mapping[str, str],
) -> ReturnEvent | ApprovalEvent | None:
    """A supervisor's return or approval of a seeded version, a few days after it."""
    if status not in (InspectionStatus.RETURNED, InspectionStatus.APPROVED):
        return None
    reviewed_at = version.finalized_at + timedelta(days=rng.randint(1, 6))
    anyone = "ingrid.verhoeven" if rng.random() < 0.5 else "ricardo.pinas"
    reviewer = reviewers.get(version.author, anyone)
    if status is InspectionStatus.APPROVED:
        return ApprovalEvent(version.inspection_id, version.version_id, reviewer, reviewed_at)
    answered = set(version.document["answers"])
    for repeat in version.document["repeats"].values():
        for item in repeat:
            answered |= set(item["answers"])
    comments = {q: t for q, t in _RETURN_COMMENTS.items() if q in answered}
    comments = dict(list(comments.items())[:2]) or {
        "": "Graag aanvullen; zie opmerkingen in het dossier."
    }
    return ReturnEvent(version.inspection_id, version.version_id, comments, reviewer, reviewed_at)


def _seed_draft(
    profile: Profile,
    planner: VisitPlanner,
    walker: AnswerWalker,
    photos: Sequence[bytes],
    rng: random.Random,
) -> str:
    """A draft through the app's own use cases: the first part of a walked form, answered.

    Drafts are the profile owner's own work, so only forms of their role are used.
    """
    owner = profile.user(profile.username)
    own_forms = [
        form_id
        for form_id, _share in FORM_SHARES
        if owner is None or owner.role.value in profile.engine(form_id).definition.roles
    ]
    visit = planner.plan(rng.choice(own_forms) if own_forms else None)
    engine = profile.engine(visit.form_id)
    filled = walker.fill(engine, visit)
    if visit.form_id == DOOR_TEST_FORM:
        # The planned rounds already have both their visits (by their own testers), so a
        # draft under one would be refused at finalize; a draft is a practice visit.
        filled.session.set_answer("test_id", practice_round_id(rng))
    inspection_id = profile.start_inspection(
        visit.form_id,
        venue_id=visit.venue.id if visit.venue else None,
        area_id=visit.area.id if visit.area else None,
    )
    replay_answers(profile, inspection_id, filled, photos, rng, share=rng.uniform(0.2, 0.8))
    return inspection_id


def practice_round_id(rng: random.Random) -> str:
    """A round id no plan uses: a visit under it is not held against a planned round."""
    return f"oefen-{rng.randrange(16**8):08x}"


def replay_answers(
    profile: Profile,
    inspection_id: str,
    filled: FilledForm,
    photos: Sequence[bytes],
    rng: random.Random,
    share: float = 1.0,
    after_each: Callable[[str, Any], None] | None = None,
) -> None:
    """Type a walked form into a draft through the use cases, one autosave at a time.

    `share` stops part-way (a draft someone is still working on); `after_each` is called
    after each committed step with its kind and details (the crash test acknowledges them).
    """
    engine = filled.session.engine
    document = answers_document(filled.session)
    steps: list[tuple[str, str | None, Any]] = [
        (name, None, value) for name, value in document["answers"].items()
    ]
    for repeat, items in document["repeats"].items():
        for item in items:
            steps.append((repeat, "<row>", item))
    limit = max(1, int(len(steps) * share))
    for name, row, value in steps[:limit]:
        if row == "<row>":
            new_row = profile.add_row(inspection_id, name)
            if after_each is not None:
                after_each("row", (name, new_row))
            for inner, inner_value in value["answers"].items():
                _replay_one(
                    profile,
                    inspection_id,
                    engine,
                    inner,
                    new_row,
                    inner_value,
                    photos,
                    rng,
                    after_each,
                )
            continue
        _replay_one(profile, inspection_id, engine, name, None, value, photos, rng, after_each)


def _replay_one(
    profile: Profile,
    inspection_id: str,
    engine: FormEngine,
    name: str,
    row: str | None,
    value: Any,
    photos: Sequence[bytes],
    rng: random.Random,
    after_each: Callable[[str, Any], None] | None,
) -> None:
    if engine.fields[name].kind in ATTACHMENT_TYPES:
        for _placeholder in value if isinstance(value, list) else [value]:
            data = images.with_note(photos[rng.randrange(len(photos))], f"{inspection_id}/{name}")
            attachment = profile.attach_file(inspection_id, name, data, row)
            if after_each is not None:
                after_each("attach", (name, row, attachment.sha256))
        return
    answer = tuple(value) if isinstance(value, list) else value
    profile.set_answer(inspection_id, name, answer, row)
    if after_each is not None:
        after_each("answer", (name, row, value))
