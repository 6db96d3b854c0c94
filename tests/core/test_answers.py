"""The canonical answer document and the content hash that names a version."""

from __future__ import annotations

from datetime import datetime

from fieldapp.core.answers import (
    Reply,
    answers_document,
    canonical_json,
    content_hash,
    replies_of,
    session_from_document,
    with_replies,
)
from fieldapp.core.formfile import load_form_file
from fieldapp.core.inspection import Attachment, InspectionVersion, new_id
from fieldapp.core.locations import forms_directory

NOW = datetime(2026, 12, 4, 21, 30)


def test_a_document_round_trips_to_the_same_session() -> None:
    engine = load_form_file(forms_directory() / "neighbourhood_patrol.yaml")
    session = engine.session(clock=lambda: NOW)
    session.set_answer("shift_start", "2026-12-04T18:00:00")
    session.set_answer("patrol_modes", ("bicycle", "foot"))
    row, _ = session.add_row("observations")
    session.set_answer("category", "fireworks", row)
    session.set_answer("observation_count", 3, row)
    document = answers_document(session)
    assert document["answers"]["shift_start"] == "2026-12-04T18:00:00"
    assert document["answers"]["patrol_modes"] == ["foot", "bicycle"]
    assert document["repeats"]["observations"] == [
        {
            "row": row,
            "answers": {
                "observation_time": "2026-12-04T21:30:00",  # the form's default: now
                "category": "fireworks",
                "observation_count": 3,
            },
        }
    ]
    restored = session_from_document(engine, document)
    assert restored.values == session.values
    assert answers_document(restored) == document


def test_canonical_json_does_not_depend_on_key_order() -> None:
    a = {"b": 1, "a": ["é", 2.5], "c": {"y": None, "x": "z"}}
    b = {"c": {"x": "z", "y": None}, "a": ["é", 2.5], "b": 1}
    assert (
        canonical_json(a)
        == canonical_json(b)
        == ('{"a":["é",2.5],"b":1,"c":{"x":"z","y":null}}'.encode())
    )
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash({**a, "b": 2})


def test_a_version_knows_whether_its_hash_matches_its_content() -> None:
    photo = Attachment(question="stock_photo", sha256="a" * 64, size=1234)
    document = {"answers": {"inspectors": "BOA 4411"}, "repeats": {}}
    digest = InspectionVersion.hash_of("coffeeshop_inspection", "2026.3", None, document, (photo,))
    version = InspectionVersion(
        inspection_id=new_id(),
        version_id=new_id(),
        form_id="coffeeshop_inspection",
        form_version="2026.3",
        author="boa.jansen",
        started_at=NOW,
        finalized_at=NOW,
        document=document,
        attachments=(photo,),
        content_hash=digest,
    )
    assert version.hash_matches()
    changed = version.model_copy(update={"document": {"answers": {"inspectors": "x"}}})
    assert not changed.hash_matches()


def test_a_finalized_document_leaves_out_answers_to_hidden_questions() -> None:
    engine = load_form_file(forms_directory() / "door_test.yaml")
    session = engine.session(clock=lambda: NOW)
    session.set_answer("entry_result", "refused")
    session.set_answer("reason_words", "Vanavond alleen vaste gasten.")
    session.set_answer("entry_result", "admitted")  # the refusal questions are hidden again
    assert "reason_words" in answers_document(session)["answers"]  # the draft keeps it
    assert "reason_words" not in answers_document(session, relevant_only=True)["answers"]


#: A correction's document as fieldapp wrote it before replies existed, and its content
#: hash as that fieldapp computed it (pinned: a document without replies never changes).
BEFORE_REPLIES = {
    "answers": {"inspectors": "BOA 4411", "findings_summary": "Voorraad gewogen"},
    "repeats": {"visitors": [{"row": "r1", "answers": {"age_checked": "yes"}}]},
}
BEFORE_REPLIES_HASH = "b7d4545cd2b58fb20a478a99b1c28aa2d933e757da0ecae6542c4b95ba3651c3"


def test_a_version_without_replies_keeps_todays_document_and_hash() -> None:
    photo = Attachment(question="stock_photo", sha256="a" * 64, size=1234)
    document = with_replies(dict(BEFORE_REPLIES), [])
    assert document == BEFORE_REPLIES and set(document) == {"answers", "repeats"}
    digest = InspectionVersion.hash_of(
        "coffeeshop_inspection", "2026.3", "b" * 32, document, (photo,)
    )
    assert digest == BEFORE_REPLIES_HASH
    assert replies_of(document) == []


def test_replies_go_into_the_document_in_canonical_order_and_change_the_hash() -> None:
    replies = [
        Reply("stock_photo", "Zie foto 2."),
        Reply("criterion_g", "De voorraad in de kelderbox is meegewogen, zie foto 2"),
        Reply("age_checked", "Alleen bij de tweede bezoeker.", row="r1"),
    ]
    document = with_replies(dict(BEFORE_REPLIES), replies)
    assert document["answers"] == BEFORE_REPLIES["answers"]
    assert document["replies"] == [
        {"question": "age_checked", "row": "r1", "text": "Alleen bij de tweede bezoeker."},
        {
            "question": "criterion_g",
            "row": None,
            "text": "De voorraad in de kelderbox is meegewogen, zie foto 2",
        },
        {"question": "stock_photo", "row": None, "text": "Zie foto 2."},
    ]
    assert replies_of(document) == sorted(replies, key=lambda r: r.question)
    # The order they were typed in does not matter; the text does.
    assert content_hash(with_replies(dict(BEFORE_REPLIES), reversed(replies))) == content_hash(
        document
    )
    assert content_hash(document) != content_hash(BEFORE_REPLIES)
