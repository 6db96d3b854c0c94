"""The central store's settings, declared once with their defaults, and its clock.

Tests build a small config (cheap password hashing, a clock they can move); the `server`
verb builds one from its options.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

MIB = 1024 * 1024


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PasswordPolicy:
    """Argon2id parameters; the defaults are argon2-cffi's (RFC 9106 low-memory profile)."""

    time_cost: int = 3
    memory_cost_kib: int = 65536
    parallelism: int = 4


@dataclass(frozen=True)
class ServerConfig:
    """Everything a central store needs to start; `home` holds the database and the blobs."""

    home: Path
    #: SQLAlchemy URL; None means `sqlite:///<home>/central.db`.
    database_url: str | None = None
    #: How long a bearer token is valid. Field devices may stay offline for days.
    token_lifetime: timedelta = timedelta(days=14)
    #: Largest JSON request body (a pushed version, a review).
    max_json_bytes: int = 2 * MIB
    #: Largest blob (photo, signature); resumable uploads count the whole blob.
    max_blob_bytes: int = 64 * MIB
    #: Largest page of the change feed a device may ask for.
    changes_page_max: int = 1000
    #: Devices older than this are asked to update before they sync.
    min_client_version: str = "0.1.0"
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    #: Connections each server process keeps to PostgreSQL (plus as many on overflow).
    pool_size: int = 8
    #: The server's clock: received_at, token expiry, review times. Never the device's.
    clock: Callable[[], datetime] = utc_now

    @property
    def url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'central.db').resolve()}"

    @property
    def blob_directory(self) -> Path:
        return self.home / "blobs"
