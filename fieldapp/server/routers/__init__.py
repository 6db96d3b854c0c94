"""The HTTP endpoints of the central store, one `APIRouter` per resource.

`accounts` (health, sign-in, sign-out), `sync` (meta, the change feed, the digest),
`blobs` (attachments by hash), `inspections` (pushing and reading versions) and `review`
(the inbox, one inspection, return and approve), `admin` (imports, forms, teams,
users, venues), `planning` (assignments, door-test rounds), `followup` (the venue
file, the sanction ladder's measures, actions), `reports` (the period summary and a
door-test round's visits, computed where the data is) and `exports` (the export's bulk
read). A handler translates HTTP
to a call on the `CentralStore` and its answer back.
"""

from __future__ import annotations

from fastapi import APIRouter

from fieldapp.server.routers import (
    accounts,
    admin,
    blobs,
    exports,
    followup,
    inspections,
    planning,
    reports,
    review,
    sync,
)

#: Every router of the API, in the order of the paths in the OpenAPI document.
ROUTERS: tuple[APIRouter, ...] = (
    accounts.router,
    sync.router,
    blobs.router,
    inspections.router,
    review.router,
    admin.router,
    planning.router,
    followup.router,
    reports.router,
    exports.router,
)
