"""Where a decision was taken, told by a part above this one.

Meetings live above planning (their agendas discuss health rounds too), so planning may not
import them. The meetings part registers a finder when it starts (MeetingsConfig.ready)
and the decision records ask through this module which meeting each was taken in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from planning.models import Decision


@dataclass(frozen=True)
class Venue:
    """The meeting a decision was taken in, as the decision record names it."""

    title: str
    url: str
    # The meeting's start, aware: shown in the reader's time zone.
    starts_at: object


Finder = Callable[[Sequence[Decision]], dict[int, Venue]]
_finders: list[Finder] = []


def register(finder: Finder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def venues(decisions: Sequence[Decision]) -> dict[int, Venue]:
    """Decision id → the meeting it was taken in, for those taken in one."""
    found: dict[int, Venue] = {}
    if decisions:
        for finder in _finders:
            found.update(finder(decisions))
    return found
