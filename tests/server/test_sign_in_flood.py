"""Issue 14, finding 2: a flood of sign-ins is throttled and signed-in devices stay served.

The flood uses real Argon2 (16 MiB, two passes, unlike the cheap hashing of the other
tests) from many made-up addresses (X-Forwarded-For, which the server trusts from
127.0.0.1 as it would from its reverse proxy), so only the bound on password checks at
once stands between it and the CPU and memory.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.server import schema
from fieldapp.server.app import create_app
from fieldapp.server.central import CentralStore
from fieldapp.server.config import PasswordPolicy
from fieldapp.server.runner import BackgroundServer
from fieldapp.server.throttle import SignInLimits
from tests.support.central import BOA, BOA_WEST, Central, running_central

FLOODERS = 40
ATTEMPTS_EACH = 5
#: A signed-in device's request during the flood answers within this (the issue saw 20 s;
#: fixed, it is well under a second alone, and other test files run beside this one).
BOUND_SECONDS = 3.0


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("flood")
    with running_central(
        "sqlite",
        home,
        "flood",
        password_policy=PasswordPolicy(time_cost=2, memory_cost_kib=16 * 1024, parallelism=1),
        sign_in_limits=SignInLimits(per_address_burst=5, per_address_refill_seconds=60),
    ) as running:
        yield running


def _wrong_sign_in(client: httpx.Client, username: str, address: str) -> httpx.Response:
    return client.post(
        "/v1/auth/token",
        json={"username": username, "password": "not-the-password"},
        headers={"X-Forwarded-For": address},
    )


def test_finding_2_a_sign_in_flood_leaves_signed_in_devices_served(central: Central) -> None:
    token = central.token(BOA)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(FLOODERS + 1)
    stop = threading.Event()

    def flood(number: int) -> None:
        rng = random.Random(number)
        with httpx.Client(base_url=central.url, timeout=60) as client:
            start.wait()
            for attempt in range(ATTEMPTS_EACH):
                address = f"10.{number}.{attempt}.{rng.randrange(1, 250)}"
                answer = _wrong_sign_in(client, f"nobody-{number}-{attempt}", address)
                with lock:
                    statuses[answer.status_code] += 1
                if stop.is_set():
                    return

    threads = [threading.Thread(target=flood, args=(n,)) for n in range(FLOODERS)]
    for thread in threads:
        thread.start()
    latencies: list[float] = []
    with central.client() as device:
        device.headers["Authorization"] = f"Bearer {token}"
        start.wait()
        for _ in range(10):
            began = time.monotonic()
            assert device.get("/v1/sync/meta").status_code == 200
            latencies.append(time.monotonic() - began)
    stop.set()
    for thread in threads:
        thread.join(120)
    assert set(statuses) <= {401, 429}, statuses
    assert statuses[429] > 0, statuses  # more waited than may wait: told to come back
    assert max(latencies) < BOUND_SECONDS, (statistics.median(latencies), max(latencies))


def test_finding_2_wrong_guesses_for_one_account_or_from_one_address_get_429(
    central: Central,
) -> None:
    with httpx.Client(base_url=central.url, timeout=60) as client:
        answers = [_wrong_sign_in(client, BOA_WEST, f"192.0.2.{n}") for n in range(1, 8)]
        assert [a.status_code for a in answers[:5]] == [401] * 5
        refused = answers[5]
        assert refused.status_code == 429 and refused.json()["code"] == "throttled"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        # The right password from another address is throttled for the account too...
        right = client.post(
            "/v1/auth/token",
            json={"username": BOA_WEST, "password": "demo"},
            headers={"X-Forwarded-For": "192.0.2.100"},
        )
        assert right.status_code == 429
        # ...while one address guessing many accounts runs out on its own budget.
        many = [_wrong_sign_in(client, f"someone-{n}", "198.51.100.7") for n in range(7)]
        assert [a.status_code for a in many[:5]] == [401] * 5
        assert many[5].status_code == 429
        assert "address" in many[5].json()["message"]["en"]


def test_two_server_processes_each_allowed_the_whole_sign_in_budget(tmp_path: Path) -> None:
    """Two servers (or workers) on one PostgreSQL each kept their own buckets, so wrong
    guesses spread over both got twice the budget, and N workers N times. The budget is
    now the database's, and its rows are swept once full again."""
    limits = SignInLimits(per_username_burst=5, per_username_refill_seconds=60)
    with running_central("postgresql", tmp_path / "one", "shared", sign_in_limits=limits) as one:
        config = replace(one.config, home=tmp_path / "two")
        other = CentralStore(config)
        server = BackgroundServer(create_app(config, other)).start()
        try:
            bases = [one.url, server.url]
            answers = []
            for attempt in range(7):
                with httpx.Client(base_url=bases[attempt % 2], timeout=60) as client:
                    answers.append(_wrong_sign_in(client, BOA_WEST, f"192.0.2.{attempt + 1}"))
            assert [a.status_code for a in answers] == [401] * 5 + [429] * 2
            assert 1 <= int(answers[5].headers["Retry-After"]) <= 60
            # What the database holds is the budget both drew on: none left for the account.
            buckets = schema.sign_in_buckets
            with one.store.database.read() as connection:
                left = connection.execute(
                    sa.select(buckets.c.tokens).where(
                        buckets.c.kind == "username", buckets.c.key == BOA_WEST.casefold()
                    )
                ).scalar_one()
            assert left < 1
            # Full again after burst × refill: swept (a new row would say the same).
            gate = one.app.state.sign_in_gate
            assert gate.sweep() == 0
            one.clock.advance(timedelta(seconds=5 * 60 + 1))
            assert gate.sweep() >= 1
            with httpx.Client(base_url=server.url, timeout=60) as client:
                right = client.post(
                    "/v1/auth/token",
                    json={"username": BOA_WEST, "password": "demo"},
                    headers={"X-Forwarded-For": "192.0.2.50"},
                )
            assert right.status_code == 200, right.text
        finally:
            server.stop()
            other.close()
