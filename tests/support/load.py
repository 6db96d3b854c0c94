"""The bounded load of the server tests: devices push, correct, replay and pull at once.

Each device pushes new inspections (some with a photo), corrects some, replays some as
if an answer was lost, pulls the change feed and checks its digest, while a supervisor
returns inspections. Devices spread over the given server URLs (one server, or several
processes on one PostgreSQL). Afterwards the database holds exactly the versions that
were acknowledged, once each, and every author's digest matches.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import httpx
import sqlalchemy as sa

from fieldapp.core.entities import Role
from fieldapp.core.inspection import Attachment, InspectionVersion, new_id
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.protocol.models import digest_of
from fieldapp.server import schema
from fieldapp.server.database import CentralDatabase
from tests.support.central import (
    FORM_FOR,
    PHOTO_QUESTION,
    SUPERVISOR_CENTRUM,
    make_version,
    push,
)

DEVICES = 50
SECONDS = 3.0
MAX_ROUNDS = 200

WORLD = load_world(seeds_directory())
AUTHORS = [u for u in WORLD.users if u.role in {Role.BOA, Role.MYSTERY_GUEST}]
#: Everyone the load signs in: the authors and the reviewing supervisor.
USERNAMES = [*(author.username for author in AUTHORS), SUPERVISOR_CENTRUM]


def _client(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def run_load(
    urls: Sequence[str], tokens: Mapping[str, str], database: CentralDatabase
) -> Counter[int]:
    """Run the load against `urls`, check `database` afterwards; the statuses seen."""
    acked: dict[str, set[str]] = defaultdict(set)
    statuses: Counter[int] = Counter()
    problems: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(DEVICES + 1)
    deadline = time.monotonic() + 60  # replaced once everyone is ready

    def device(number: int) -> None:
        author = AUTHORS[number % len(AUTHORS)]
        role = author.role.value
        rng = random.Random(number)
        mine: list[InspectionVersion] = []
        cursor: str | None = None
        url = urls[number % len(urls)]
        with _client(url, tokens[author.username]) as client:
            start.wait()
            for round_number in range(MAX_ROUNDS):
                if time.monotonic() > deadline:
                    break
                try:
                    attachments: tuple[Attachment, ...] = ()
                    if rng.random() < 0.2:
                        photo = f"photo {number} {round_number} {new_id()}".encode() * 50
                        sha = hashlib.sha256(photo).hexdigest()
                        upload = client.put(f"/v1/blobs/{sha}", content=photo)
                        record(upload, {200, 201})
                        attachments = (
                            Attachment(
                                question=PHOTO_QUESTION[FORM_FOR[role]],
                                sha256=sha,
                                size=len(photo),
                            ),
                        )
                    if mine and rng.random() < 0.3:
                        last = mine[-1]
                        version = make_version(
                            author.username,
                            role=role,
                            inspection_id=last.inspection_id,
                            base=last.version_id,
                        )
                    else:
                        version = make_version(author.username, role=role, attachments=attachments)
                    answer = push(client, version)
                    if record(answer, {201}):
                        mine.append(version)
                        with lock:
                            acked[author.username].add(version.version_id)
                    if mine and rng.random() < 0.2:
                        record(push(client, rng.choice(mine)), {200})
                    params = {"limit": 100} | ({"cursor": cursor} if cursor else {})
                    page = client.get("/v1/changes", params=params)
                    if record(page, {200}):
                        cursor = page.json()["next_cursor"]
                    if round_number % 10 == 0:
                        record(client.get("/v1/sync/digest"), {200})
                except httpx.HTTPError as error:
                    with lock:
                        problems.append(f"device {number}: {type(error).__name__}: {error}")

    def record(answer: httpx.Response, expected: set[int]) -> bool:
        with lock:
            statuses[answer.status_code] += 1
            if answer.status_code not in expected:
                problems.append(
                    f"{answer.request.method} {answer.request.url.path}: "
                    f"{answer.status_code} {answer.text[:200]}"
                )
        return answer.status_code in expected

    def supervisor() -> None:
        with _client(urls[0], tokens[SUPERVISOR_CENTRUM]) as client:
            while time.monotonic() < deadline:
                items = client.get("/v1/inspections", params={"status": "sent", "limit": 5})
                if not record(items, {200}):
                    return
                for item in items.json()["items"]:
                    answer = client.post(
                        f"/v1/inspections/{item['inspection_id']}/return",
                        json={
                            "event_id": new_id(),
                            "version_id": item["head_version_id"],
                            "comments": [{"question": "notes", "text": "aanvullen"}],
                        },
                    )
                    # A version that arrived meanwhile makes the review stale: fine.
                    record(answer, {200, 409})
                time.sleep(0.05)

    threads = [threading.Thread(target=device, args=(n,)) for n in range(DEVICES)]
    for thread in threads:
        thread.start()
    start.wait()
    deadline = time.monotonic() + SECONDS
    reviewer = threading.Thread(target=supervisor)
    reviewer.start()
    for thread in [*threads, reviewer]:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)

    assert not problems, "\n".join(problems[:20])
    assert not [status for status in statuses if status >= 500]
    total = sum(len(versions) for versions in acked.values())
    assert total >= DEVICES, statuses  # every device got at least one through
    with database.read() as connection:
        rows = connection.execute(
            sa.select(schema.versions.c.version_id, schema.versions.c.author)
        ).all()
        digests = dict(
            connection.execute(sa.select(schema.digests.c.author, schema.digests.c.digest)).all()
        )
    stored: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        stored[row.author].add(row.version_id)
    assert len(rows) == total  # nothing twice, nothing that was not acknowledged
    assert stored == acked  # nothing lost
    for author, versions in acked.items():
        assert digests[author] == digest_of(versions)
    return statuses
