"""Moments as the store writes and reads them: aware UTC in fixed-width ISO text, which sorts.

The clock is the device's. It stamps rows and audit entries for people to read; the store
never orders or accepts anything by it (lists follow a change counter instead).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """UTC, fixed width, so stored times sort as text."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def wall_clock(clock: Clock) -> Clock:
    """The local time the officer sees, for form defaults such as 'now'."""
    return lambda: clock().astimezone().replace(tzinfo=None, microsecond=0)
