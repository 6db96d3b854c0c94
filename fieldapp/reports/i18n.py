"""The words of the reports themselves, in Dutch and English; form texts come from the form.

Reports are read by people who never open the app, so every heading, column and status is
a plain phrase here, looked up by key. A missing key is a bug and fails loudly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from fieldapp.core.forms import LocalText, Severity
from fieldapp.core.inspection import InspectionStatus

#: The languages a report can be made in; Dutch is the default everywhere.
Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")

PHRASES: Mapping[str, Mapping[Language, str]] = {
    "municipality": {"nl": "Gemeente Den Haag", "en": "Gemeente Den Haag (The Hague)"},
    "inspection_report": {"nl": "Rapport van bevindingen", "en": "Report of findings"},
    "door_test_report": {"nl": "Rapport gepaarde deurtest", "en": "Paired door-test report"},
    "patrol_report": {"nl": "Dienstrapport wijkronde", "en": "Neighbourhood patrol report"},
    "summary_report": {"nl": "Periodeoverzicht", "en": "Period summary"},
    "version": {"nl": "versie", "en": "version"},
    "page_of": {"nl": "Pagina {page} van {pages}", "en": "Page {page} of {pages}"},
    "content_hash": {"nl": "Inhoudshash (SHA-256)", "en": "Content hash (SHA-256)"},
    "version_id": {"nl": "Versie-id", "en": "Version id"},
    "inspection_id": {"nl": "Inspectie-id", "en": "Inspection id"},
    "base_version": {"nl": "Correctie van versie", "en": "Correction of version"},
    "venue": {"nl": "Locatie", "en": "Venue"},
    "address": {"nl": "Adres", "en": "Address"},
    "permit": {"nl": "Gedoogbeschikking", "en": "Tolerance permit"},
    "area": {"nl": "Wijk", "en": "Area"},
    "district": {"nl": "stadsdeel", "en": "district"},
    "date_time": {"nl": "Datum en tijd", "en": "Date and time"},
    "officer": {"nl": "Boa", "en": "Officer"},
    "tester": {"nl": "Tester (pseudoniem)", "en": "Tester (pseudonym)"},
    "status": {"nl": "Status", "en": "Status"},
    "finalized_at": {"nl": "Afgerond op het apparaat", "en": "Finalized on the device"},
    "as_of": {"nl": "Stand van zaken", "en": "As of"},
    "form": {"nl": "Formulier", "en": "Form"},
    "outcomes": {"nl": "Bevindingen", "en": "Findings"},
    "no_outcomes": {
        "nl": "Geen bevindingen: geen overtredingen of signalen vastgesteld.",
        "en": "No findings: no violations or signals recorded.",
    },
    "outcomes_differ": {
        "nl": "Let op: bij het afronden werden andere bevindingen vastgelegd ({names}). "
        "De lijst hierboven is opnieuw berekend uit de antwoorden met dezelfde formulierversie.",
        "en": "Note: different findings were recorded when finalizing ({names}). The list "
        "above is recomputed from the answers with the same form version.",
    },
    "hash_mismatch": {
        "nl": "Waarschuwing: de inhoudshash past niet bij de antwoorden. Dit rapport is niet "
        "betrouwbaar; neem contact op met de functioneel beheerder.",
        "en": "Warning: the content hash does not match the answers. This report cannot be "
        "relied on; contact the application administrator.",
    },
    "earlier": {
        "nl": "Eerdere controles van deze locatie",
        "en": "Earlier inspections of this venue",
    },
    "no_earlier": {
        "nl": "Geen eerdere controles bekend.",
        "en": "No earlier inspections on record.",
    },
    "date": {"nl": "Datum", "en": "Date"},
    "findings": {"nl": "Bevindingen", "en": "Findings"},
    "none": {"nl": "geen", "en": "none"},
    "answers": {"nl": "Antwoorden", "en": "Answers"},
    "photos": {"nl": "Foto's", "en": "Photos"},
    "photo": {"nl": "Foto", "en": "Photo"},
    "photo_of": {"nl": "foto {index} van {count}", "en": "photo {index} of {count}"},
    "photo_missing": {
        "nl": "Foto niet beschikbaar in deze opslag",
        "en": "Photo not available in this store",
    },
    "photo_unreadable": {"nl": "Foto niet leesbaar", "en": "Photo cannot be read"},
    "photo_hash_mismatch": {
        "nl": "Let op: inhoud wijkt af van de SHA-256",
        "en": "Note: contents differ from the SHA-256",
    },
    "signature": {"nl": "Handtekening", "en": "Signature"},
    "signature_withheld": {
        "nl": "Ondertekend door de tester. De handtekening wordt niet in rapporten getoond, "
        "omdat dit rapport openbaar kan worden.",
        "en": "Signed by the tester. The signature is not shown in reports, because this "
        "report may be made public.",
    },
    "location": {"nl": "Locatie (GPS)", "en": "Location (GPS)"},
    "accuracy": {"nl": "nauwkeurigheid", "en": "accuracy"},
    "row": {"nl": "Rij", "en": "Row"},
    "review_history": {"nl": "Beoordeling", "en": "Review history"},
    "no_reviews": {"nl": "Nog niet beoordeeld.", "en": "Not reviewed yet."},
    "who": {"nl": "Wie", "en": "Who"},
    "action": {"nl": "Actie", "en": "Action"},
    "comment": {"nl": "Opmerking", "en": "Comment"},
    "at_question": {"nl": "Bij ‘{question}’", "en": "At ‘{question}’"},
    "acknowledged": {"nl": "Bevestigd", "en": "Confirmed"},
    "metres": {"nl": "m", "en": "m"},
    "minutes": {"nl": "minuten", "en": "minutes"},
    "of_shift": {"nl": "van de dienst", "en": "of the shift"},
    # door test
    "test_id": {"nl": "Testnummer", "en": "Test id"},
    "test_group": {"nl": "Testgroep", "en": "Test group"},
    "control_group": {"nl": "Controlegroep", "en": "Control group"},
    "pair_outcome": {"nl": "Uitkomst van de gepaarde test", "en": "Outcome of the paired test"},
    "timing_gap": {"nl": "Tijdsverschil bij aankomst", "en": "Gap between arrivals"},
    "window": {"nl": "toegestaan: {window} minuten", "en": "allowed: {window} minutes"},
    "gap_unknown": {"nl": "niet te bepalen", "en": "cannot be determined"},
    "visit_missing": {
        "nl": "Het verslag van deze groep is (nog) niet ontvangen.",
        "en": "The report of this group has not been received (yet).",
    },
    "pair_missing_half": {
        "nl": "Van één van beide groepen is geen verslag; de test is niet te beoordelen.",
        "en": "One of the two groups has no report; the test cannot be assessed.",
    },
    "reasons_and_rules": {
        "nl": "Gegeven reden en de huisregels bij de deur",
        "en": "Reason given and the house rules posted at the door",
    },
    "visits_side_by_side": {
        "nl": "De twee bezoeken naast elkaar",
        "en": "The two visits side by side",
    },
    "visit_flags": {"nl": "Signalen per bezoek", "en": "Signals per visit"},
    "question": {"nl": "Vraag", "en": "Question"},
    "door_test_privacy": {
        "nl": "Testers staan in dit rapport alleen onder hun pseudoniem. De sleutel tussen "
        "pseudoniem en persoon wordt buiten de app bewaard. Discriminatie meegemaakt of gezien "
        "buiten deze test? Meld het via Den Haag Meldt (app of denhaag.nl) of bel 14 070.",
        "en": "Testers appear in this report under their pseudonym only. The key between "
        "pseudonym and person is kept outside the app. Experienced or witnessed "
        "discrimination outside this test? Report it through Den Haag Meldt (app or "
        "denhaag.nl) or call 14 070.",
    },
    "pair_result_unequal_treatment": {"nl": "Ongelijke behandeling", "en": "Unequal treatment"},
    "pair_result_inconclusive": {"nl": "Niet vast te stellen", "en": "Inconclusive"},
    "pair_result_no_finding": {"nl": "Geen bevinding", "en": "No finding"},
    "pair_result_awaiting": {"nl": "Wacht op tweede bezoek", "en": "Awaiting second visit"},
    # patrol
    "shift": {"nl": "Dienst", "en": "Shift"},
    "shift_summary": {"nl": "Samenvatting van de dienst", "en": "Shift summary"},
    "observations": {"nl": "Waarnemingen", "en": "Observations"},
    "observations_by_category": {
        "nl": "Waarnemingen per soort",
        "en": "Observations by category",
    },
    "observations_in_time": {"nl": "Waarnemingen in de tijd", "en": "Observations in time"},
    "no_observations": {"nl": "Geen waarnemingen vastgelegd.", "en": "No observations recorded."},
    "referrals": {"nl": "Doorverwijzingen", "en": "Referrals"},
    "no_referrals": {"nl": "Geen doorverwijzingen.", "en": "No referrals."},
    "person_checks": {"nl": "Controles van personen", "en": "Checks of persons"},
    "no_person_checks": {"nl": "Geen personen gecontroleerd.", "en": "No persons checked."},
    "hit_rate_by_ground": {
        "nl": "Trefkans per objectieve grond",
        "en": "Hit rate per objective ground",
    },
    "hit_rate_note": {
        "nl": "Trefkans: controles met een uitkomst (waarschuwing, bekeuring, doorverwijzing of "
        "aanhouding) gedeeld door alle controles.",
        "en": "Hit rate: checks with an outcome (warning, fine, referral or arrest) divided by "
        "all checks.",
    },
    "checks": {"nl": "Controles", "en": "Checks"},
    "with_outcome": {"nl": "Met uitkomst", "en": "With outcome"},
    "hit_rate": {"nl": "Trefkans", "en": "Hit rate"},
    "persons": {"nl": "Personen", "en": "Persons"},
    "explained": {"nl": "Uitgelegd", "en": "Explained"},
    "count": {"nl": "Aantal", "en": "Count"},
    "total": {"nl": "Totaal", "en": "Total"},
    "time": {"nl": "Tijd", "en": "Time"},
    "category": {"nl": "Soort", "en": "Category"},
    "place": {"nl": "Plek", "en": "Place"},
    "description": {"nl": "Beschrijving", "en": "Description"},
    "details": {"nl": "Details", "en": "Details"},
    "observation_n": {"nl": "Waarneming {n}", "en": "Observation {n}"},
    "check_n": {"nl": "Controle {n}", "en": "Check {n}"},
    "referral_n": {"nl": "Doorverwijzing {n}", "en": "Referral {n}"},
    "other_answers": {"nl": "Overige antwoorden", "en": "Other answers"},
    # summary
    "period": {"nl": "Periode", "en": "Period"},
    "areas_filter": {"nl": "Wijken", "en": "Areas"},
    "all_areas": {"nl": "alle wijken", "en": "all areas"},
    "inspections": {"nl": "Inspecties", "en": "Inspections"},
    "counts_per_form_status": {
        "nl": "Aantallen per formulier en status",
        "en": "Counts per form and status",
    },
    "counts_per_area": {"nl": "Aantallen per wijk", "en": "Counts per area"},
    "coffeeshop_findings": {
        "nl": "Coffeeshops: bevindingen per criterium",
        "en": "Coffeeshops: findings per criterion",
    },
    "coffeeshop_venues": {
        "nl": "Coffeeshops: overtredingen per locatie",
        "en": "Coffeeshops: violations per venue",
    },
    "repeat_offenders": {"nl": "Herhaalde overtreders", "en": "Repeat offenders"},
    "repeat_offenders_note": {
        "nl": "Locaties met een overtreding (ernst ‘overtreding’ of zwaarder) bij twee of meer "
        "controles in deze periode.",
        "en": "Venues with a violation (severity ‘violation’ or worse) in two or more "
        "inspections in this period.",
    },
    "no_repeat_offenders": {
        "nl": "Geen locaties met herhaalde overtredingen in deze periode.",
        "en": "No venues with repeated violations in this period.",
    },
    "inspections_with_violation": {
        "nl": "Controles met overtreding",
        "en": "Inspections with a violation",
    },
    "finding": {"nl": "Bevinding", "en": "Finding"},
    "severity": {"nl": "Ernst", "en": "Severity"},
    "door_test_outcomes": {
        "nl": "Deurtests: uitkomsten per locatie",
        "en": "Door tests: outcomes per venue",
    },
    "patrol_observations": {
        "nl": "Wijkrondes: waarnemingen per soort en wijk",
        "en": "Patrols: observations per category and area",
    },
    "patrol_checks": {
        "nl": "Wijkrondes: controles van personen en trefkans per objectieve grond",
        "en": "Patrols: person checks and hit rate per objective ground",
    },
    "nothing_in_period": {
        "nl": "Geen gegevens in deze periode.",
        "en": "No data in this period.",
    },
    "other": {"nl": "overig", "en": "other"},
    "unknown_area": {"nl": "onbekende wijk", "en": "unknown area"},
    "summary_scope": {
        "nl": "Elke inspectie telt één keer, met haar laatste versie. Datum: begin van de "
        "inspectie op het apparaat.",
        "en": "Each inspection counts once, with its latest version. Date: start of the "
        "inspection on the device.",
    },
}

SEVERITY_LABELS: Mapping[Severity, LocalText] = {
    Severity.INFO: {"nl": "Informatie", "en": "Information"},
    Severity.ATTENTION: {"nl": "Aandacht", "en": "Attention"},
    Severity.VIOLATION: {"nl": "Overtreding", "en": "Violation"},
    Severity.SERIOUS: {"nl": "Ernstig", "en": "Serious"},
    Severity.IMMEDIATE_CLOSURE: {"nl": "Directe sluiting", "en": "Immediate closure"},
}

STATUS_LABELS: Mapping[InspectionStatus, LocalText] = {
    InspectionStatus.DRAFT: {"nl": "Concept", "en": "Draft"},
    InspectionStatus.FINALIZED: {"nl": "Afgerond, niet verzonden", "en": "Finalized, not sent"},
    InspectionStatus.SENT: {"nl": "Ingediend, te beoordelen", "en": "Submitted, to review"},
    InspectionStatus.RETURNED: {
        "nl": "Teruggestuurd voor correctie",
        "en": "Returned for correction",
    },
    InspectionStatus.APPROVED: {"nl": "Goedgekeurd", "en": "Approved"},
}

#: Status in one word, for table headers.
STATUS_SHORT: Mapping[InspectionStatus, LocalText] = {
    InspectionStatus.DRAFT: {"nl": "Concept", "en": "Draft"},
    InspectionStatus.FINALIZED: {"nl": "Afgerond", "en": "Finalized"},
    InspectionStatus.SENT: {"nl": "Ingediend", "en": "Submitted"},
    InspectionStatus.RETURNED: {"nl": "Teruggestuurd", "en": "Returned"},
    InspectionStatus.APPROVED: {"nl": "Goedgekeurd", "en": "Approved"},
}

MONTHS: Mapping[Language, tuple[str, ...]] = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def phrase(key: str, language: Language, **values: object) -> str:
    """The report phrase `key` in `language`, with `{name}` placeholders filled in."""
    text = PHRASES[key][language]
    return text.format(**values) if values else text


def local(text: LocalText | None, language: Language, fallback: str = "") -> str:
    """A form text in `language`, else in any language it has, else `fallback`."""
    if not text:
        return fallback
    return text.get(language) or next(iter(text.values()), fallback)
