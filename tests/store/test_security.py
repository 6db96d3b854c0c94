"""Encryption at rest and tamper evidence: nothing readable on disk, every change noticed."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from fieldapp.store import Profile, import_backup, open_profile, verify
from fieldapp.store.images import photo, with_note
from tests.support.store import (
    PASSWORD,
    USER,
    attachment_file,
    database_file,
    fill_draft,
    find_bytes,
    new_profile,
    raw_connection,
    relative_attachment,
    sample_photo,
    wal_file,
)

SECRET_ANSWER = "Geheime waarneming: twaalf wikkels achter de toonbank van Jansen"
SECRET_NAME = "Wilhelmina Onbekendsma"


def _needles(image: bytes) -> list[bytes]:
    texts = [
        SECRET_ANSWER,
        SECRET_NAME,
        "De Groene Regentes",  # a venue name from the reference data
        "Het Kleine Veentje",
        "Fatima El Amrani",  # an officer's name
        "Tester Noord-3",  # a mystery guest's pseudonym
        USER,
        "Weimarstraat",
        "coffeeshop_inspection",
        "Vergunning en locatie",  # form text
    ]
    needles = [text.encode("utf-8") for text in texts]
    needles += [text.encode("utf-16-le") for text in texts[:3]]
    # Any stretch of the image, not only its start.
    needles += [image[:16], image[len(image) // 2 : len(image) // 2 + 24], image[-24:]]
    return needles


def _filled_profile(home: Path) -> tuple[Profile, bytes]:
    profile = new_profile(home)
    image = with_note(photo(77, width=64, height=48), "unique marker 4f1c")
    done = fill_draft(profile, "coffeeshop_inspection", seed=31)
    profile.set_answer(done, "findings_summary", SECRET_ANSWER)
    profile.attach_file(done, "stock_photo", image)
    profile.finalize(done)
    draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-241")
    profile.set_answer(draft, "operator_identified", "yes")
    profile.set_answer(draft, "operator_name", SECRET_NAME)
    profile.set_answer(draft, "shop_statement", SECRET_ANSWER)
    profile.attach_file(draft, "alcohol_photo", image)
    door = profile.start_inspection("door_test", venue_id="club-grotemarkt-20")
    profile.set_answer(door, "tester_pseudonym", "Tester Noord-3")
    return profile, image


def test_no_answer_name_or_photo_is_readable_in_any_file_of_the_profile(tmp_path: Path) -> None:
    profile, image = _filled_profile(tmp_path)
    wal = wal_file(profile)
    # While open, recent changes live in the WAL (and its index in -shm): scan them too.
    assert wal.exists() and wal.stat().st_size > 0
    assert profile.directory.joinpath("profile.db-shm").exists()
    needles = _needles(image)
    assert find_bytes(tmp_path, needles) == []
    profile.checkpoint()
    assert find_bytes(tmp_path, needles) == []
    backup = profile.export_backup(tmp_path / "backups")
    profile.close()
    assert find_bytes(tmp_path, needles) == []
    assert backup.exists()
    # The scan would find them if they were there: the test is not blind.
    assert find_bytes(Path(__file__).parents[1], [b"Fatima El Amrani"])
    restored = import_backup(backup, tmp_path / "elsewhere", USER, PASSWORD)
    restored.close()
    assert find_bytes(tmp_path, needles) == []


def test_a_changed_audit_entry_is_named(tmp_path: Path) -> None:
    profile = new_profile(tmp_path)
    for seed in (41, 42, 43):
        profile.finalize(fill_draft(profile, "door_test", seed))
    assert verify(profile) == []
    entries = profile.audit_entries()
    target = next(e for e in entries if e.action == "inspection_finalized")
    connection = raw_connection(profile)
    # Someone with the key and a SQL shell: the trigger has to go first.
    connection.execute("DROP TRIGGER audit_log_never_changes")
    connection.execute("UPDATE audit_log SET actor = 'someone.else' WHERE seq = ?", (target.seq,))
    problems = verify(profile)
    assert f"audit log entry {target.seq} (inspection_finalized, {target.at}) was changed" in (
        " ".join(problems)
    )
    assert any("protective trigger audit_log_never_changes is missing" in p for p in problems)
    profile.close()


def test_a_removed_audit_entry_and_a_rewritten_chain_are_named(tmp_path: Path) -> None:
    profile = new_profile(tmp_path)
    version = profile.finalize(fill_draft(profile, "door_test", seed=44))
    profile.finalize(fill_draft(profile, "door_test", seed=45))
    entry = next(e for e in profile.audit_entries() if e.version_id == version.version_id)
    connection = raw_connection(profile)
    connection.execute("DROP TRIGGER audit_log_never_deleted")
    connection.execute("DELETE FROM audit_log WHERE seq = ?", (entry.seq,))
    problems = " ".join(verify(profile))
    assert f"audit log entry {entry.seq} is missing" in problems
    assert f"entry {entry.seq + 1}" in problems  # the next one no longer follows
    assert (
        f"version {version.version_id} of inspection {version.inspection_id} has no finalize"
        in (problems)
    )
    profile.close()


def test_a_changed_finalized_version_is_named(tmp_path: Path) -> None:
    from fieldapp.store.versions import encode_record

    profile = new_profile(tmp_path)
    version = profile.finalize(fill_draft(profile, "coffeeshop_inspection", seed=46))
    forged = version.model_copy(
        update={"document": {**version.document, "answers": {"inspectors": "nobody"}}}
    )
    connection = raw_connection(profile)
    connection.execute("DROP TRIGGER versions_never_change")
    connection.execute(
        "UPDATE versions SET record = ? WHERE version_id = ?",
        (encode_record(forged), version.version_id),
    )
    problems = verify(profile)
    assert any(
        f"version {version.version_id} of inspection {version.inspection_id} was changed" in p
        for p in problems
    )
    profile.close()


def test_a_flipped_byte_or_a_missing_attachment_file_is_named(tmp_path: Path) -> None:
    profile = new_profile(tmp_path)
    draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    first = profile.attach_file(draft, "stock_photo", sample_photo(1))
    second = profile.attach_file(draft, "stock_photo", sample_photo(2))
    finalized = profile.finalize(fill_draft(profile, "coffeeshop_inspection", seed=47))
    assert verify(profile) == []
    flipped = attachment_file(profile, draft, first.sha256)
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped.write_bytes(bytes(data))
    gone = attachment_file(profile, draft, second.sha256)
    intact = gone.read_bytes()
    gone.unlink()
    signature = next(a for a in finalized.attachments if a.question == "officer_signature")
    moved = attachment_file(profile, finalized.inspection_id, signature.sha256)
    # An intact file of another inspection, put in its place, does not decrypt here.
    moved.write_bytes(intact)
    problems = verify(profile)
    relative = partial(relative_attachment, profile)
    assert f"attachment file {relative(flipped)} (stock_photo of inspection {draft}): " in (
        "\n".join(problems)
    )
    assert any(relative(flipped) in p and "altered" in p for p in problems)
    assert any(relative(gone) in p and p.endswith("missing") for p in problems)
    assert any(relative(moved) in p and "altered" in p for p in problems)
    assert len(problems) == 3
    profile.close()


def test_the_wrong_key_cannot_read_the_database(tmp_path: Path) -> None:
    import sqlite3

    with new_profile(tmp_path) as profile:
        path = database_file(profile)
    plain = sqlite3.connect(path)
    try:
        plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
        readable = True
    except sqlite3.DatabaseError:
        readable = False
    finally:
        plain.close()
    assert not readable
    assert not path.read_bytes().startswith(b"SQLite format 3")
    with open_profile(tmp_path, USER, PASSWORD) as reopened:
        assert reopened.count() == 0
