"""Issue 14, production setup: one JSON log line per request and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from fieldapp.server import schema
from fieldapp.server.logs import JsonLinesFormatter
from tests.support.central import BOA, Central, make_version, push, running_central


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with running_central("sqlite", tmp_path_factory.mktemp("observe"), "observe") as running:
        yield running


def test_every_request_is_one_log_line_with_id_user_route_status_and_time(
    central: Central, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="fieldapp.server.requests")
    version = make_version(BOA)
    with central.client(BOA) as boa:
        answer = push(boa, version)
        echoed = boa.get("/v1/sync/meta", headers={"X-Request-ID": "proxy-id-42"})
    assert answer.status_code == 201 and answer.headers["X-Request-ID"]
    assert echoed.headers["X-Request-ID"] == "proxy-id-42"

    def logged() -> list[dict[str, Any]]:
        return [
            json.loads(JsonLinesFormatter().format(record))
            for record in caplog.records
            if record.name == "fieldapp.server.requests"
        ]

    # The server writes a request's line as the response leaves; the client may read the
    # answer a moment before that line is written.
    deadline = time.monotonic() + 10
    while not any(line.get("request_id") == "proxy-id-42" for line in logged()):
        assert time.monotonic() < deadline, "the request's log line was never written"
        time.sleep(0.01)
    lines = logged()
    pushed = next(line for line in lines if line.get("method") == "PUT")
    assert pushed["user"] == BOA
    assert pushed["route"] == "/v1/inspections/{inspection_id}/versions/{version_id}"
    assert pushed["status"] == 201 and pushed["duration_ms"] >= 0
    assert pushed["request_id"] == answer.headers["X-Request-ID"]
    assert pushed["client"] == "127.0.0.1" and pushed["level"] == "info"
    assert version.inspection_id not in json.dumps(pushed)  # ids stay out of the route
    assert any(line.get("request_id") == "proxy-id-42" for line in lines)


def test_metrics_count_requests_pushes_sign_in_failures_and_queues(central: Central) -> None:
    assert central.sign_in(BOA, "wrong password").status_code == 401
    with central.client(BOA) as boa:
        assert push(boa, make_version(BOA)).status_code == 201
        text = boa.get("/metrics").text
    assert 'fieldapp_pushes_total{outcome="stored"}' in text
    assert 'fieldapp_sign_in_failures_total{status="401"}' in text
    assert (
        'fieldapp_requests_total{method="PUT",'
        'route="/v1/inspections/{inspection_id}/versions/{version_id}",status="201"}'
    ) in text
    assert 'fieldapp_request_seconds_bucket{le="0.5",method="GET",route="/v1/sync/meta"}' in text
    for queue in ("sign_in_checks", "large_bodies_waiting", "database_connections"):
        assert f'fieldapp_queue{{queue="{queue}"}}' in text


def _pushes_counted(client: httpx.Client) -> dict[str, float]:
    """`fieldapp_pushes_total` by outcome, read from /metrics as Prometheus would."""
    families = text_string_to_metric_families(client.get("/metrics").text)
    return {
        sample.labels["outcome"]: sample.value
        for family in families
        if family.name == "fieldapp_pushes"
        for sample in family.samples
        if sample.name == "fieldapp_pushes_total"
    }


def test_a_batch_push_counted_nothing_in_the_push_metrics(central: Central) -> None:
    """The devices push in batches (POST /v1/sync/push); the counter saw only single PUTs,
    so an operator's pushes-per-minute read zero while every inspection came in."""
    sent_before = make_version(BOA)
    fresh = [make_version(BOA), make_version(BOA)]
    damaged = make_version(BOA).model_copy(update={"content_hash": "0" * 64})
    with central.client(BOA) as boa:
        assert push(boa, sent_before).status_code == 201
        before = _pushes_counted(boa)
        answer = boa.post(
            "/v1/sync/push",
            json={"versions": [v.model_dump(mode="json") for v in [*fresh, sent_before, damaged]]},
        )
        assert answer.status_code == 200, answer.text
        after = _pushes_counted(boa)
    counted = {outcome: after[outcome] - before.get(outcome, 0) for outcome in after}
    # What the store holds, asked of its database: the two new ones, and nothing else.
    ids = [v.version_id for v in [*fresh, damaged]]
    with central.store.database.read() as connection:
        stored = connection.execute(
            sa.select(sa.func.count())
            .select_from(schema.versions)
            .where(schema.versions.c.version_id.in_(ids))
        ).scalar_one()
    assert stored == 2
    statuses = [outcome["status"] for outcome in answer.json()["outcomes"]]
    assert statuses == [201, 201, 200, 422]
    assert counted.get("stored") == stored
    assert counted.get("replayed") == 1
    assert counted.get("refused_422") == 1
