"""Small groups: an aggregate about other people (a mean, a count per category) is shown only
when at least a minimum of people stand behind it; below it the value is withheld, with the
reason. A mean of one person is that person's value, and a count per box of two, read by one
of the two, is the other's place.

Every aggregate a person can read about others goes through `suppress` (the city's figures per
agency, the talent grid and heat-map, each 360° source's mean), with the deployment's minimum
(`KINERJA_MIN_GROUP`, default `MIN_GROUP`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

MIN_GROUP = 3  # the default minimum group size
TOO_FEW = "too_few"  # the reason a withheld value gives (API: next to its null)

T = TypeVar("T")


@dataclass(frozen=True)
class Shown(Generic[T]):
    """An aggregate as it may be read: `value` is None and `reason` says why when too few
    people stand behind it."""

    value: T | None
    size: int
    reason: str | None

    @property
    def suppressed(self) -> bool:
        return self.reason is not None


def too_few(size: int, minimum: int = MIN_GROUP) -> bool:
    """Whether `size` people are too few for an aggregate about them: some, but fewer than
    `minimum` (nobody at all tells nothing about anyone)."""
    return 0 < size < minimum


def suppress(value: T | None, size: int, minimum: int = MIN_GROUP) -> Shown[T]:
    """The value of an aggregate over `size` people, or nothing with the reason when they are
    some but fewer than `minimum`."""
    if too_few(size, minimum):
        return Shown(None, size, TOO_FEW)
    return Shown(value, size, None)
