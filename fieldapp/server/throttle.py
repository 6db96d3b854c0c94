"""Sign-in throttling: per username and per client address, and a bound on Argon2 at once.

A password check costs tens of milliseconds of CPU and 64 MiB of memory on purpose, so a
flood of sign-ins must never run them all at once: a few run (`verifying`), a bounded
number wait their turn, and the rest are told at once to come back later (429 with
Retry-After). Each username and each client address has a token bucket: an attempt takes
a token before its password is checked, a successful one gives it back, so wrong guesses
for one account or from one address slow down to the refill rate while everyone else
signs in as usual. Signed-in devices never pass through here: a bearer token is checked
with one SHA-256 and one indexed read.

The buckets live in this process's memory. Several server processes each throttle on
their own, which multiplies the rate by their number but keeps the bound per process.
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

from fieldapp.protocol.models import ErrorCode
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
    """What every sign-in passes before its password is checked."""

    def __init__(self, limits: SignInLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.usernames = TokenBuckets(
            limits.per_username_burst,
            limits.per_username_refill_seconds,
            limits.remembered_keys,
            clock,
        )
        self.addresses = TokenBuckets(
            limits.per_address_burst,
            limits.per_address_refill_seconds,
            limits.remembered_keys,
            clock,
        )
        self._checks = asyncio.Semaphore(limits.concurrent_checks)
        self._waiting = 0

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
