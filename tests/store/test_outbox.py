"""The outbox's queries for the sync client: counts, acknowledged versions per author, entries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fieldapp.core.inspection import InspectionStatus
from fieldapp.store import OutboxCounts, OutboxState
from fieldapp.store.seed import seed_profile
from tests.support.store import fill_draft, new_profile

AT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def test_the_outbox_counts_and_lists_what_the_server_acknowledged_per_author(
    tmp_path: Path,
) -> None:
    with new_profile(tmp_path) as profile:
        seed_profile(profile, 40, templates_per_form=4)
        own = profile.finalize(fill_draft(profile, "door_test", seed=3))
        profile.record_send_failure(own.version_id, "409: andere inhoud met dit id", False)

        summaries = profile.inspections()
        acknowledged: dict[str, set[str]] = {}
        states: dict[OutboxState, int] = dict.fromkeys(OutboxState, 0)
        for summary in summaries:
            assert summary.outbox is not None
            states[summary.outbox.state] += 1
            if summary.outbox.state is OutboxState.SENT:
                acknowledged.setdefault(summary.author, set()).add(summary.outbox.version_id)
        counts = profile.outbox_counts()
        assert counts == OutboxCounts(
            states[OutboxState.PENDING], states[OutboxState.HELD], states[OutboxState.SENT]
        )
        assert counts.held == 1 and counts.sent > 0
        by_author = profile.sent_version_ids_by_author()
        assert {author: set(ids) for author, ids in by_author.items()} == acknowledged
        for author, ids in by_author.items():
            assert profile.sent_version_ids(author) == ids  # the order they were queued in
        assert profile.sent_version_ids("nobody.here") == []


def test_an_outbox_entry_is_found_for_a_version_that_is_no_longer_current(
    tmp_path: Path,
) -> None:
    with new_profile(tmp_path) as profile:
        base = profile.finalize(fill_draft(profile, "coffeeshop_inspection", seed=4))
        assert profile.outbox_entry("f" * 32) is None
        entry = profile.outbox_entry(base.version_id)
        assert entry is not None and entry.state is OutboxState.PENDING and entry.attempts == 0
        profile.mark_sent(base.version_id, "receipt-1")
        profile.apply_return(
            base.inspection_id, base.version_id, {"findings_summary": "x"}, "ingrid.verhoeven", AT
        )
        profile.start_correction(base.inspection_id)
        profile.set_answer(base.inspection_id, "findings_summary", "Aangevuld.")
        correction = profile.finalize(base.inspection_id)
        summary = profile.inspection(base.inspection_id)
        assert summary.status is InspectionStatus.FINALIZED
        assert summary.outbox is not None and summary.outbox.version_id == correction.version_id
        entry = profile.outbox_entry(base.version_id)
        assert entry is not None and entry.state is OutboxState.SENT
        assert entry.server_receipt == "receipt-1"
        assert profile.outbox_counts() == OutboxCounts(pending=1, held=0, sent=1)
