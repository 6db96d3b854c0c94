"""Sample inspections filled in through the real forms and engine, for tests, bench and docs.

Everything here is made up but goes through the same path as real work: a session of the
shipped form, answers set one by one (so relevance, calculations and outcomes are the
engine's), `answers_document`, and an `InspectionVersion` with its content hash. Photos and
signatures are small generated images; ids are derived from a seed, so the same call always
gives the same inspection and therefore the same PDF bytes.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from PIL import Image, ImageDraw

from fieldapp.core.answers import answers_document, session_from_document
from fieldapp.core.doortest import DoorTestVisit, RoundVisit, pair_round_visits
from fieldapp.core.engine import FormEngine, FormSession
from fieldapp.core.expr import Value
from fieldapp.core.formfile import load_form_file
from fieldapp.core.inspection import Attachment, InspectionStatus, InspectionVersion
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.core.photos import stamp
from fieldapp.core.worldfile import SeedWorld, load_world
from fieldapp.reports.local import LocalReportSource
from fieldapp.reports.model import (
    Author,
    EarlierInspection,
    ReportComment,
    ReportDoorTest,
    ReportInspection,
    ReviewEntry,
    SummaryItem,
    TrailStep,
)
from fieldapp.store import Profile

FORM_IDS = ("coffeeshop_inspection", "door_test", "neighbourhood_patrol")


@dataclass
class SampleWorld:
    """The seed world, the three compiled forms and an in-memory attachment store."""

    world: SeedWorld
    engines: dict[str, FormEngine]
    blobs: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def load(cls) -> SampleWorld:
        engines = {
            form_id: load_form_file(forms_directory() / f"{form_id}.yaml") for form_id in FORM_IDS
        }
        return cls(load_world(seeds_directory()), engines)

    def attachment(self, sha256: str) -> bytes:
        """An `AttachmentSource` over the blobs added so far."""
        return self.blobs[sha256]

    def add(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        self.blobs[sha] = data
        return sha

    def photo(
        self,
        seed: int,
        size: tuple[int, int] = (960, 720),
        *,
        taken_at: datetime | None = None,
        position: tuple[float, float] | None = None,
    ) -> str:
        """A sample photo; with `taken_at` it says in its EXIF when (and where) it was taken,
        as the device stamps a photo it attaches."""
        data = sample_photo(seed, size)
        if taken_at is not None:
            data = stamp(data, taken_at, position)
        return self.add(data)

    def signature(self, seed: int) -> str:
        return self.add(sample_signature(seed))

    def engine(self, form_id: str, version: str) -> FormEngine:
        engine = self.engines[form_id]
        if engine.version != version:
            raise KeyError(f"{form_id} {version}")
        return engine


def sample_photo(seed: int, size: tuple[int, int] = (960, 720)) -> bytes:
    """A JPEG that looks like a photo of something: sky, a wall, a sign; different per seed."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, (rng.randint(150, 200), rng.randint(170, 210), 220))
    draw = ImageDraw.Draw(image)
    wall = (rng.randint(120, 170), rng.randint(90, 120), rng.randint(70, 100))
    draw.rectangle((0, height // 3, width, height), fill=wall)
    for _ in range(6):
        x, y = rng.randint(0, width - 60), rng.randint(height // 3, height - 60)
        w, h = rng.randint(40, width // 3), rng.randint(30, height // 4)
        colour = (rng.randint(20, 240), rng.randint(20, 240), rng.randint(20, 240))
        draw.rectangle((x, y, x + w, y + h), fill=colour, outline=(30, 30, 30), width=3)
    draw.text((20, 20), f"foto {seed}", fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def sample_signature(seed: int) -> bytes:
    """A transparent PNG with a pen stroke, as the signature pad stores it."""
    rng = random.Random(seed)
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(40 + i * 26, 100 + rng.randint(-45, 45)) for i in range(21)]
    draw.line(points, fill=(10, 20, 90, 255), width=5, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def sample_id(*parts: object) -> str:
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:32]


def fill(session: FormSession, answers: Mapping[str, Value], row: str | None = None) -> None:
    for name, value in answers.items():
        session.set_answer(name, value, row)


def version_of(
    session: FormSession,
    *,
    seed: object,
    author: str,
    started_at: datetime,
    venue_id: str | None = None,
    area_id: str | None = None,
    base_version_id: str | None = None,
    generation: int = 1,
) -> InspectionVersion:
    """The frozen record of a filled-in session, as the device would send it."""
    engine = session.engine
    document = answers_document(session)
    attachments = _attachments(session)
    content_hash = InspectionVersion.hash_of(
        engine.form_id, engine.version, base_version_id, document, attachments
    )
    return InspectionVersion(
        inspection_id=sample_id("inspection", seed),
        version_id=sample_id("version", seed, generation),
        base_version_id=base_version_id,
        form_id=engine.form_id,
        form_version=engine.version,
        author=author,
        venue_id=venue_id,
        area_id=area_id,
        started_at=started_at,
        finalized_at=started_at + timedelta(hours=1),
        document=document,
        attachments=attachments,
        outcomes=tuple(outcome.name for outcome in session.outcomes()),
        content_hash=content_hash,
    )


def _attachments(session: FormSession) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    for (name, _row), value in session.answers.items():
        kind = session.engine.fields[name].kind.value
        if kind == "image" and isinstance(value, tuple):
            found.extend(Attachment(question=name, sha256=sha, size=0) for sha in value)
        elif kind == "signature" and isinstance(value, str):
            found.append(Attachment(question=name, sha256=value, size=0, media_type="image/png"))
    return tuple(found)


# -- coffeeshop ----------------------------------------------------------------------------

COFFEESHOP_BASE: dict[str, Value] = {
    "venue": "cs-weimar-241",
    "inspection_start": "2026-12-03T21:05:00",
    "inspectors": "Elif Yıldız (boa 4417), Łukasz Żółkowski (boa 4420)",
    "partner_agencies": ("police", "heit"),
    "announced": "no",
    "inspection_reason": "complaint",
    "present_for_shop": "manager",
    "permit_displayed": "yes",
    "operator_identified": "yes",
    "operator_name": "Youssef Benali (يوسف بن علي)",
    "operator_on_permit": "yes",
    "alcohol_on_site": "no",
    "nearest_school_distance_m": 410,
    "nearest_school_name": "Haags Montessori Lyceum, Nieuwe Duinweg 4",
    "advertising_found": "no",
    "hard_drugs_found": "no",
    "nuisance_observed": ("none",),
    "nuisance_complaints_known": "yes",
    "door_age_check": "all_checked",
    "minors_present_count": 0,
    "minor_sale_observed": "no",
    "stock_in_shop_grams": 420.0,
    "storage_nearby": "no",
    "weighing_method": "calibrated_scale",
    "stock_records_checked": "yes",
    "in_residential_street": "no",
    "in_shopping_centre": "no",
    "beside_bar_or_club": "no",
    "previous_violation": "no",
    "findings_communicated": "yes",
    "shop_statement": "Wij controleren iedereen aan de deur; de jongen is langs de portier "
    "geglipt.",
    "findings_summary": "Tijdens de onaangekondigde controle is een bezoeker van 16 jaar in de "
    "zaak aangetroffen. De handelsvoorraad in de zaak en de opslag samen overschrijdt 500 gram.",
    "inspection_end": "2026-12-03T22:10:00",
}

COFFEESHOP_VIOLATIONS: dict[str, Value] = {
    "advertising_found": "yes",
    "advertising_kinds": ("window_display", "online"),
    "advertising_description": "Etalage met cannabisbladeren en verlichte afbeeldingen van "
    "producten, ca. 1,5 × 2 m; Instagram-account met prijsacties.",
    "nuisance_observed": ("loitering", "parking"),
    "loitering_count": 6,
    "nuisance_description": "Zes klanten hingen van 21:10 tot 21:40 rond de ingang; twee auto's "
    "dubbel geparkeerd met draaiende motor.",
    "minors_present_count": 1,
    "minor_age_established": "id_document",
    "minor_situation": "Bezoeker (16 jaar) aan de bar met een net gekochte zak van 1 gram; "
    "verkocht door een medewerker achter de toonbank.",
    "storage_nearby": "yes",
    "storage_location": "Kelderbox achter Weimarstraat 239",
    "storage_stock_grams": 115.5,
    "previous_violation": "yes",
}

#: Sales observed at the counter as (buyer number, time, grams): buyer 2 got 4 + 3.5 g.
COFFEESHOP_SALES: tuple[tuple[int, str, float], ...] = (
    (1, "21:12", 2.0),
    (2, "21:20", 4.0),
    (2, "21:41", 3.5),
)


#: Where Het Kleine Veentje stands (the venue register): the sample photos were taken there.
WEIMAR_241 = (52.07268, 4.28422)


def coffeeshop_inspection(
    samples: SampleWorld,
    *,
    seed: int = 1,
    violations: bool = True,
    photos: int = 2,
    status: InspectionStatus = InspectionStatus.APPROVED,
    extra: Mapping[str, Value] | None = None,
    with_reviews: bool = True,
) -> ReportInspection:
    """A coffeeshop inspection at the Weimarstraat, by default with several findings."""
    engine = samples.engines["coffeeshop_inspection"]
    started = datetime(2026, 12, 3, 21, 5)
    session = engine.session(clock=lambda: started)
    fill(session, COFFEESHOP_BASE)
    if violations:
        fill(session, COFFEESHOP_VIOLATIONS)
        for number, (buyer, moment, grams) in enumerate(COFFEESHOP_SALES):
            row, _ = session.add_row("observed_sales", sample_id("sale", seed, number))
            fill(session, {"sale_buyer": buyer, "sale_time": moment, "sale_grams": grams}, row)
        fill(
            session,
            {
                "advertising_photo": tuple(
                    samples.photo(
                        seed * 1000 + i,
                        taken_at=started + timedelta(minutes=12 + i),
                        position=WEIMAR_241,
                    )
                    for i in range(max(photos, 1))
                )
            },
        )
    fill(
        session,
        {
            "stock_photo": (
                samples.photo(
                    seed * 1000 + 500, taken_at=started + timedelta(minutes=40), position=WEIMAR_241
                ),
            )
        },
    )
    fill(
        session,
        {
            "officer_signature": samples.signature(seed),
            "second_officer_signature": samples.signature(seed + 500),
        },
    )
    if extra:
        fill(session, extra)
    world = samples.world
    venue = world.venue(str(session.value("venue")))
    base = sample_id("version", ("coffeeshop", seed), 0) if with_reviews else None
    version = version_of(
        session,
        seed=("coffeeshop", seed),
        author="elif.yildiz",
        started_at=started,
        venue_id=venue.id,
        base_version_id=base,
    )
    reviews: tuple[ReviewEntry, ...] = ()
    if with_reviews:
        reviews = (
            ReviewEntry(
                datetime(2026, 12, 4, 8, 40), "Elif Yıldız", TrailStep.SUBMITTED, base or ""
            ),
            ReviewEntry(
                datetime(2026, 12, 4, 10, 15),
                "Ingrid Verhoeven",
                TrailStep.RETURNED,
                base or "",
                "Graag de vindplaats van de voorraad preciezer.",
                (
                    ReportComment(
                        "storage_location", "Welke kelderbox? Vermeld het nummer van de box."
                    ),
                ),
            ),
            ReviewEntry(
                datetime(2026, 12, 4, 11, 2),
                "Elif Yıldız",
                TrailStep.CORRECTED,
                version.version_id,
            ),
            ReviewEntry(
                datetime(2026, 12, 4, 14, 30),
                "Ingrid Verhoeven",
                TrailStep.APPROVED,
                version.version_id,
                "Akkoord; door naar het juridisch dossier.",
            ),
        )
    earlier = (
        EarlierInspection(
            sample_id("earlier", seed, 1),
            datetime(2026, 6, 12, 20, 30),
            InspectionStatus.APPROVED,
            ("criterion_O_nuisance",),
        ),
        EarlierInspection(
            sample_id("earlier", seed, 2),
            datetime(2025, 11, 20, 19, 45),
            InspectionStatus.APPROVED,
            ("sale_over_limit", "criterion_A_violation"),
        ),
    )
    return ReportInspection(
        version=version,
        engine=engine,
        status=status,
        author=Author.of(world.user("elif.yildiz")),
        venue=venue,
        area=world.area(venue.area),
        attachments=samples.attachment,
        reviews=reviews,
        earlier=earlier,
        venues={v.id: v for v in world.venues},
    )


# -- door test -----------------------------------------------------------------------------


def door_visit(
    samples: SampleWorld,
    *,
    test_id: str,
    venue_id: str,
    role: str,
    username: str,
    arrival: datetime,
    result: str,
    seed: int,
    extra: Mapping[str, Value] | None = None,
) -> ReportInspection:
    engine = samples.engines["door_test"]
    world = samples.world
    user = world.user(username)
    session = engine.session(clock=lambda: arrival)
    answers: dict[str, Value] = {
        "test_id": test_id,
        "venue": venue_id,
        "group_role": role,
        "design_label": "profiel A – mannen 18–25"
        if role == "test"
        else "profiel B – mannen 18–25",
        "group_size": 3,
        "group_as_designed": "yes",
        "tester_pseudonym": user.public_name,
        "arrival_time": arrival,
        "dress_as_designed": "yes",
        "queue_present": "yes",
        "waiting_minutes": 6,
        "house_rules_posted": "yes",
        "house_rules_photo": (samples.photo(seed * 7919),),
        "house_rules_topics": ("dress_code", "age", "id_required"),
        "id_requested": "yes",
        "extra_conditions": ("none",),
        "entry_result": result,
        "tone": "curt" if result == "refused" else "friendly",
        "force_used": "no",
        "door_staff_roles": ("doorman", "host"),
        "decision_by_role": "doorman",
        "door_staff_changed": "no",
        "visit_end_time": arrival + timedelta(minutes=15),
        "testers_did_not_argue": "OK",
        "truthful_declaration": "OK",
    }
    if result in ("refused", "delayed"):
        answers.update(
            {
                "reason_given": "regulars_only",
                "reason_words": "“Vanavond alleen vaste gasten, jongens. Sorry.”",
                "reason_matches_posted_rules": "no",
                "others_admitted_meanwhile": "yes",
                "door_staff_description": "Portier keek kort naar de groep en overlegde via de "
                "portofoon voordat hij weigerde.",
            }
        )
    answers.update(extra or {})
    fill(session, answers)
    version = version_of(
        session,
        seed=("door", test_id, role, seed),
        author=username,
        started_at=arrival,
        venue_id=venue_id,
    )
    venue = world.venue(venue_id)
    return ReportInspection(
        version=version,
        engine=engine,
        status=InspectionStatus.SENT,
        author=Author.of(user),
        venue=venue,
        area=world.area(venue.area),
        attachments=samples.attachment,
        venues={v.id: v for v in world.venues},
    )


def door_test_pair(
    samples: SampleWorld,
    *,
    seed: int = 1,
    gap_minutes: int = 12,
    test_result: str = "refused",
    control_result: str = "admitted",
) -> ReportDoorTest:
    """Pair pt-2026-01 at the Grote Markt: by default the test group refused, control admitted."""
    start = datetime(2026, 12, 12, 23, 40)
    venue_id = "club-grotemarkt-20"
    test = door_visit(
        samples,
        test_id="pt-2026-01",
        venue_id=venue_id,
        role="test",
        username="mg-noord-3",
        arrival=start,
        result=test_result,
        seed=seed * 2,
    )
    control = door_visit(
        samples,
        test_id="pt-2026-01",
        venue_id=venue_id,
        role="control",
        username="mg-noord-5",
        arrival=start + timedelta(minutes=gap_minutes),
        result=control_result,
        seed=seed * 2 + 1,
    )
    return ReportDoorTest("pt-2026-01", test, control, samples.world.venue(venue_id))


# -- patrol --------------------------------------------------------------------------------

PATROL_SHIFT: dict[str, Value] = {
    "team": "Team Centrum – koppel 2",
    "officer_numbers": "4411, 4417",
    "district": "centrum",
    "area": "Schilderswijk, rond de Hoefkade",
    "shift_start": "2026-12-04T18:00:00",
    "shift_end": "2026-12-04T23:00:00",
    "minutes_on_foot": 185,
    "patrol_modes": ("foot", "bicycle"),
    "neighbourhood_watch_contact": "yes",
    "resident_contacts": 9,
    "area_fireworks_free_zone": "no",
    "shift_summary": "Rustige avond tot 21:00. Daarna een groep jongeren op het Hobbemaplein "
    "met vuurwerk; aangesproken. Melding dierenwelzijn doorgezet naar 144.",
}

OBSERVATIONS: tuple[dict[str, Value], ...] = (
    {
        "category": "youth_group",
        "observation_time": "2026-12-04T19:10:00",
        "observation_location": "52.0712 4.2963 0 8",
        "observation_place": "Hobbemaplein, bij de speeltuin",
        "youth_group_behaviour": ("blocking_passers_by", "noise"),
        "observation_count": 7,
        "observation_description": "Groep van zeven jongeren blokkeerde het fietspad en "
        "riep naar voorbijgangers.",
        "observation_action": "spoken_to",
    },
    {
        "category": "fireworks",
        "observation_time": "2026-12-04T20:35:00",
        "observation_place": "Hoefkade ter hoogte van nr. 200",
        "fireworks_kind": "illegal",
        "fireworks_outside_hours": "yes",
        "observation_count": 3,
        "observation_description": "Drie zware knallen (vermoedelijk cobra's) in een afvalbak.",
        "observation_action": "police_called",
    },
    {
        "category": "animal_welfare",
        "observation_time": "2026-12-04T21:20:00",
        "observation_place": "Parallelweg, balkon 2e verdieping",
        "domestic_violence_signs_at_address": "unknown",
        "observation_count": 1,
        "observation_description": "Hond zonder water en beschutting op een balkon, blaft "
        "aanhoudend; buren melden dit al dagen.",
        "observation_action": "referral",
    },
    {
        "category": "waste",
        "observation_time": "2026-12-04T22:05:00",
        "observation_place": "Vaillantlaan, containerplek",
        "observation_count": 12,
        "observation_description": "Twaalf vuilniszakken naast volle ondergrondse container.",
        "observation_action": "report_to_municipality",
    },
)

CHECKS: tuple[dict[str, Value], ...] = (
    {
        "check_time": "2026-12-04T19:25:00",
        "check_location": "52.0713 4.2961",
        "check_kind": "reactive",
        "check_legal_basis": "supervision",
        "objective_ground": "behaviour",
        "objective_ground_description": "Gooide een brandend rotje richting voorbijgangers "
        "op de stoep.",
        "persons_checked": 1,
        "check_explained": "yes",
        "check_outcome": "fine",
        "fine_reference": "BN-2026-118204",
        "ground_confirmed": "yes",
    },
    {
        "check_time": "2026-12-04T20:50:00",
        "check_location": "52.0698 4.3012",
        "check_kind": "proactive",
        "check_legal_basis": "id_on_demand",
        "objective_ground": "information",
        "objective_ground_description": "Signalement uit melding van een bewoner over "
        "inbraakpogingen; klopte niet.",
        "persons_checked": 2,
        "check_explained": "yes",
        "check_outcome": "no_action",
        "ground_confirmed": "no",
    },
    {
        "check_time": "2026-12-04T22:30:00",
        "check_location": "52.0721 4.2988",
        "check_kind": "proactive",
        "check_legal_basis": "suspect_identity",
        "objective_ground": "circumstance",
        "objective_ground_description": "Fietste met een bolderkar vol vuurwerk door de "
        "vuurwerkvrije zone bij het ziekenhuis.",
        "persons_checked": 1,
        "check_explained": "yes",
        "check_outcome": "warning",
        "ground_confirmed": "yes",
    },
)

REFERRAL: dict[str, Value] = {
    "referral_agency": "red_een_dier_144",
    "referral_reason": "animal_welfare",
    "referral_urgency": "same_day",
    "referral_time": "2026-12-04T21:30:00",
    "referral_address": "Parallelweg 14-III",
    "referral_description": "Hond op balkon zonder water en beschutting; melding via 144.",
    "referral_reference": "144-2026-55123",
    "referral_status": "done_phone",
}


def patrol(
    samples: SampleWorld,
    *,
    seed: int = 1,
    observations: int | None = None,
    checks: int | None = None,
    with_referral: bool = True,
    status: InspectionStatus = InspectionStatus.APPROVED,
    extra: Mapping[str, Value] | None = None,
) -> ReportInspection:
    """An evening patrol in the Schilderswijk; `observations` repeats the four sample rows."""
    engine = samples.engines["neighbourhood_patrol"]
    started = datetime(2026, 12, 4, 18, 0)
    session = engine.session(clock=lambda: started)
    fill(session, PATROL_SHIFT)
    count = len(OBSERVATIONS) if observations is None else observations
    for index in range(count):
        row, _ = session.add_row("observations", sample_id("obs", seed, index))
        answers = dict(OBSERVATIONS[index % len(OBSERVATIONS)])
        if index >= len(OBSERVATIONS):
            moment = datetime(2026, 12, 4, 18, 5) + timedelta(minutes=(index * 7) % 290)
            answers["observation_time"] = moment
        if index < 2:
            answers["observation_photo"] = (samples.photo(seed * 100 + index),)
        fill(session, answers, row)
    count = len(CHECKS) if checks is None else checks
    for index in range(count):
        row, _ = session.add_row("person_checks", sample_id("check", seed, index))
        fill(session, CHECKS[index % len(CHECKS)], row)
    if with_referral:
        row, _ = session.add_row("referrals", sample_id("ref", seed))
        fill(session, REFERRAL, row)
    fill(session, {"officer_signature": samples.signature(seed + 50)})
    if extra:
        fill(session, extra)
    world = samples.world
    area = world.area("schilderswijk")
    version = version_of(
        session, seed=("patrol", seed), author="youssef.benali", started_at=started, area_id=area.id
    )
    return ReportInspection(
        version=version,
        engine=engine,
        status=status,
        author=Author.of(world.user(_patrol_officer(world))),
        area=area,
        attachments=samples.attachment,
        reviews=(
            ReviewEntry(
                datetime(2026, 12, 5, 9, 0),
                "Ricardo Pinas",
                TrailStep.APPROVED,
                version.version_id,
            ),
        ),
        venues={v.id: v for v in world.venues},
    )


def _patrol_officer(world: SeedWorld) -> str:
    names = {user.username for user in world.users}
    return "youssef.benali" if "youssef.benali" in names else "fatima.elamrani"


# -- many inspections, for the period summary ----------------------------------------------


def period_items(samples: SampleWorld, count: int, *, seed: int = 7) -> list[SummaryItem]:
    """`count` inspections over December 2026: a few dozen filled through the engine, then
    copied with other ids, venues, areas and days (the summary reads each one anyway).
    """
    rng = random.Random(seed)
    world = samples.world
    coffeeshops = [v.id for v in world.venues if v.kind.value == "coffeeshop"]
    clubs = [v.id for v in world.venues if v.kind.value != "coffeeshop"]
    areas = [a.id for a in world.areas]
    templates = _templates(samples)
    statuses = list(InspectionStatus)
    items: list[SummaryItem] = []
    pair_number = 0
    while len(items) < count:
        kind = rng.random()
        day = datetime(2026, 12, 1, 18, 0) + timedelta(
            days=rng.randrange(31), minutes=rng.randrange(300)
        )
        status = rng.choice(statuses[1:])
        if kind < 0.35:
            template = rng.choice(templates["coffeeshop_inspection"])
            venue = rng.choice(coffeeshops)
            document = _with(template.document, {"venue": venue})
            items.append(
                SummaryItem(_copy(template, document, len(items), day, venue_id=venue), status)
            )
        elif kind < 0.6:
            pair_number += 1
            test_id = f"pt-2026-{pair_number:04d}"
            venue = rng.choice(clubs)
            test, control = rng.choice(templates["door_pairs"])
            gap = timedelta(minutes=rng.choice((5, 10, 20, 45)))
            for half, moment in ((test, day), (control, day + gap)):
                document = _with(
                    half.document,
                    {"venue": venue, "test_id": test_id, "arrival_time": moment.isoformat()},
                )
                items.append(
                    SummaryItem(_copy(half, document, len(items), moment, venue_id=venue), status)
                )
        else:
            template = rng.choice(templates["neighbourhood_patrol"])
            area = rng.choice(areas)
            items.append(
                SummaryItem(
                    _copy(template, template.document, len(items), day, area_id=area), status
                )
            )
    return items[:count]


def _templates(samples: SampleWorld) -> dict[str, list[Any]]:
    coffeeshops = [
        coffeeshop_inspection(samples, seed=1, violations=True, with_reviews=False).version,
        coffeeshop_inspection(samples, seed=2, violations=False, with_reviews=False).version,
        coffeeshop_inspection(samples, seed=4, violations=False, with_reviews=False).version,
        coffeeshop_inspection(samples, seed=5, violations=False, with_reviews=False).version,
        coffeeshop_inspection(
            samples,
            seed=3,
            violations=False,
            with_reviews=False,
            extra={"alcohol_on_site": "yes", "alcohol_description": "Krat bier in de koelkast."},
        ).version,
    ]
    pairs = []
    for test_result, control_result in (
        ("refused", "admitted"),
        ("admitted", "admitted"),
        ("refused", "refused"),
        ("delayed", "admitted"),
    ):
        pair = door_test_pair(samples, test_result=test_result, control_result=control_result)
        assert pair.test is not None and pair.control is not None
        pairs.append((pair.test.version, pair.control.version))
    patrols = [
        patrol(samples, seed=1).version,
        patrol(samples, seed=2, observations=9, checks=6).version,
        patrol(samples, seed=3, observations=1, checks=0, with_referral=False).version,
    ]
    return {
        "coffeeshop_inspection": coffeeshops,
        "door_pairs": pairs,
        "neighbourhood_patrol": patrols,
    }


def _with(document: dict[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    return {**document, "answers": {**document["answers"], **answers}}


def _copy(
    template: InspectionVersion,
    document: dict[str, Any],
    number: int,
    started_at: datetime,
    *,
    venue_id: str | None = None,
    area_id: str | None = None,
) -> InspectionVersion:
    return template.model_copy(
        update={
            "inspection_id": sample_id("period-inspection", number),
            "version_id": sample_id("period-version", number),
            "base_version_id": None,
            "document": document,
            "venue_id": venue_id,
            "area_id": area_id,
            "started_at": started_at,
            "finalized_at": started_at + timedelta(hours=1),
            "content_hash": InspectionVersion.hash_of(
                template.form_id, template.form_version, None, document, template.attachments
            ),
        }
    )


def with_advertising_photos(
    samples: SampleWorld, base: ReportInspection, photos: tuple[str, ...]
) -> ReportInspection:
    """`base` with other advertising photos (hashes of `samples`), frozen as a new version."""
    session = base.session
    session.set_answer("advertising_photo", photos)
    version = version_of(
        session,
        seed=("photos", photos[:1]),
        author=base.version.author,
        started_at=base.version.started_at,
        venue_id=base.version.venue_id,
    )
    return replace(base, version=version, attachments=samples.attachment)


def paired_from_every_door_test(
    profile: Profile, source: LocalReportSource, round_id: str
) -> ReportDoorTest:
    """A round's pair found the way the device's report found it before schema 9: every
    door test of the profile decoded and compared by its round id."""
    offered: list[RoundVisit] = []
    for summary in profile.inspections(form_ids=("door_test",)):
        assert summary.version_id is not None
        version = profile.version(summary.version_id)
        engine = profile.engine(version.form_id, version.form_version)
        visit = DoorTestVisit.from_answers(
            session_from_document(engine, version.document).form_values()
        )
        if visit.test_id.casefold() == round_id.casefold():
            offered.append(RoundVisit(summary.inspection_id, visit, version.author))
    pairing = pair_round_visits(round_id, offered)
    test = source.report_inspection(pairing.test.visit_id) if pairing.test else None
    control = source.report_inspection(pairing.control.visit_id) if pairing.control else None
    half = test or control
    venue = half.venue if half is not None else None
    return ReportDoorTest(round_id, test, control, venue, pairing.refused)
