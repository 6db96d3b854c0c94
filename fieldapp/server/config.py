"""The central store's settings, declared once with their defaults, and its clock.

Tests build a small config (cheap password hashing, a clock they can move); the `server`
verb builds one from its options.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fieldapp.server.identity import PasswordRules
from fieldapp.server.limits import JsonShape, RequestLimits
from fieldapp.server.throttle import SignInLimits

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
    #: The shape a JSON body may have (containers, keys, depth, string length).
    json_shape: JsonShape = field(default_factory=JsonShape)
    #: Seconds a JSON body may take to arrive; a blob body may pause as long between chunks.
    body_seconds: float = 30.0
    #: Large JSON bodies (over 64 KiB) parsed at once; the others wait their turn.
    large_json_permits: int = 4
    #: Largest page of the change feed a device may ask for.
    changes_page_max: int = 1000
    #: Devices older than this are asked to update before they sync. 0.2.0: a 0.1 device
    #: refuses what it would be sent (photo entries with a time, position or original; an
    #: empty comment that reopens a question) and could not send replies.
    min_client_version: str = "0.2.0"
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    #: What a new password must meet (length; never a common one).
    password_rules: PasswordRules = field(default_factory=PasswordRules)
    #: How fast sign-ins may come, per username and address, and password checks at once.
    sign_in_limits: SignInLimits = field(default_factory=SignInLimits)
    #: Connections each server process keeps to PostgreSQL (plus as many on overflow).
    pool_size: int = 8
    #: Seconds a token's principal is trusted without a database read (0: never). A change
    #: in this process is seen at once; another process on the database sees it this late.
    principal_cache_seconds: float = 2.0
    #: Where blobs live: "files" (under home) or "database" (PostgreSQL, chunked).
    blob_storage: str = "files"
    #: Storage per account: versions, held conflicts and blobs it uploaded first.
    quota_bytes: int = 2048 * MIB
    #: Days the access log (refused requests) is kept.
    access_log_days: int = 90
    #: Minutes between sweeps of unreferenced blobs, abandoned uploads and old log rows.
    sweep_minutes: float = 60.0
    #: "json" (one object per line) or "text".
    log_format: str = "json"
    #: Serve Prometheus metrics at /metrics.
    metrics: bool = True
    #: A folder the worker processes of one server share their metrics in (set by
    #: `serve_workers`, with PROMETHEUS_MULTIPROC_DIR naming it); None: this process alone.
    metrics_directory: Path | None = None
    #: How long start-up waits for the database before it gives up (seconds).
    database_wait_seconds: float = 120.0
    #: TLS: the server's certificate chain and key (PEM); None serves plain HTTP (behind
    #: a reverse proxy that terminates TLS, or on loopback).
    certfile: Path | None = None
    keyfile: Path | None = None
    #: Addresses of reverse proxies whose X-Forwarded-For/-Proto the server believes.
    forwarded_allow_ips: str = "127.0.0.1"
    #: Connections and requests at once; above it new requests get 503 at once.
    limit_concurrency: int = 4096
    #: A connection must send its request headers within this many seconds (slow-loris).
    header_seconds: float = 10.0
    #: An idle keep-alive connection is closed after this many seconds.
    keep_alive_seconds: float = 30.0
    #: The server's clock: received_at, token expiry, review times. Never the device's.
    clock: Callable[[], datetime] = utc_now

    @property
    def url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'central.db').resolve()}"

    @property
    def request_limits(self) -> RequestLimits:
        return RequestLimits(
            json_bytes=self.max_json_bytes,
            blob_bytes=self.max_blob_bytes,
            shape=self.json_shape,
            json_body_seconds=self.body_seconds,
            blob_idle_seconds=self.body_seconds,
            large_json_permits=self.large_json_permits,
        )

    @property
    def blob_directory(self) -> Path:
        return self.home / "blobs"
