"""Tests for the privacy checker (core.privacy): words, free text and sensitive signals.

The cases come from issue 10 ("Privacy checker"): the words it missed, free text about
people, and signals of health, domestic violence and weapons tied to a place.
"""

from __future__ import annotations

from typing import Any

import pytest

from fieldapp.core.forms import FormDefinition
from fieldapp.core.privacy import SIGNAL_RETENTION_DAYS, privacy_problems

PURPOSE = {"nl": "Doel", "en": "Purpose"}


def form(questions: list[dict[str, Any]], **extra: Any) -> FormDefinition:
    return FormDefinition.model_validate(
        {
            "id": "probe",
            "version": "1",
            "title": {"nl": "Proef", "en": "Probe"},
            "languages": ["nl", "en"],
            "roles": ["boa"],
            "retention_days": 365,
            "questions": questions,
            **extra,
        }
    )


def messages(definition: FormDefinition) -> list[str]:
    return [message for _path, message in privacy_problems(definition)]


def text_question(name: str, nl: str, en: str = "Something", **extra: Any) -> dict[str, Any]:
    return {"type": "text", "name": name, "label": {"nl": nl, "en": en}, **extra}


@pytest.mark.parametrize(
    ("label", "word"),
    [
        ("Herkomst van de bezoeker", "Herkomst"),
        ("Land van herkomst", "herkomst"),
        ("Migratieachtergrond", "Migratieachtergrond"),
        ("Migratie-achtergrond?", "Migratie-achtergrond"),
        ("Allochtoon?", "Allochtoon"),
        ("Allochtone jongeren", "Allochtone"),
        ("Aantal autochtonen", "autochtonen"),
        ("Afkomst van de groep", "Afkomst"),
        ("Niet-westerse achtergrond", "Niet-westerse"),
        ("Geboorteland", "Geboorteland"),
        ("Nationaliteiten in de groep", "Nationaliteiten"),
        ("Huidskleur", "Huidskleur"),
        ("Getinte huid?", "Getinte"),
        ("Geloof van de exploitant", "Geloof"),
        ("Religieuze kleding", "Religieuze"),
        ("Seksuele geaardheid", "Seksuele geaardheid"),
        ("Ethnic origin", "Ethnic"),
        ("Migration background", "Migration background"),
        ("Immigrants in the group", "Immigrants"),
        ("Country of birth", "Country of birth"),
        ("Descent of the buyer", "Descent"),
        ("Skin colour", "Skin colour"),
        ("Sexual orientation", "Sexual orientation"),
        ("Race", "Race"),
    ],
)
def test_words_for_what_a_form_may_not_ask_are_refused_in_every_form(label: str, word: str) -> None:
    definition = form([text_question("q", label, personal_data=None)])
    found = messages(definition)
    assert len(found) == 1, found
    assert f"seems to ask about '{word}'" in found[0]


def test_a_name_with_underscores_is_read_word_by_word() -> None:
    # Before: \\b never matched inside 'tester_herkomst', so the name slipped through.
    definition = form([{"type": "integer", "name": "tester_herkomst", "label": {"nl": "A"}}])
    assert "seems to ask about 'herkomst'" in messages(definition)[0]


def test_a_choice_list_that_sorts_people_by_origin_is_refused() -> None:
    definition = form(
        [{"type": "select_one groups", "name": "group_kind", "label": {"nl": "Groep"}}],
        choices={
            "groups": [
                {"name": "a", "label": {"nl": "Autochtoon", "en": "Native Dutch"}},
                {"name": "b", "label": {"nl": "Anders", "en": "Other"}},
            ]
        },
    )
    assert "seems to ask about 'Autochtoon'" in messages(definition)[0]


@pytest.mark.parametrize(
    "label",
    ["Soort wapen", "Raster van de plattegrond", "Grasveld", "Naam en adres van die school"],
)
def test_ordinary_words_pass(label: str) -> None:
    assert messages(form([text_question("q", label)])) == []


def test_free_text_about_people_must_declare_personal_data() -> None:
    prose = text_question("notes", "Overige opmerkingen", appearance="multiline")
    about_people = text_question("door_notes", "Wat deed het deurpersoneel?")
    plain = text_question("school", "Naam en adres van die school")
    found = messages(form([prose, about_people, plain]))
    assert len(found) == 2
    assert "'notes' is free text over several lines" in found[0]
    assert "'door_notes' is free text about 'deurpersoneel'" in found[1]
    declared = {
        **prose,
        "personal_data": {"category": "description", "purpose": PURPOSE, "retention_days": 30},
    }
    assert messages(form([declared, plain])) == []


SIGNALS = {
    "kinds": [
        {"name": "waste", "label": {"nl": "Afval", "en": "Waste"}},
        {"name": "confused_behaviour", "label": {"nl": "Verward gedrag", "en": "Confused"}},
        {"name": "weapon_signal", "label": {"nl": "Wapen", "en": "Weapon"}},
    ]
}
HEALTH_BASIS = {
    "article": "art. 9 lid 2 onder g AVG",
    "explanation": PURPOSE,
    "categories": ["health"],
}


def observations(*inner: dict[str, Any]) -> FormDefinition:
    return form(
        [
            {
                "type": "repeat",
                "name": "rows",
                "label": {"nl": "Rijen"},
                "questions": [
                    {"type": "select_one kinds", "name": "kind", "label": {"nl": "Soort"}},
                    *inner,
                ],
            }
        ],
        choices=SIGNALS,
        legal_basis=HEALTH_BASIS,
    )


def place(name: str, category: str = "location", days: int = 365, **extra: Any) -> dict[str, Any]:
    return text_question(
        name,
        "Plek",
        personal_data={"category": category, "purpose": PURPOSE, "retention_days": days},
        **extra,
    )


NOT_A_SIGNAL = "${kind} != 'confused_behaviour' and ${kind} != 'weapon_signal'"


def test_a_place_asked_for_every_kind_also_records_health_and_weapon_signals() -> None:
    found = messages(observations(place("place")))
    assert len(found) == 1
    assert "'place' is also asked when ${kind} is confused_behaviour, weapon_signal" in found[0]
    assert "or make it not relevant for them" in found[0]


def test_the_general_place_is_not_asked_for_signals_and_theirs_is_declared() -> None:
    definition = observations(
        place("place", relevant=NOT_A_SIGNAL),
        place("health_place", "health", 90, relevant="${kind} = 'confused_behaviour'"),
        place("weapon_place", "criminal", 180, relevant="${kind} = 'weapon_signal'"),
        {"type": "geopoint", "name": "gps", "label": {"nl": "GPS"}, "relevant": NOT_A_SIGNAL},
    )
    assert messages(definition) == []


def test_a_signal_place_declared_as_an_ordinary_place_is_refused() -> None:
    found = messages(
        observations(
            place("place", relevant=NOT_A_SIGNAL),
            place("weapon_place", relevant="${kind} = 'weapon_signal'"),
        )
    )
    assert len(found) == 1
    assert "'weapon_place' is asked only for confused_behaviour, weapon_signal" in found[0]
    assert "declare it as health or criminal data" in found[0]


def test_a_signal_kept_longer_than_the_short_retention_is_refused() -> None:
    found = messages(
        observations(
            place("place", relevant=NOT_A_SIGNAL),
            place("health_place", "health", 3650, relevant="${kind} = 'confused_behaviour'"),
        )
    )
    assert found == [
        f"'health_place' keeps health data about a signal for 3650 days: at most "
        f"{SIGNAL_RETENTION_DAYS}, it is handed over to the agency"
    ]


def test_relevance_is_read_with_and_or_not_and_selected() -> None:
    excluded = "not(${kind} = 'confused_behaviour' or ${kind} = 'weapon_signal')"
    assert messages(observations(place("place", relevant=excluded))) == []
    unknown = "${kind} != 'confused_behaviour' or string-length(${kind}) > 99"
    assert len(messages(observations(place("place", relevant=unknown)))) == 1
