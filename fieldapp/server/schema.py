"""The central store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Every guarantee that matters under concurrency is a constraint here, not a check in code:
one row per version id, one version per (inspection, sequence number), one review per
event id. JSON is kept as canonical text so an answer can be replayed byte for byte.

This is schema version 5. Once released, change a table only together with a new Alembic
revision in `fieldapp/server/migrations/versions` that makes the same change in an existing
database (schema 1 to 4 were hand-written: `database.MIGRATIONS`).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: An auto-numbered key: BIGINT on PostgreSQL, INTEGER (the rowid) on SQLite.
AutoId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", Timestamp, nullable=False),
)

#: One row (id 1): the epoch of the history and the change feed's last position. Updating
#: `feed_position` row-locks it until commit, which is what makes positions commit in order.
server_state = sa.Table(
    "server_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("epoch", sa.String(32), nullable=False),
    sa.Column("feed_position", sa.BigInteger, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("demo", sa.Boolean, nullable=False),
)

teams = sa.Table(
    "teams",
    metadata,
    sa.Column("team_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("supervisor", sa.String(64), nullable=False, index=True),
    sa.Column("payload", sa.Text, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("team", sa.String(64), nullable=True),
    sa.Column("pseudonym", sa.String(200), nullable=True, unique=True),
    sa.Column("languages", sa.String(64), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    #: A random key handed to the person's devices at each sign-in: it lets a device
    #: re-lock its profile with a password changed here (base64url; made on first use).
    sa.Column("profile_key", sa.String(64), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
)

#: Bearer tokens by the SHA-256 of the token: a leaked table holds no usable token.
tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.ForeignKey("users.username"), nullable=False, index=True),
    sa.Column("device_id", sa.String(64), nullable=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("expires_at", Timestamp, nullable=False),
    sa.Column("revoked_at", Timestamp, nullable=True),
)

#: Reference data the centre owns (venues, areas, assignments): the current state.
reference = sa.Table(
    "reference",
    metadata,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("removed", sa.Boolean, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
)

forms = sa.Table(
    "forms",
    metadata,
    sa.Column("form_id", sa.String(64), primary_key=True),
    sa.Column("form_version", sa.String(32), primary_key=True),
    sa.Column("roles", sa.String(200), nullable=False),
    sa.Column("definition", sa.Text, nullable=False),
    sa.Column("loaded_at", Timestamp, nullable=False),
    #: Set when an administrator retired the version: devices start no new drafts on it.
    sa.Column("retired_at", Timestamp, nullable=True),
)

#: Every edit of a venue (imports included): who, when, and the venue before and after.
venue_history = sa.Table(
    "venue_history",
    metadata,
    sa.Column("venue_id", sa.String(128), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", Timestamp, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("before", sa.Text, nullable=True),
    sa.Column("after", sa.Text, nullable=False),
)

#: Planning metadata of an assignment or a door-test round (the object itself is in
#: `reference`): whose team plans it, its edit version, and who planned it when.
plans = sa.Table(
    "plans",
    metadata,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("team", sa.String(64), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("cancelled", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
)

#: What devices pull. `audience` is one scope: "*", "role:boa", "team:team-west",
#: "user:elif.yildiz"; a device sees the rows whose scope it holds.
change_log = sa.Table(
    "change_log",
    metadata,
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("entity_key", sa.String(200), nullable=False),
    sa.Column("audience", sa.String(80), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    #: Random per row; a cursor carries it, so a cursor from another history is refused.
    sa.Column("nonce", sa.String(16), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Index("ix_change_log_audience_position", "audience", "position"),
)

inspections = sa.Table(
    "inspections",
    metadata,
    sa.Column("inspection_id", sa.String(32), primary_key=True),
    sa.Column("form_id", sa.String(64), nullable=False),
    sa.Column("author", sa.ForeignKey("users.username"), nullable=False, index=True),
    #: The author's team when the first version arrived: whose supervisor reviews it.
    sa.Column("team", sa.String(64), nullable=True, index=True),
    sa.Column("venue_id", sa.String(128), nullable=True),
    sa.Column("area_id", sa.String(128), nullable=True),
    sa.Column("assignment_id", sa.String(128), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("head_version_id", sa.String(32), nullable=False),
    sa.Column("version_count", sa.Integer, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    #: Server time of the last version or review: the inbox is ordered by it.
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.Index("ix_inspections_team_updated", "team", "updated_at"),
)

versions = sa.Table(
    "versions",
    metadata,
    sa.Column("version_id", sa.String(32), primary_key=True),
    sa.Column(
        "inspection_id", sa.ForeignKey("inspections.inspection_id"), nullable=False, index=True
    ),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("base_version_id", sa.String(32), nullable=True),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("form_id", sa.String(64), nullable=False),
    sa.Column("form_version", sa.String(32), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    #: SHA-256 of the whole record as pushed: a replay must match it exactly.
    sa.Column("record_hash", sa.String(64), nullable=False),
    sa.Column("record", sa.Text, nullable=False),
    #: The exact bytes of the first answer, returned again to every replay.
    sa.Column("receipt", sa.Text, nullable=False),
    #: False may be out of date (a blob arrived since); True never is.
    sa.Column("complete", sa.Boolean, nullable=False),
    sa.Column("received_at", Timestamp, nullable=False),
    sa.Column("client_finalized_at", sa.String(40), nullable=False),
    sa.UniqueConstraint("inspection_id", "seq", name="uq_versions_inspection_seq"),
    sa.Index("ix_versions_author_complete", "author", "complete"),
)

version_blobs = sa.Table(
    "version_blobs",
    metadata,
    sa.Column("version_id", sa.ForeignKey("versions.version_id"), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True, index=True),
)

blobs = sa.Table(
    "blobs",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("uploaded_by", sa.String(64), nullable=False),
    sa.Column("stored_at", Timestamp, nullable=False),
)

#: Blob bytes when FIELDAPP_BLOB_STORAGE=database: 1 MiB chunks in order (blobstorage.py).
blob_chunks = sa.Table(
    "blob_chunks",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

#: Resumable uploads in the database: how far each (blob, uploader) got, and its chunks.
partial_uploads = sa.Table(
    "partial_uploads",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
)

partial_chunks = sa.Table(
    "partial_chunks",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

#: Who has proven they hold a blob's bytes (they uploaded bytes with its hash). A version
#: is complete, and its blobs readable through it, only for blobs its author holds: a hash
#: alone proves nothing, so listing another person's photo in a version reveals nothing.
blob_holders = sa.Table(
    "blob_holders",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), primary_key=True, index=True),
    sa.Column("held_since", Timestamp, nullable=False),
)

#: Bytes each account stores: its versions and held conflicts as recorded, and the blobs
#: it uploaded first. Kept up to date in the transactions that store them (quota checks
#: read one row instead of summing a history).
account_usage = sa.Table(
    "account_usage",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("bytes", sa.BigInteger, nullable=False),
)

#: Versions refused for a stale base: kept for a person to resolve, never applied.
conflicts = sa.Table(
    "conflicts",
    metadata,
    sa.Column("version_id", sa.String(32), primary_key=True),
    sa.Column("inspection_id", sa.String(32), nullable=False, index=True),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("head_version_id", sa.String(32), nullable=True),
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("received_at", Timestamp, nullable=False),
    sa.Index("ix_conflicts_author", "author"),
)

#: Per author: how many versions and the XOR-digest of their ids (see protocol.digest_of).
digests = sa.Table(
    "digests",
    metadata,
    sa.Column("author", sa.String(64), primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
)

review_events = sa.Table(
    "review_events",
    metadata,
    sa.Column("event_id", sa.String(32), primary_key=True),
    sa.Column(
        "inspection_id", sa.ForeignKey("inspections.inspection_id"), nullable=False, index=True
    ),
    sa.Column("version_id", sa.String(32), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("reviewer", sa.String(64), nullable=False),
    #: SHA-256 of the request: a retried request matches it, a reused event id does not.
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("at", Timestamp, nullable=False),
)

#: Refused requests (401, 403, 404 outside one's scope): who tried what, and why not.
access_log = sa.Table(
    "access_log",
    metadata,
    sa.Column("id", AutoId, primary_key=True, autoincrement=True),
    sa.Column("at", Timestamp, nullable=False),
    sa.Column("username", sa.String(64), nullable=True),
    #: The client's address (from the proxy's X-Forwarded-For when behind a trusted one).
    sa.Column("client", sa.String(64), nullable=True),
    sa.Column("method", sa.String(8), nullable=False),
    sa.Column("path", sa.String(300), nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("detail", sa.String(300), nullable=False),
    sa.Index("ix_access_log_at", "at"),
)

#: Things people did that others may need to account for: reviews, account changes.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", AutoId, primary_key=True, autoincrement=True),
    sa.Column("at", Timestamp, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)

# --- follow-up (schema version 5): the sanction policy, approved findings, measures, actions

#: Every sanction policy loaded, by id and version; the newest loaded is in force. Kept
#: whole, so a past proposal can always be read against the policy it came from.
policies = sa.Table(
    "policies",
    metadata,
    sa.Column("policy_id", sa.String(64), primary_key=True),
    sa.Column("version", sa.String(32), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("loaded_at", Timestamp, nullable=False),
    sa.Column("loaded_by", sa.String(64), nullable=False),
)

#: Approved findings at venues: what repetitions are counted from. `source_key` is the
#: inspection and finding (or the door-test round), so an approval is indexed once.
venue_findings = sa.Table(
    "venue_findings",
    metadata,
    sa.Column("source_key", sa.String(200), primary_key=True),
    sa.Column("venue_id", sa.String(128), nullable=False),
    sa.Column("finding", sa.String(128), nullable=False),
    sa.Column("inspection_id", sa.String(32), nullable=False),
    sa.Column("team", sa.String(64), nullable=True),
    sa.Column("visited_at", Timestamp, nullable=False),
    sa.Column("approved_at", Timestamp, nullable=False),
    sa.Index("ix_venue_findings_venue", "venue_id", "finding"),
)

#: What the ladder proposed for an approved finding and what the supervisor decided
#: (`payload` is the `Measure` as JSON; the columns are for finding and filtering).
measures = sa.Table(
    "measures",
    metadata,
    sa.Column("measure_id", sa.String(32), primary_key=True),
    #: inspection + ladder (or round + ladder): one proposal per finding, however retried.
    sa.Column("source_key", sa.String(200), nullable=False, unique=True),
    sa.Column("venue_id", sa.String(128), nullable=False, index=True),
    sa.Column("team", sa.String(64), nullable=False, index=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("proposed_at", Timestamp, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
)

#: Follow-up actions; `payload` is the `Action` with its log as JSON.
actions = sa.Table(
    "actions",
    metadata,
    sa.Column("action_id", sa.String(32), primary_key=True),
    #: For actions made by the server (a referral still to report): one per source.
    sa.Column("source_key", sa.String(200), nullable=True, unique=True),
    #: SHA-256 of the creating request, so a retried POST with the same id is recognised.
    sa.Column("request_hash", sa.String(64), nullable=True),
    sa.Column("team", sa.String(64), nullable=False, index=True),
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("venue_id", sa.String(128), nullable=True, index=True),
    sa.Column("state", sa.String(24), nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
)

#: Files attached to an action's log (the operator's letter): who may read the blob.
action_blobs = sa.Table(
    "action_blobs",
    metadata,
    sa.Column("action_id", sa.String(32), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True, index=True),
)

#: Each version's period-summary facts (`fieldapp.core.summary.VersionFacts` as JSON),
#: written with the version (schema 6): a summary reads these, not the records.
summary_facts = sa.Table(
    "summary_facts",
    metadata,
    sa.Column("version_id", sa.ForeignKey("versions.version_id"), primary_key=True),
    #: The day the visit began, as the device stored it (ISO): what a period matches.
    sa.Column("started_day", sa.String(10), nullable=False),
    sa.Column("facts", sa.Text, nullable=False),
)

#: Sign-in attempts left per username and per client address (token buckets, throttle.py),
#: kept in the database on PostgreSQL so that every server process draws on one budget.
sign_in_buckets = sa.Table(
    "sign_in_buckets",
    metadata,
    #: "username" or "address".
    sa.Column("kind", sa.String(8), primary_key=True),
    #: The casefolded username, or the client's address.
    sa.Column("key", sa.String(256), primary_key=True),
    sa.Column("tokens", sa.Float, nullable=False),
    #: When `tokens` was counted, in seconds since the epoch on the server's clock.
    sa.Column("since", sa.Float, nullable=False),
)
