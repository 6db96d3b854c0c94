"""The device's half of the round rule: a door-test visit is finalized only when it fits the
round this device was sent, so a third visit or a visit for another tester's group is stopped
in the field, with the sentence the central store would give at push.

The device holds only its own visits and its own half of a round, so it sees what its user
did (her own earlier visit in the round, the wrong group, venue or evening); a third visit by
someone else is still refused by the central store, which sees every visit.
"""

from __future__ import annotations

import sqlite3

from fieldapp.core.doortest import (
    DOOR_TEST_FORM,
    DoorTestVisit,
    groups_taken,
    round_visit_problem,
)
from fieldapp.core.engine import FormEngine, FormSession
from fieldapp.core.entities import DoorTestRound
from fieldapp.store.errors import BlockingProblem
from fieldapp.store.finalized import round_key
from fieldapp.store.versions import decode_record

#: The question a round problem is shown at: the round the visit names.
ROUND_QUESTION = "test_id"


def round_problem(
    connection: sqlite3.Connection, session: FormSession, inspection_id: str, author: str
) -> BlockingProblem | None:
    """Why the door-test visit being finalized does not fit its planned round, or None (other
    forms, a round id this device was not sent, or a visit that fits)."""
    engine = session.engine
    if engine.form_id != DOOR_TEST_FORM or ROUND_QUESTION not in engine.fields:
        return None
    visit = DoorTestVisit.from_answers(
        {name: value for (name, row), value in session.answers.items() if row is None}
    )
    if not visit.test_id:
        return None
    found = connection.execute(
        "SELECT data FROM door_test_rounds WHERE id = ? COLLATE NOCASE", (visit.test_id,)
    ).fetchone()
    if found is None:
        return None
    planned = DoorTestRound.model_validate_json(found[0])
    taken = _groups_taken(connection, engine, planned, inspection_id)
    problem = round_visit_problem(planned, visit, taken=taken, author=author)
    if problem is None:
        return None
    return BlockingProblem(ROUND_QUESTION, None, {"nl": problem.nl, "en": problem.en})


def _groups_taken(
    connection: sqlite3.Connection, engine: FormEngine, planned: DoorTestRound, inspection_id: str
) -> set[str]:
    """The group roles this device already finalized a visit for under `planned`: only the
    visits the store noted under that round are read (it once read the first 500 door tests
    of the profile, and missed a visit beyond them)."""
    rows = connection.execute(
        "SELECT v.record FROM version_rounds AS r"
        " JOIN inspections AS i ON i.current_version_id = r.version_id"
        " JOIN versions AS v ON v.version_id = r.version_id"
        " WHERE r.round = ? AND i.form_id = ? AND i.id != ?",
        (round_key(planned.id), DOOR_TEST_FORM, inspection_id),
    ).fetchall()
    return groups_taken(
        engine, planned, (decode_record(record).document.get("answers") for (record,) in rows)
    )
