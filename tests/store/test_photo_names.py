"""Issue 14, finding 13 (photos): attachment files are named by a keyed hash, not SHA-256.

A plain SHA-256 in a file name lets anyone holding the disk check whether a known photo
is on the device. The names are an HMAC under a key only the unlocked profile has; an
older profile's files are renamed when it is opened, nothing lost.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from fieldapp.store import open_profile
from fieldapp.store.attachments import NAMING_META
from fieldapp.store.verify import verify
from tests.support.store import (
    PASSWORD,
    USER,
    attachment_file,
    attachment_folder,
    fill_draft,
    new_profile,
    raw_transaction,
    sample_photo,
)


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*") if path.is_file())


def test_finding_13_photo_files_are_not_named_by_their_plain_sha256(tmp_path: Path) -> None:
    profile = new_profile(tmp_path)
    draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    photo = sample_photo(5)
    stored = profile.attach_file(draft, "stock_photo", photo)
    plain = hashlib.sha256(photo).hexdigest()  # computed apart from the store
    assert stored.sha256 == plain
    folder = attachment_folder(profile)
    names = _names(folder)
    assert len(names) == 1 and plain not in names[0]
    assert profile.read_attachment(plain) == photo
    # Another profile (another data key) names the same photo differently.
    other = new_profile(tmp_path / "other")
    draft_there = other.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    other.attach_file(draft_there, "stock_photo", photo)
    assert names[0].split("-")[1] != _names(attachment_folder(other))[0].split("-")[1]
    other.close()
    profile.close()


def test_finding_13_an_old_profile_s_photo_files_are_renamed_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    profile = new_profile(tmp_path)
    sent = profile.finalize(fill_draft(profile, "coffeeshop_inspection", 21))
    draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    photos = {profile.attach_file(draft, "stock_photo", sample_photo(n)).sha256 for n in (6, 7)}
    attached = [(sent.inspection_id, a.sha256) for a in sent.attachments]
    attached += [(draft, sha) for sha in photos]
    assert len(attached) >= 3
    contents = {sha: profile.read_attachment(sha) for _, sha in attached}
    # Make it a profile from before: plain SHA-256 names, no naming mark.
    for inspection_id, sha in attached:
        keyed = attachment_file(profile, inspection_id, sha)
        keyed.replace(keyed.with_name(f"{inspection_id}-{sha}"))
    with raw_transaction(profile, durable=True) as connection:
        connection.execute("DELETE FROM meta WHERE key = ?", (NAMING_META,))
    folder = attachment_folder(profile)
    profile.close()
    assert any(sha in name for name in _names(folder) for _, sha in attached)

    with open_profile(tmp_path, USER, PASSWORD) as reopened:
        names = _names(folder)
        assert len(names) == len(set(attached))
        assert not any(sha in name for name in names for _, sha in attached)
        for _, sha in attached:
            assert reopened.read_attachment(sha) == contents[sha]
        assert verify(reopened) == []
    # Opening again renames nothing more and changes nothing.
    with open_profile(tmp_path, USER, PASSWORD):
        assert _names(folder) == names
