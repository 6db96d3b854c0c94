"""The central store's environment variables, each declared once: name, type, default, meaning.

A deployment configures the server by environment (a container, a systemd unit); the
`server` verb's options override the few they name. `SETTINGS` is the one table; the
table in docs/deploy.md is checked against it by a test, so the two never drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from fieldapp.core.errors import FieldappError
from fieldapp.server.config import MIB, PasswordPolicy, ServerConfig
from fieldapp.server.identity import PasswordRules


@dataclass(frozen=True)
class Setting:
    """One environment variable and the `ServerConfig` field it sets."""

    name: str
    field: str
    parse: Callable[[str], Any]
    #: The default as a person writes it (ServerConfig holds the real one).
    default: str
    description: str


def _seconds(text: str) -> float:
    return float(text)


def _days(text: str) -> timedelta:
    return timedelta(days=float(text))


def _mebibytes(text: str) -> int:
    return int(float(text) * MIB)


def _path(text: str) -> Path:
    return Path(text)


def _argon2(text: str) -> PasswordPolicy:
    parts = [int(part) for part in text.split(",")]
    if len(parts) != 3 or min(parts) < 1 or parts[1] < 8 * parts[2]:
        raise ValueError("expected time cost, memory in KiB, parallelism (memory ≥ 8 × lanes)")
    return PasswordPolicy(time_cost=parts[0], memory_cost_kib=parts[1], parallelism=parts[2])


def _password_rules(text: str) -> PasswordRules:
    return PasswordRules(min_length=int(text))


def _switch(text: str) -> bool:
    if text.lower() in {"1", "true", "yes", "on"}:
        return True
    if text.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected on or off")


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "FIELDAPP_DATABASE_URL",
        "database_url",
        str,
        "sqlite:///<home>/central.db",
        "SQLAlchemy URL of the database; default `sqlite:///<home>/central.db`. Several "
        "servers share one `postgresql+psycopg://user@host/db`.",
    ),
    Setting(
        "FIELDAPP_BLOB_STORAGE",
        "blob_storage",
        str,
        "files",
        "`files` (under the home folder) or `database` (in PostgreSQL, chunked; no state "
        "on local disk, for several servers).",
    ),
    Setting(
        "FIELDAPP_TLS_CERTFILE",
        "certfile",
        _path,
        "(none)",
        "PEM certificate chain: the server speaks HTTPS itself. Leave unset behind a "
        "reverse proxy that terminates TLS.",
    ),
    Setting(
        "FIELDAPP_TLS_KEYFILE", "keyfile", _path, "(none)", "PEM private key of the certificate."
    ),
    Setting(
        "FIELDAPP_FORWARDED_ALLOW_IPS",
        "forwarded_allow_ips",
        str,
        "127.0.0.1",
        "Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed "
        "(the client address in throttling and the access log).",
    ),
    Setting(
        "FIELDAPP_DATABASE_WAIT_SECONDS",
        "database_wait_seconds",
        _seconds,
        "120",
        "How long start-up waits for the database before it gives up.",
    ),
    Setting(
        "FIELDAPP_POOL_SIZE",
        "pool_size",
        int,
        "8",
        "Database connections per server process (as many again on overflow).",
    ),
    Setting(
        "FIELDAPP_PRINCIPAL_CACHE_SECONDS",
        "principal_cache_seconds",
        _seconds,
        "2",
        "Seconds a sign-in's account and teams are trusted without a database read (0: "
        "never). This process sees a change at once; on PostgreSQL other server processes too "
        "(a notice with the commit), on SQLite within this time.",
    ),
    Setting(
        "FIELDAPP_TOKEN_LIFETIME_DAYS",
        "token_lifetime",
        _days,
        "14",
        "How long a sign-in lasts on a device.",
    ),
    Setting(
        "FIELDAPP_ARGON2",
        "password_policy",
        _argon2,
        "3,65536,4",
        "Argon2id cost of new password hashes: passes, memory in KiB, lanes (RFC 9106's "
        "low-memory profile). Existing hashes are upgraded at the next sign-in.",
    ),
    Setting(
        "FIELDAPP_PASSWORD_MIN_LENGTH",
        "password_rules",
        _password_rules,
        "12",
        "Shortest password an account may get (default 12); common passwords are always refused.",
    ),
    Setting(
        "FIELDAPP_MAX_JSON_MIB",
        "max_json_bytes",
        _mebibytes,
        "2",
        "Largest JSON request (a pushed version), in MiB (default 2).",
    ),
    Setting(
        "FIELDAPP_MAX_BLOB_MIB",
        "max_blob_bytes",
        _mebibytes,
        "64",
        "Largest photo or signature, in MiB (default 64).",
    ),
    Setting(
        "FIELDAPP_QUOTA_MIB",
        "quota_bytes",
        _mebibytes,
        "2048",
        "Storage per account (versions, held conflicts, blobs uploaded first), in MiB.",
    ),
    Setting(
        "FIELDAPP_LIMIT_CONCURRENCY",
        "limit_concurrency",
        int,
        "4096",
        "Connections and requests at once per process; above it, 503 at once. Keep the "
        "open-file limit above it (LimitNOFILE).",
    ),
    Setting(
        "FIELDAPP_HEADER_SECONDS",
        "header_seconds",
        _seconds,
        "10",
        "A request's headers must arrive within this many seconds.",
    ),
    Setting(
        "FIELDAPP_BODY_SECONDS",
        "body_seconds",
        _seconds,
        "30",
        "A JSON body must arrive within, and a photo may pause no longer than, this.",
    ),
    Setting(
        "FIELDAPP_ACCESS_LOG_DAYS",
        "access_log_days",
        int,
        "90",
        "Days the log of refused requests is kept.",
    ),
    Setting(
        "FIELDAPP_SWEEP_MINUTES",
        "sweep_minutes",
        _seconds,
        "60",
        "Minutes between sweeps of unused blobs, abandoned uploads and old log rows.",
    ),
    Setting(
        "FIELDAPP_LOG_FORMAT",
        "log_format",
        str,
        "json",
        "`json` (one JSON object per line: time, level, request id, user, route, status, "
        "duration) or `text`.",
    ),
    Setting(
        "FIELDAPP_METRICS",
        "metrics",
        _switch,
        "on",
        "`on` serves Prometheus metrics at /metrics (restrict it to the monitoring network "
        "at the proxy).",
    ),
)


def config_from_environment(
    home: Path, environ: Mapping[str, str], **overrides: Any
) -> ServerConfig:
    """A `ServerConfig` from FIELDAPP_* variables; `overrides` (from options) win.

    A value that does not parse is a FieldappError naming the variable.
    """
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        text = environ.get(setting.name, "").strip()
        if not text:
            continue
        try:
            values[setting.field] = setting.parse(text)
        except ValueError as error:
            raise FieldappError(
                {
                    "nl": f"{setting.name}={text!r} is geen geldige waarde: {error}",
                    "en": f"{setting.name}={text!r} is not a valid value: {error}",
                }
            ) from None
    values.update({key: value for key, value in overrides.items() if value is not None})
    return replace(ServerConfig(home=home), **values)
