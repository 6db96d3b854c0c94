"""The append-only, hash-chained audit log of a profile.

Each entry carries the SHA-256 of the entry before it and its own hash over its contents,
so a changed entry breaks its own hash and a removed or inserted one breaks the chain.
Triggers refuse UPDATE and DELETE; `verify` recomputes the whole chain and says which entry
does not fit. Clocks in entries are the device's, kept for people, never used for order.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fieldapp.core.answers import canonical_json
from fieldapp.store.database import ProfileDatabase

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    inspection_id: str | None
    version_id: str | None
    payload: dict[str, Any]
    prev_hash: str
    entry_hash: str


def compute_hash(
    seq: int,
    at: str,
    actor: str,
    action: str,
    inspection_id: str | None,
    version_id: str | None,
    payload_text: str,
    prev_hash: str,
) -> str:
    return hashlib.sha256(
        canonical_json(
            {
                "seq": seq,
                "at": at,
                "actor": actor,
                "action": action,
                "inspection_id": inspection_id,
                "version_id": version_id,
                "payload": payload_text,
                "prev_hash": prev_hash,
            }
        )
    ).hexdigest()


class ChainHead:
    """The last entry's number and hash, carried along while appending many entries."""

    __slots__ = ("entry_hash", "seq")

    def __init__(self, seq: int, entry_hash: str) -> None:
        self.seq = seq
        self.entry_hash = entry_hash


def head(connection: sqlite3.Connection) -> ChainHead:
    found = connection.execute(
        "SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return ChainHead(0, GENESIS) if found is None else ChainHead(int(found[0]), str(found[1]))


def append(
    connection: sqlite3.Connection,
    *,
    at: str,
    actor: str,
    action: str,
    inspection_id: str | None = None,
    version_id: str | None = None,
    payload: Mapping[str, Any] | None = None,
    chain: ChainHead | None = None,
) -> AuditEntry:
    """Add one entry; call inside the transaction whose change it records.

    Pass `chain` when appending many entries in one transaction (seeding) to skip the
    lookup of the head; it is advanced in place.
    """
    current = chain if chain is not None else head(connection)
    payload_text = canonical_json(dict(payload or {})).decode("utf-8")
    seq = current.seq + 1
    entry_hash = compute_hash(
        seq, at, actor, action, inspection_id, version_id, payload_text, current.entry_hash
    )
    connection.execute(
        "INSERT INTO audit_log (seq, at, actor, action, inspection_id, version_id, payload,"
        " prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            seq,
            at,
            actor,
            action,
            inspection_id,
            version_id,
            payload_text,
            current.entry_hash,
            entry_hash,
        ),
    )
    entry = AuditEntry(
        seq,
        at,
        actor,
        action,
        inspection_id,
        version_id,
        json.loads(payload_text),
        current.entry_hash,
        entry_hash,
    )
    current.seq, current.entry_hash = seq, entry_hash
    return entry


def _batches(database: ProfileDatabase, batch: int = 5000) -> Iterator[tuple[Any, ...]]:
    last = 0
    while True:
        rows = database.rows(
            "SELECT seq, at, actor, action, inspection_id, version_id, payload, prev_hash,"
            " entry_hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
            (last, batch),
        )
        if not rows:
            return
        yield from rows
        last = int(rows[-1][0])


def entries(database: ProfileDatabase, inspection_id: str | None = None) -> list[AuditEntry]:
    """Entries in order, all or for one inspection."""
    if inspection_id is None:
        rows = list(_batches(database))
    else:
        rows = database.rows(
            "SELECT seq, at, actor, action, inspection_id, version_id, payload, prev_hash,"
            " entry_hash FROM audit_log WHERE inspection_id = ? ORDER BY seq",
            (inspection_id,),
        )
    return [
        AuditEntry(int(r[0]), r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), str(r[7]), str(r[8]))
        for r in rows
    ]


def verify_chain(database: ProfileDatabase) -> tuple[list[str], dict[str, str]]:
    """Problems with the chain, and the content hash each finalize entry recorded.

    Every problem names the entry by number and action, so a person (or an auditor) can
    look at exactly that entry.
    """
    problems: list[str] = []
    finalized: dict[str, str] = {}
    expected_prev = GENESIS
    expected_seq = 1
    for seq, at, actor, action, inspection_id, version_id, payload, prev, stored in _batches(
        database
    ):
        seq = int(seq)
        label = f"audit log entry {seq} ({action}, {at})"
        if seq != expected_seq:
            gap = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}–{seq - 1}"
            problems.append(
                f"audit log entry {gap} is missing: the sequence jumps from "
                f"{expected_seq - 1} to {seq}"
            )
        recomputed = compute_hash(
            seq, at, actor, action, inspection_id, version_id, payload, str(prev)
        )
        if recomputed != stored:
            problems.append(f"{label} was changed: its contents no longer match its hash")
        if prev != expected_prev:
            problems.append(
                f"{label} does not follow entry {seq - 1}: the previous hash it names differs "
                "(an entry before it was changed, removed or inserted)"
            )
        if action == "inspection_finalized" and version_id is not None:
            try:
                finalized[str(version_id)] = str(json.loads(payload).get("content_hash"))
            except (ValueError, AttributeError):
                problems.append(f"{label} has an unreadable payload")
        expected_prev = str(stored)
        expected_seq = seq + 1
    return problems, finalized


class AuditLog:
    """A profile's audit log: append inside the transaction that makes the change it
    records, read it in order, and check the chain."""

    def __init__(self, database: ProfileDatabase) -> None:
        self._database = database

    append = staticmethod(append)
    head = staticmethod(head)

    def entries(self, inspection_id: str | None = None) -> list[AuditEntry]:
        return entries(self._database, inspection_id)

    def verify(self) -> tuple[list[str], dict[str, str]]:
        """Chain problems, and the content hash each finalize entry recorded by version."""
        return verify_chain(self._database)
