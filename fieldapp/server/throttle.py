"""Sign-in throttling: per username and per client address, and a bound on Argon2 at once.

A password check costs tens of milliseconds of CPU and 64 MiB of memory on purpose, so a
flood of sign-ins must never run them all at once: a few run (`verifying`), a bounded
number wait their turn, and the rest are told at once to come back later (429 with
Retry-After). Each username and each client address has a token bucket: an attempt takes
a token before its password is checked, a successful one gives it back, so wrong guesses
for one account or from one address slow down to the refill rate while everyone else
signs in as usual. Signed-in devices never pass through here: a bearer token is checked
with one SHA-256 and one indexed read.

The buckets live in this process's memory and, on PostgreSQL, also in the database
(`SharedBuckets`), which every server process and worker draws on: N processes allow the
rate once, not N times. A process's own buckets see only its share of the attempts, so
they refuse only what the shared ones would refuse too; they come first, so a flood that
one process already refuses costs the database nothing. The bound on password checks at
once is per process.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.protocol.models import ErrorCode
from fieldapp.server import schema
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError


@dataclass(frozen=True)
class SignInLimits:
    """How fast sign-ins may come; tests make them small."""

    #: Attempts one username may make in a burst, and how many seconds refill one.
    per_username_burst: int = 5
    per_username_refill_seconds: float = 60.0
    #: Attempts one client address may make in a burst (an office behind one NAT signs
    #: in together in the morning), and how many seconds refill one.
    per_address_burst: int = 30
    per_address_refill_seconds: float = 6.0
    #: Password checks at once (each takes one core and the Argon2 memory).
    concurrent_checks: int = 2
    #: Sign-ins that may wait for a check; more are told to come back (429).
    waiting_checks: int = 16
    #: Buckets remembered per kind; the oldest are forgotten first.
    remembered_keys: int = 100_000


class TokenBuckets:
    """Token buckets by key, refilled continuously; thread-safe, bounded in size."""

    def __init__(
        self, burst: int, refill_seconds: float, remembered: int, clock: Callable[[], float]
    ) -> None:
        self.burst = burst
        self.refill_seconds = refill_seconds
        self.remembered = remembered
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take a token; 0 when one was there, else the seconds until one will be."""
        with self._lock:
            now = self.clock()
            tokens, since = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - since) / self.refill_seconds)
            if tokens >= 1:
                self._remember(key, tokens - 1, now)
                return 0.0
            self._remember(key, tokens, now)
            return (1 - tokens) * self.refill_seconds

    def give_back(self, key: str) -> None:
        with self._lock:
            found = self._buckets.pop(key, None)
            if found is not None:
                tokens, since = found
                self._remember(key, min(float(self.burst), tokens + 1), since)

    def _remember(self, key: str, tokens: float, since: float) -> None:
        self._buckets[key] = (tokens, since)
        while len(self._buckets) > self.remembered:
            self._buckets.popitem(last=False)


class Buckets(Protocol):
    """Token buckets by key: `take` one (0, or the seconds until one will be there), or
    `give_back` the one taken."""

    def take(self, key: str) -> float: ...

    def give_back(self, key: str) -> None: ...


class SharedBuckets:
    """Token buckets of one kind in the central database, shared by every process on it.

    The same arithmetic as TokenBuckets, on the row of the key, locked for the moment of
    its transaction (FOR UPDATE on PostgreSQL; SQLite has one writer). Time is the
    server's wall clock, which the processes share (a monotonic clock is per process).
    Rows of buckets that are full again are swept (`sweep`); until then they hold only
    what a new row would say.
    """

    def __init__(
        self,
        database: CentralDatabase,
        kind: str,
        burst: int,
        refill_seconds: float,
        clock: Callable[[], datetime],
    ) -> None:
        self.database = database
        self.kind = kind
        self.burst = burst
        self.refill_seconds = refill_seconds
        self.clock = clock

    def take(self, key: str) -> float:
        buckets = schema.sign_in_buckets
        now = self.clock().timestamp()
        with self.database.write() as connection:
            tokens = self._tokens(connection, key, now)
            left = tokens - 1 if tokens >= 1 else tokens
            connection.execute(
                buckets.update()
                .where(buckets.c.kind == self.kind, buckets.c.key == key)
                .values(tokens=left, since=now)
            )
        return 0.0 if tokens >= 1 else (1 - tokens) * self.refill_seconds

    def give_back(self, key: str) -> None:
        buckets = schema.sign_in_buckets
        # The smaller of two values: LEAST on PostgreSQL, the two-argument MIN on SQLite.
        smaller = sa.func.least if self.database.is_postgresql else sa.func.min
        with self.database.write() as connection:
            connection.execute(
                buckets.update()
                .where(buckets.c.kind == self.kind, buckets.c.key == key)
                .values(tokens=smaller(buckets.c.tokens + 1, float(self.burst)))
            )

    def _tokens(self, connection: Connection, key: str, now: float) -> float:
        """The key's tokens now (refilled since they were counted), its row locked."""
        buckets = schema.sign_in_buckets
        connection.execute(
            self.database.insert_ignoring_duplicates(buckets).values(
                kind=self.kind, key=key, tokens=float(self.burst), since=now
            )
        )
        query = sa.select(buckets.c.tokens, buckets.c.since).where(
            buckets.c.kind == self.kind, buckets.c.key == key
        )
        if self.database.is_postgresql:
            query = query.with_for_update()
        tokens, since = connection.execute(query).one()
        # A clock set back must not take tokens away: time before `since` refills nothing.
        refilled = max(0.0, now - float(since)) / self.refill_seconds
        return min(float(self.burst), float(tokens) + refilled)

    def sweep(self) -> int:
        """Remove the rows of buckets full again: a new row would say the same."""
        buckets = schema.sign_in_buckets
        full_after = self.burst * self.refill_seconds
        with self.database.write() as connection:
            removed = connection.execute(
                buckets.delete().where(
                    buckets.c.kind == self.kind,
                    buckets.c.since < self.clock().timestamp() - full_after,
                )
            ).rowcount
        return int(removed)


class Layered:
    """This process's buckets first, then the shared ones: an attempt this process already
    refuses costs no database work, and one it takes also counts for every process."""

    def __init__(self, local: TokenBuckets, shared: SharedBuckets) -> None:
        self.local = local
        self.shared = shared

    def take(self, key: str) -> float:
        wait = self.local.take(key)
        if wait:
            return wait
        return self.shared.take(key)

    def give_back(self, key: str) -> None:
        self.local.give_back(key)
        self.shared.give_back(key)


def too_many(seconds: float, en_what: str, nl_what: str) -> ApiError:
    wait = max(1, math.ceil(seconds))
    return ApiError(
        429,
        ErrorCode.THROTTLED,
        f"Te veel aanmeldpogingen {nl_what}; probeer het over {wait} seconden opnieuw.",
        f"Too many sign-in attempts {en_what}; try again in {wait} seconds.",
        headers={"Retry-After": str(wait)},
    )


class SignInGate:
    """What every sign-in passes before its password is checked.

    With `shared` (the central database and its clock), the budgets are also kept there,
    for every process at once (`SharedBuckets`); `admit` and `succeeded` then read and
    write the database, so they are called off the event loop.
    """

    def __init__(
        self,
        limits: SignInLimits,
        clock: Callable[[], float] = time.monotonic,
        shared: tuple[CentralDatabase, Callable[[], datetime]] | None = None,
    ) -> None:
        self.limits = limits
        self.shared: list[SharedBuckets] = []
        self.usernames = self._buckets(
            "username", limits.per_username_burst, limits.per_username_refill_seconds, clock, shared
        )
        self.addresses = self._buckets(
            "address", limits.per_address_burst, limits.per_address_refill_seconds, clock, shared
        )
        self._checks = asyncio.Semaphore(limits.concurrent_checks)
        self._waiting = 0

    def _buckets(
        self,
        kind: str,
        burst: int,
        refill_seconds: float,
        clock: Callable[[], float],
        shared: tuple[CentralDatabase, Callable[[], datetime]] | None,
    ) -> Buckets:
        local = TokenBuckets(burst, refill_seconds, self.limits.remembered_keys, clock)
        if shared is None:
            return local
        database, wall_clock = shared
        everyone = SharedBuckets(database, kind, burst, refill_seconds, wall_clock)
        self.shared.append(everyone)
        return Layered(local, everyone)

    def sweep(self) -> int:
        """Remove the shared buckets that are full again; how many."""
        return sum(buckets.sweep() for buckets in self.shared)

    def admit(self, username: str, address: str) -> None:
        """Take a token for the address and the username, or refuse with a 429."""
        wait = self.addresses.take(address)
        if wait:
            raise too_many(wait, "from this address", "vanaf dit adres")
        wait = self.usernames.take(username.casefold())
        if wait:
            raise too_many(wait, "for this account", "voor dit account")

    def succeeded(self, username: str, address: str) -> None:
        """A right password gives its tokens back: only wrong guesses use the budget."""
        self.usernames.give_back(username.casefold())
        self.addresses.give_back(address)

    @property
    def waiting(self) -> int:
        """Sign-ins waiting for or holding a permit to check a password."""
        return self._waiting

    @asynccontextmanager
    async def checking(self) -> AsyncIterator[None]:
        """A permit to check one password; 429 when too many already wait for one."""
        if self._waiting >= self.limits.waiting_checks + self.limits.concurrent_checks:
            raise too_many(1, "right now", "op dit moment")
        self._waiting += 1
        try:
            async with self._checks:
                yield
        finally:
            self._waiting -= 1
