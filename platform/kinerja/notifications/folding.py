"""How notifications read on the page, as pure functions: the same subject told several times is
shown once (with how many times and the latest), and a text too long for a line is cut at a word
boundary with an ellipsis, never inside a word."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kinerja import numbers

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: whole when it fits, else cut after the last whole
    word that fits, with an ellipsis (a single word longer than the limit is cut: nothing else
    fits)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = max(limit - len(ELLIPSIS), 1)
    cut = text[: room + 1]  # one more: is the character after the room a space?
    head = cut.rsplit(" ", 1)[0] if " " in cut else text[:room]
    return head.rstrip(" ,.;:-\u2013") + ELLIPSIS  # no dangling punctuation or dash


@dataclass(frozen=True)
class Folded:
    """One line of the list: the newest notification of its subject, the text, how many times
    it was told (each notification's own repeats included), the ids behind it, and whether any
    of them is unread."""

    latest: Any
    text: str
    times: int
    ids: tuple[int, ...]
    unread: bool


def fold(notifications: Sequence[Any], text_of: Callable[[Any], str]) -> list[Folded]:
    """Notifications (newest first, as listed) folded by subject: same kind and same text read
    alike, so they are one line, where the first (newest) of them stands."""
    groups: dict[tuple[str, str], list[Any]] = {}
    texts: dict[tuple[str, str], str] = {}
    for n in notifications:
        said = text_of(n)
        subject = (n.kind, said)
        groups.setdefault(subject, []).append(n)
        texts[subject] = said
    return [
        Folded(
            latest=items[0],
            text=texts[subject],
            times=sum(max(int(i.repeats or 1), 1) for i in items),
            ids=tuple(i.id for i in items),
            unread=any(i.read_at is None for i in items),
        )
        for subject, items in groups.items()
    ]


def ids_of(values: Iterable[Any]) -> list[int]:
    """The whole positive numbers among form values (a folded line sends all its ids)."""
    found = []
    for value in values:
        number = numbers.whole(value, 1, 2**62)
        if number is not None:
            found.append(number)
    return found
