"""The words of the reports themselves, in Dutch and English; form texts come from the form.

Reports are read by people who never open the app, so every heading, column and status is
a plain phrase here, a `fieldapp.core.texts.Text` looked up by key. A missing key is a bug
and fails loudly.
"""

from __future__ import annotations

from collections.abc import Mapping

from fieldapp.core.forms import Severity
from fieldapp.core.inspection import InspectionStatus
from fieldapp.core.texts import LANGUAGES, Language, Text, local

__all__ = [
    "LANGUAGES",
    "MONTHS",
    "PDF_LANGUAGE",
    "PHRASES",
    "SEVERITY_LABELS",
    "STATUS_LABELS",
    "STATUS_SHORT",
    "Language",
    "local",
    "phrase",
]

PHRASES: Mapping[str, Text] = {
    "municipality": Text(nl="Gemeente Den Haag", en="Gemeente Den Haag (The Hague)"),
    "inspection_report": Text(nl="Rapport van bevindingen", en="Report of findings"),
    "door_test_report": Text(nl="Rapport gepaarde deurtest", en="Paired door-test report"),
    "patrol_report": Text(nl="Dienstrapport wijkronde", en="Neighbourhood patrol report"),
    "summary_report": Text(nl="Periodeoverzicht", en="Period summary"),
    "version": Text(nl="versie", en="version"),
    "page_of": Text(nl="Pagina {page} van {pages}", en="Page {page} of {pages}"),
    "content_hash": Text(nl="Inhoudshash (SHA-256)", en="Content hash (SHA-256)"),
    "version_id": Text(nl="Versie-id", en="Version id"),
    "inspection_id": Text(nl="Controle-id", en="Inspection id"),
    "base_version": Text(nl="Correctie van versie", en="Correction of version"),
    "venue": Text(nl="Locatie", en="Venue"),
    "address": Text(nl="Adres", en="Address"),
    "permit": Text(nl="Gedoogbeschikking", en="Tolerance permit"),
    "area": Text(nl="Wijk", en="Area"),
    "district": Text(nl="stadsdeel", en="district"),
    "date_time": Text(nl="Datum en tijd", en="Date and time"),
    "officer": Text(nl="Boa", en="Officer"),
    "tester": Text(nl="Tester (pseudoniem)", en="Tester (pseudonym)"),
    "status": Text(nl="Status", en="Status"),
    "finalized_at": Text(nl="Afgerond op het apparaat", en="Finalized on the device"),
    "as_of": Text(nl="Stand van zaken", en="As of"),
    "form": Text(nl="Formulier", en="Form"),
    "outcomes": Text(nl="Bevindingen", en="Findings"),
    "no_outcomes": Text(
        nl="Geen bevindingen: geen overtredingen of signalen vastgesteld.",
        en="No findings: no violations or signals recorded.",
    ),
    "outcomes_differ": Text(
        nl="Let op: bij het afronden werden andere bevindingen vastgelegd ({names}). "
        "De lijst hierboven is opnieuw berekend uit de antwoorden met dezelfde formulierversie.",
        en="Note: different findings were recorded when finalizing ({names}). The list "
        "above is recomputed from the answers with the same form version.",
    ),
    "hash_mismatch": Text(
        nl="Waarschuwing: de inhoudshash past niet bij de antwoorden. Dit rapport is niet "
        "betrouwbaar; neem contact op met de functioneel beheerder.",
        en="Warning: the content hash does not match the answers. This report cannot be "
        "relied on; contact the application administrator.",
    ),
    "earlier": Text(
        nl="Eerdere controles van deze locatie", en="Earlier inspections of this venue"
    ),
    "no_earlier": Text(nl="Geen eerdere controles bekend.", en="No earlier inspections on record."),
    "date": Text(nl="Datum", en="Date"),
    "findings": Text(nl="Bevindingen", en="Findings"),
    "none": Text(nl="geen", en="none"),
    "answers": Text(nl="Antwoorden", en="Answers"),
    "photos": Text(nl="Foto's", en="Photos"),
    "photo": Text(nl="Foto", en="Photo"),
    "photo_of": Text(nl="foto {index} van {count}", en="photo {index} of {count}"),
    "photo_taken": Text(nl="genomen", en="taken"),
    "photo_marked": Text(
        nl="met markeringen; de foto zoals genomen is bewaard (SHA-256 {sha})",
        en="marked; the photo as taken is kept (SHA-256 {sha})",
    ),
    "photo_missing": Text(
        nl="Foto niet beschikbaar in deze opslag", en="Photo not available in this store"
    ),
    "photo_unreadable": Text(nl="Foto niet leesbaar", en="Photo cannot be read"),
    "photo_hash_mismatch": Text(
        nl="Let op: inhoud wijkt af van de SHA-256", en="Note: contents differ from the SHA-256"
    ),
    "signature": Text(nl="Handtekening", en="Signature"),
    "signed_on": Text(nl="getekend op {date}", en="signed on {date}"),
    "signature_withheld": Text(
        nl="Ondertekend door de tester. De handtekening wordt niet in rapporten getoond, "
        "omdat dit rapport openbaar kan worden.",
        en="Signed by the tester. The signature is not shown in reports, because this "
        "report may be made public.",
    ),
    "location": Text(nl="Locatie (GPS)", en="Location (GPS)"),
    "accuracy": Text(nl="nauwkeurigheid", en="accuracy"),
    "row": Text(nl="Rij", en="Row"),
    "review_history": Text(nl="Beoordeling", en="Review history"),
    "no_reviews": Text(nl="Nog niet beoordeeld.", en="Not reviewed yet."),
    "who": Text(nl="Wie", en="Who"),
    "action": Text(nl="Actie", en="Action"),
    "comment": Text(nl="Opmerking", en="Comment"),
    "at_question": Text(nl="Bij ‘{question}’", en="At ‘{question}’"),
    "reopened_without_comment": Text(
        nl="heropend zonder opmerking", en="reopened without a comment"
    ),
    "reply_at_question": Text(nl="Antwoord bij ‘{question}’", en="Reply at ‘{question}’"),
    "acknowledged": Text(nl="Bevestigd", en="Confirmed"),
    "metres": Text(nl="m", en="m"),
    "minutes": Text(nl="minuten", en="minutes"),
    "of_shift": Text(nl="van de dienst", en="of the shift"),
    # door test
    "test_id": Text(nl="Testnummer", en="Test id"),
    "test_group": Text(nl="Testgroep", en="Test group"),
    "control_group": Text(nl="Controlegroep", en="Control group"),
    "pair_outcome": Text(nl="Uitkomst van de gepaarde test", en="Outcome of the paired test"),
    "timing_gap": Text(nl="Tijdsverschil bij aankomst", en="Gap between arrivals"),
    "window": Text(nl="toegestaan: {window} minuten", en="allowed: {window} minutes"),
    "gap_unknown": Text(nl="niet te bepalen", en="cannot be determined"),
    "visit_missing": Text(
        nl="Het verslag van deze groep is (nog) niet ontvangen.",
        en="The report of this group has not been received (yet).",
    ),
    "pair_missing_half": Text(
        nl="Van één van beide groepen is geen verslag; de test is niet te beoordelen.",
        en="One of the two groups has no report; the test cannot be assessed.",
    ),
    "reasons_and_rules": Text(
        nl="Gegeven reden en de huisregels bij de deur",
        en="Reason given and the house rules posted at the door",
    ),
    "visits_side_by_side": Text(
        nl="De twee bezoeken naast elkaar", en="The two visits side by side"
    ),
    "visit_flags": Text(nl="Signalen per bezoek", en="Signals per visit"),
    "question": Text(nl="Vraag", en="Question"),
    "door_test_privacy": Text(
        nl="Testers staan in dit rapport alleen onder hun pseudoniem. De sleutel tussen "
        "pseudoniem en persoon wordt buiten de app bewaard. Discriminatie meegemaakt of gezien "
        "buiten deze test? Meld het via Den Haag Meldt (app of denhaag.nl) of bel 14 070.",
        en="Testers appear in this report under their pseudonym only. The key between "
        "pseudonym and person is kept outside the app. Experienced or witnessed "
        "discrimination outside this test? Report it through Den Haag Meldt (app or "
        "denhaag.nl) or call 14 070.",
    ),
    "pair_result_unequal_treatment": Text(nl="Ongelijke behandeling", en="Unequal treatment"),
    "pair_result_inconclusive": Text(nl="Niet vast te stellen", en="Inconclusive"),
    "pair_result_no_finding": Text(nl="Geen bevinding", en="No finding"),
    "pair_result_awaiting": Text(nl="Wacht op tweede bezoek", en="Awaiting second visit"),
    # patrol
    "shift": Text(nl="Dienst", en="Shift"),
    "shift_summary": Text(nl="Samenvatting van de dienst", en="Shift summary"),
    "observations": Text(nl="Waarnemingen", en="Observations"),
    "observations_by_category": Text(nl="Waarnemingen per soort", en="Observations by category"),
    "observations_in_time": Text(nl="Waarnemingen in de tijd", en="Observations in time"),
    "no_observations": Text(nl="Geen waarnemingen vastgelegd.", en="No observations recorded."),
    "referrals": Text(nl="Doorverwijzingen", en="Referrals"),
    "no_referrals": Text(nl="Geen doorverwijzingen.", en="No referrals."),
    "person_checks": Text(nl="Controles van personen", en="Checks of persons"),
    "no_person_checks": Text(nl="Geen personen gecontroleerd.", en="No persons checked."),
    "hit_rate_by_ground": Text(
        nl="Trefkans per objectieve grond", en="Hit rate per objective ground"
    ),
    "hit_rate_note": Text(
        nl="Trefkans: controles met een uitkomst (waarschuwing, bekeuring, doorverwijzing of "
        "aanhouding) gedeeld door alle controles.",
        en="Hit rate: checks with an outcome (warning, fine, referral or arrest) divided by "
        "all checks.",
    ),
    "checks": Text(nl="Controles", en="Checks"),
    "with_outcome": Text(nl="Met uitkomst", en="With outcome"),
    "hit_rate": Text(nl="Trefkans", en="Hit rate"),
    "persons": Text(nl="Personen", en="Persons"),
    "explained": Text(nl="Uitgelegd", en="Explained"),
    "count": Text(nl="Aantal", en="Count"),
    "total": Text(nl="Totaal", en="Total"),
    "time": Text(nl="Tijd", en="Time"),
    "category": Text(nl="Soort", en="Category"),
    "place": Text(nl="Plek", en="Place"),
    "description": Text(nl="Beschrijving", en="Description"),
    "details": Text(nl="Details", en="Details"),
    "observation_n": Text(nl="Waarneming {n}", en="Observation {n}"),
    "check_n": Text(nl="Controle {n}", en="Check {n}"),
    "referral_n": Text(nl="Doorverwijzing {n}", en="Referral {n}"),
    "other_answers": Text(nl="Overige antwoorden", en="Other answers"),
    # summary
    "period": Text(nl="Periode", en="Period"),
    "areas_filter": Text(nl="Wijken", en="Areas"),
    "all_areas": Text(nl="alle wijken", en="all areas"),
    "source": Text(nl="Bron", en="Source"),
    "draft_mark": Text(nl="CONCEPT", en="DRAFT"),
    "state_approved": Text(nl="Goedgekeurd door {who} op {when}", en="Approved by {who} on {when}"),
    "state_concept": Text(
        nl="{status} – concept, nog niet goedgekeurd", en="{status} – draft, not yet approved"
    ),
    "scope_profile": Text(
        nl="de controles in het profiel van {reader} op dit apparaat",
        en="the inspections in the profile of {reader} on this device",
    ),
    "scope_central": Text(
        nl="centrale opslag, zoals {reader} die ziet: {teams}",
        en="central store, as {reader} sees it: {teams}",
    ),
    "scope_central_any": Text(
        nl="centrale opslag, zoals {reader} die ziet",
        en="central store, as {reader} sees it",
    ),
    "team_areas": Text(nl="{areas} (de wijken van deze teams)", en="{areas} (these teams' areas)"),
    "inspections": Text(nl="Controles", en="Inspections"),
    "counts_per_form_status": Text(
        nl="Aantallen per formulier en status", en="Counts per form and status"
    ),
    "counts_per_area": Text(nl="Aantallen per wijk", en="Counts per area"),
    "coffeeshop_findings": Text(
        nl="Coffeeshops: bevindingen per criterium", en="Coffeeshops: findings per criterion"
    ),
    "coffeeshop_venues": Text(
        nl="Coffeeshops: overtredingen per locatie", en="Coffeeshops: violations per venue"
    ),
    "repeat_offenders": Text(nl="Herhaalde overtreders", en="Repeat offenders"),
    "repeat_offenders_note": Text(
        nl="Locaties met een overtreding (ernst ‘overtreding’ of zwaarder) bij twee of meer "
        "controles in deze periode.",
        en="Venues with a violation (severity ‘violation’ or worse) in two or more "
        "inspections in this period.",
    ),
    "no_repeat_offenders": Text(
        nl="Geen locaties met herhaalde overtredingen in deze periode.",
        en="No venues with repeated violations in this period.",
    ),
    "inspections_with_violation": Text(
        nl="Controles met overtreding", en="Inspections with a violation"
    ),
    "finding": Text(nl="Bevinding", en="Finding"),
    "severity": Text(nl="Ernst", en="Severity"),
    "door_test_outcomes": Text(
        nl="Deurtests: uitkomsten per locatie", en="Door tests: outcomes per venue"
    ),
    "patrol_observations": Text(
        nl="Wijkrondes: waarnemingen per soort en wijk",
        en="Patrols: observations per category and area",
    ),
    "patrol_checks": Text(
        nl="Wijkrondes: controles van personen en trefkans per objectieve grond",
        en="Patrols: person checks and hit rate per objective ground",
    ),
    "nothing_in_period": Text(nl="Geen gegevens in deze periode.", en="No data in this period."),
    "other": Text(nl="overig", en="other"),
    "unknown_area": Text(nl="onbekende wijk", en="unknown area"),
    "summary_scope": Text(
        nl="Elke controle telt één keer, met haar laatste versie. Datum: begin van de "
        "controle op het apparaat.",
        en="Each inspection counts once, with its latest version. Date: start of the "
        "inspection on the device.",
    ),
}

SEVERITY_LABELS: Mapping[Severity, Text] = {
    Severity.INFO: Text(nl="Informatie", en="Information"),
    Severity.ATTENTION: Text(nl="Aandacht", en="Attention"),
    Severity.VIOLATION: Text(nl="Overtreding", en="Violation"),
    Severity.SERIOUS: Text(nl="Ernstig", en="Serious"),
    Severity.IMMEDIATE_CLOSURE: Text(nl="Directe sluiting", en="Immediate closure"),
}

STATUS_LABELS: Mapping[InspectionStatus, Text] = {
    InspectionStatus.DRAFT: Text(nl="Concept", en="Draft"),
    InspectionStatus.FINALIZED: Text(nl="Afgerond, niet verzonden", en="Finalized, not sent"),
    InspectionStatus.SENT: Text(nl="Ingediend, te beoordelen", en="Submitted, to review"),
    InspectionStatus.RETURNED: Text(
        nl="Teruggestuurd voor correctie", en="Returned for correction"
    ),
    InspectionStatus.APPROVED: Text(nl="Goedgekeurd", en="Approved"),
}

#: Status in one word, for table headers.
STATUS_SHORT: Mapping[InspectionStatus, Text] = {
    InspectionStatus.DRAFT: Text(nl="Concept", en="Draft"),
    InspectionStatus.FINALIZED: Text(nl="Afgerond", en="Finalized"),
    InspectionStatus.SENT: Text(nl="Ingediend", en="Submitted"),
    InspectionStatus.RETURNED: Text(nl="Teruggestuurd", en="Returned"),
    InspectionStatus.APPROVED: Text(nl="Goedgekeurd", en="Approved"),
}

#: The months by number (January is `MONTHS[0]`).
MONTHS: tuple[Text, ...] = tuple(
    Text(nl, en)
    for nl, en in (
        ("januari", "January"),
        ("februari", "February"),
        ("maart", "March"),
        ("april", "April"),
        ("mei", "May"),
        ("juni", "June"),
        ("juli", "July"),
        ("augustus", "August"),
        ("september", "September"),
        ("oktober", "October"),
        ("november", "November"),
        ("december", "December"),
    )
)

#: The language tag a PDF states for its text (document info and XMP).
PDF_LANGUAGE = Text(nl="nl-NL", en="en-GB")


#: The roles as a signature line names them.
ROLE_LABELS: Mapping[str, Text] = {
    "boa": Text(nl="boa", en="enforcement officer (boa)"),
    "mystery_guest": Text(nl="tester", en="tester"),
    "supervisor": Text(nl="leidinggevende", en="supervisor"),
    "admin": Text(nl="beheerder", en="administrator"),
}


def role_label(role: str, language: Language) -> str:
    label = ROLE_LABELS.get(role)
    return role if label is None else label.pick(language)


def phrase(key: str, language: Language, **values: object) -> str:
    """The report phrase `key` in `language`, with `{name}` placeholders filled in."""
    text = PHRASES[key].pick(language)
    return text.format(**values) if values else text
