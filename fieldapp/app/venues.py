"""The venue registry as the app searches it: by name or street, recent first.

Qt-free: the home screen's "new inspection" and the form runner's venue question both
search the same `VenueDirectory`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from fieldapp.core.entities import Area, Venue, VenueKind


class VenueDirectory(Protocol):
    """What the screens need from the venue registry."""

    def venue(self, venue_id: str) -> Venue | None: ...

    def search(self, query: str, kinds: Iterable[VenueKind] | None = None) -> list[Venue]:
        """Venues whose name, street or postcode contains every word of `query`."""
        ...

    def areas(self) -> Sequence[Area]: ...

    def note_used(self, venue_id: str) -> None:
        """Remember a venue as recently used, so it comes first next time."""


def fold(text: str) -> str:
    """Lower case without accents, so 'cafe' finds 'Café' and 'yildiz' finds 'Yıldız'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class RegistryDirectory:
    """A `VenueDirectory` over a list of venues and areas (the seed world or the store's)."""

    def __init__(
        self, venues: Sequence[Venue], areas: Sequence[Area], recent: Sequence[str] = ()
    ) -> None:
        self._venues = list(venues)
        self._by_id = {venue.id: venue for venue in self._venues}
        self._areas = list(areas)
        self._recent: list[str] = [venue_id for venue_id in recent if venue_id in self._by_id]
        self._keys = {
            venue.id: fold(f"{venue.name} {venue.street} {venue.house_number} {venue.postcode}")
            for venue in self._venues
        }

    @property
    def recent(self) -> list[str]:
        return list(self._recent)

    def venue(self, venue_id: str) -> Venue | None:
        return self._by_id.get(venue_id)

    def areas(self) -> Sequence[Area]:
        return self._areas

    def search(self, query: str, kinds: Iterable[VenueKind] | None = None) -> list[Venue]:
        wanted = frozenset(kinds) if kinds is not None else None
        words = fold(query).split()
        found = [
            venue
            for venue in self._venues
            if (wanted is None or venue.kind in wanted)
            and all(word in self._keys[venue.id] for word in words)
        ]
        rank = {venue_id: index for index, venue_id in enumerate(self._recent)}
        # Recent first (most recent on top), then by name.
        return sorted(found, key=lambda v: (rank.get(v.id, len(rank)), fold(v.name)))

    def note_used(self, venue_id: str) -> None:
        if venue_id in self._recent:
            self._recent.remove(venue_id)
        self._recent.insert(0, venue_id)
        del self._recent[20:]
