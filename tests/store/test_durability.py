"""Durability: a full disk, a bounded WAL, schema migrations, and backups that round-trip."""

from __future__ import annotations

import errno
import random
import zipfile
from datetime import date
from pathlib import Path

import pytest

from fieldapp.core.inspection import InspectionStatus
from fieldapp.core.summary import StoredFacts, SummaryRow
from fieldapp.store import (
    BackupInvalid,
    DiskFull,
    ProfileExists,
    ProfileTooNew,
    StoreSettings,
    WrongPassword,
    import_backup,
    open_profile,
    profile_directory,
    verify,
)
from fieldapp.store import attachments as attachment_files
from fieldapp.store.database import OperationalError
from fieldapp.store.profile import Profile
from fieldapp.store.schema import LATEST_VERSION, schema_version
from tests.support.store import (
    PASSWORD,
    USER,
    attachment_file,
    attachment_folder,
    database_file,
    fill_draft,
    find_bytes,
    new_profile,
    raw_connection,
    raw_transaction,
    sample_photo,
    snapshot,
    wal_bytes,
)


def _no_room_to_grow(profile: Profile) -> None:
    """Simulate a full disk: the database may not grow, and its free pages are used up."""
    connection = raw_connection(profile)
    connection.execute("CREATE TABLE IF NOT EXISTS filler (junk BLOB)")
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")
    for size in (2000, 400, 50, 1):  # big pieces first, then fill the gaps in the pages
        with pytest.raises(OperationalError, match="full"):
            for _ in range(100_000):
                connection.execute("INSERT INTO filler VALUES (randomblob(?))", (size,))


def _room_again(profile: Profile) -> None:
    connection = raw_connection(profile)
    connection.execute("PRAGMA max_page_count = 1073741823")
    connection.execute("DROP TABLE filler")


def test_a_full_disk_refuses_the_change_in_plain_words_and_keeps_what_was_saved(
    tmp_path: Path,
) -> None:
    profile = new_profile(tmp_path)
    draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    profile.set_answer(draft, "inspectors", "BOA 4411, BOA 4417")
    saved = dict(profile.resume(draft).answers)
    _no_room_to_grow(profile)
    with pytest.raises(DiskFull) as caught:
        profile.set_answer(draft, "findings_summary", "lange tekst " * 400)
    assert "De schijf is vol" in caught.value.text("nl")
    assert "The disk is full" in caught.value.text("en")
    # Everything before the refused change is still there, and nothing of it.
    assert profile.resume(draft).answers == saved
    _room_again(profile)
    profile.set_answer(draft, "findings_summary", "Na het opruimen weer opgeslagen.")
    profile.close()
    with new_profile(tmp_path) as reopened:
        session = reopened.resume(draft)
        assert session.value("inspectors") == "BOA 4411, BOA 4417"
        assert session.value("findings_summary") == "Na het opruimen weer opgeslagen."
        assert verify(reopened) == []


def test_a_full_disk_during_finalize_leaves_the_draft_exactly_as_it_was(tmp_path: Path) -> None:
    profile = new_profile(tmp_path)
    draft = fill_draft(profile, "neighbourhood_patrol", seed=51)
    # A long shift report: its frozen version needs new pages, which a full disk lacks.
    words = random.Random(5).choices(["melding", "hoek", "fiets", "bewoner", "overlast"], k=12000)
    profile.set_answer(draft, "shift_summary", " ".join(words))
    entries = len(profile.audit_entries())
    _no_room_to_grow(profile)
    with pytest.raises(DiskFull):
        profile.finalize(draft)
    assert profile.inspection(draft).status is InspectionStatus.DRAFT
    assert profile.pending_versions() == [] and profile.versions(draft) == []
    assert len(profile.audit_entries()) == entries
    assert verify(profile) == []
    _room_again(profile)
    version = profile.finalize(draft)
    assert profile.pending_versions() == [version]
    profile.close()


def test_a_full_disk_while_writing_a_photo_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = new_profile(tmp_path)
    draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    kept = profile.attach_file(draft, "stock_photo", sample_photo(1))
    real_write = attachment_files._write_all

    def half_then_full(descriptor: int, data: bytes) -> None:
        real_write(descriptor, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(attachment_files, "_write_all", half_then_full)
    with pytest.raises(DiskFull):
        profile.attach_file(draft, "stock_photo", sample_photo(2))
    monkeypatch.undo()
    assert profile.resume(draft).value("stock_photo") == (kept.sha256,)
    leftovers = [p.name for p in attachment_folder(profile).rglob("*") if p.is_file()]
    # No half-written temporary file.
    assert leftovers == [attachment_file(profile, draft, kept.sha256).name]
    assert verify(profile) == []
    added = profile.attach_file(draft, "stock_photo", sample_photo(2))
    assert profile.resume(draft).value("stock_photo") == (kept.sha256, added.sha256)
    profile.close()


def test_the_wal_stays_bounded_while_another_connection_keeps_reading(tmp_path: Path) -> None:
    settings = StoreSettings(
        wal_autocheckpoint_pages=64,
        journal_size_limit_bytes=256 * 1024,
        checkpoint_after_finalize_bytes=128 * 1024,
    )
    writer = new_profile(tmp_path, settings=settings)
    reader = new_profile(tmp_path, settings=settings)  # e.g. a headless sync process
    draft = writer.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    largest = 0
    for number in range(600):
        writer.set_answer(draft, "findings_summary", f"Versie {number}: " + "tekst " * 150)
        assert reader.count() >= 1  # short reads, as every list call of the store does
        largest = max(largest, wal_bytes(writer))
    written = 600 * 2 * 4096  # at least two pages per autosave went through the WAL
    assert largest < 600 * 1024 < written, largest

    # What the policy protects against: a reader that never ends its read transaction
    # pins the WAL, so it grows with every commit ...
    pinned = raw_connection(reader)
    pinned.execute("BEGIN")
    pinned.execute("SELECT count(*) FROM inspections").fetchone()
    for number in range(300):
        writer.set_answer(draft, "findings_summary", f"Vast {number}: " + "tekst " * 150)
    assert wal_bytes(writer) > 1024 * 1024
    # ... until it lets go; the next finalize checkpoints and truncates it.
    pinned.execute("COMMIT")
    writer.finalize(fill_draft(writer, "door_test", seed=52))
    assert wal_bytes(writer) <= 128 * 1024
    reader.close()
    writer.close()


def test_a_profile_of_the_previous_schema_version_is_migrated_with_its_data(
    tmp_path: Path,
) -> None:
    old = new_profile(tmp_path)
    old.replace_reference_data(snapshot())
    draft = old.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    old.set_answer(draft, "inspectors", "BOA 4411")
    photo = old.attach_file(draft, "stock_photo", sample_photo(1))
    finalized = old.finalize(fill_draft(old, "door_test", seed=53))
    # Back to schema 4 (before the replies, 5, the drafts' findings, 6, the photos'
    # details, 7, the summary's facts, 8, and the door-test visits' rounds, 9): what a
    # device of an older release holds.
    with raw_transaction(old) as connection:
        connection.execute("DROP TABLE summary_facts")
        connection.execute("DROP TABLE version_rounds")
        connection.execute("DROP TABLE draft_replies")
        triggers = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'draft_outcomes%'"
        ).fetchall()
        for (name,) in triggers:
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute("ALTER TABLE inspections DROP COLUMN draft_outcomes")
        connection.execute("ALTER TABLE draft_attachments DROP COLUMN details")
    raw_connection(old).execute(f"PRAGMA user_version = {LATEST_VERSION - 5}")
    assert schema_version(raw_connection(old)) == 4
    old.close()

    with open_profile(tmp_path, USER, PASSWORD) as migrated:
        assert schema_version(raw_connection(migrated)) == LATEST_VERSION == 9
        assert migrated.venue_summary("cs-weimar-12") is None
        assert migrated.replies(draft) == {}
        # The drafts' findings are worked out once after the migration, then kept.
        (listed,) = migrated.inspections(InspectionStatus.DRAFT, with_draft_findings=True)
        assert listed.draft_outcomes == tuple(o.name for o in migrated.resume(draft).outcomes())
        session = migrated.resume(draft)
        assert session.value("inspectors") == "BOA 4411"
        assert session.value("stock_photo") == (photo.sha256,)
        assert migrated.version(finalized.version_id) == finalized
        # The finalized door test's summary facts were worked out by the migration.
        (counted,) = migrated.summary_rows(date(2000, 1, 1), date(2100, 1, 1))
        assert isinstance(counted, StoredFacts)
        assert counted.facts == SummaryRow.of_version(finalized, counted.status).facts(
            migrated.engine(finalized.form_id, finalized.form_version)
        )
        # The round of the door test already there was read from its version.
        round_id = finalized.document["answers"]["test_id"]
        assert migrated.round_versions(round_id.upper()) == [finalized]
        assert migrated.position(draft) is None
        migrated.set_position(draft, "criterion_g", "stock_photo")
        position = migrated.position(draft)
        assert position is not None and position.question == "stock_photo"
        assert verify(migrated) == []
        assert migrated.photo_details(draft, "stock_photo", photo.sha256) == photo
        kept = migrated.directory / f"before-schema-{LATEST_VERSION}.db"
        assert kept.exists()
        assert not kept.read_bytes().startswith(b"SQLite format 3")  # encrypted too
        assert find_bytes(kept.parent, [b"BOA 4411"]) == []


def test_a_profile_from_a_newer_fieldapp_is_refused_untouched(tmp_path: Path) -> None:
    with new_profile(tmp_path) as profile:
        raw_connection(profile).execute("PRAGMA user_version = 99")
        path = database_file(profile)
    before = path.read_bytes()
    with pytest.raises(ProfileTooNew) as caught:
        open_profile(tmp_path, USER, PASSWORD)
    assert "gegevensversie 99" in caught.value.text("nl")
    assert "Update fieldapp" in caught.value.text("en")
    assert path.read_bytes() == before


def test_a_backup_round_trips_and_refuses_what_it_must(tmp_path: Path) -> None:
    from fieldapp.store.seed import seed_profile

    profile = new_profile(tmp_path / "laptop")
    seed_profile(profile, 25, drafts=2, templates_per_form=4)
    draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    photo = profile.attach_file(draft, "stock_photo", sample_photo(5))
    backup = profile.export_backup(tmp_path / "usb")
    assert backup.suffix == ".fieldapp-backup"
    profile.set_answer(draft, "inspectors", "after the backup")
    expected = {s.inspection_id: s for s in profile.inspections()}
    versions = {
        v.version_id: v for s in expected.values() for v in profile.versions(s.inspection_id)
    }
    profile.close()

    with pytest.raises(WrongPassword):
        import_backup(backup, tmp_path / "new", USER, "wrong")
    assert not profile_directory(tmp_path / "new", USER).exists()
    with pytest.raises(ProfileExists):
        import_backup(backup, tmp_path / "laptop", USER, PASSWORD)

    with import_backup(backup, tmp_path / "new", USER, PASSWORD) as restored:
        assert {s.inspection_id for s in restored.inspections()} == set(expected)
        for version_id, version in versions.items():
            assert restored.version(version_id) == version
        assert restored.read_attachment(photo.sha256) == sample_photo(5)
        assert restored.resume(draft).value("inspectors") == ""  # as it was at the backup
        assert restored.audit_entries()[-1].action == "backup_imported"
        assert verify(restored) == []

    damaged = tmp_path / "damaged.fieldapp-backup"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("manifest.json", '{"format": 1}')
        archive.writestr("../../etc/evil", "x")
    with pytest.raises(BackupInvalid):
        import_backup(damaged, tmp_path / "third", USER, PASSWORD)


def test_a_backup_whose_manifest_is_not_an_object_is_refused_in_plain_words(
    tmp_path: Path,
) -> None:
    # Before: the manifest's format was looked up with .get, so a list was a traceback.
    with new_profile(tmp_path / "laptop") as profile:
        backup = profile.export_backup(tmp_path / "usb")
    odd = tmp_path / "odd.fieldapp-backup"
    with zipfile.ZipFile(backup) as original, zipfile.ZipFile(odd, "w") as archive:
        for info in original.infolist():
            data = b"[1]" if info.filename == "manifest.json" else original.read(info)
            archive.writestr(info.filename, data)
    with pytest.raises(BackupInvalid) as caught:
        import_backup(odd, tmp_path / "new", USER, PASSWORD)
    assert "geen bruikbare reservekopie" in caught.value.text("nl")
    assert not profile_directory(tmp_path / "new", USER).exists()


def test_a_version_whose_form_was_gone_stopped_the_migration_and_the_profile_opening(
    tmp_path: Path,
) -> None:
    """Before: schema 8's fill-in raised on a version whose form the profile no longer held,
    so the profile, outbox and all, could not be opened."""
    from fieldapp.store import open_profile

    old = new_profile(tmp_path)
    old.replace_reference_data(snapshot())
    patrol = old.finalize(fill_draft(old, "neighbourhood_patrol", seed=61))
    door = old.finalize(fill_draft(old, "door_test", seed=62))
    with raw_transaction(old) as connection:
        connection.execute("DROP TABLE summary_facts")
        connection.execute("DROP TABLE version_rounds")
        connection.execute(
            "DELETE FROM forms WHERE form_id = ? AND version = ?",
            (patrol.form_id, patrol.form_version),
        )
    raw_connection(old).execute(f"PRAGMA user_version = {LATEST_VERSION - 2}")
    old.close()

    with open_profile(tmp_path, USER, PASSWORD) as migrated:
        assert schema_version(raw_connection(migrated)) == LATEST_VERSION
        with_facts = {
            row[0]
            for row in raw_connection(migrated).execute("SELECT version_id FROM summary_facts")
        }
        # The door test's facts were worked out; the patrol's form was gone, so it has none
        # and is still there, read from its record.
        assert with_facts == {door.version_id}
        assert migrated.version(patrol.version_id) == patrol
