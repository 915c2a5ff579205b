"""The predecessor notation of MS Project's Gantt table, with WBS codes as references.

``"1.2, 1.3SS+2d, PRJ-7:4.1FF-1d"`` means: finish-to-start from 1.2, start-to-start from 1.3 with a lag of
two working days, and finish-to-finish from task 4.1 of project PRJ-7 with a lead of one day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kuroko.engine.duration import DurationError, DurationUnits, Span, format_span, parse_span

_ITEM = re.compile(
    r"^\s*(?:(?P<project>[A-Za-z0-9_\-]+):)?(?P<code>\d+(?:\.\d+)*)\s*"
    r"(?P<type>FS|SS|FF|SF)?\s*(?P<lag>[+-]\s*\S+)?\s*$",
    re.IGNORECASE,
)


class PredecessorError(ValueError):
    """An item of the predecessor text cannot be read; the message names it.

    `item` is the offending text and `kind` one of "syntax", "lag" or "duplicate", so that a user
    interface can word the message in the user's language.
    """

    def __init__(self, message: str, *, item: str, kind: str) -> None:
        super().__init__(message)
        self.item = item
        self.kind = kind


@dataclass(frozen=True, slots=True)
class PredecessorRef:
    """One parsed predecessor: an optional project code, a WBS code, the link type and lag in minutes."""

    project: str | None
    code: str
    type: str
    lag_minutes: int
    lag_elapsed: bool = False  # the lag is calendar time (+2ed), not working time


def parse_predecessors(text: str, units: DurationUnits | None = None) -> list[PredecessorRef]:
    """Parse comma- or semicolon-separated predecessor items; an empty text gives no links.

    Raises
    ------
    PredecessorError
        Naming the item that is not of the form ``[PROJECT:]CODE[TYPE][±LAG]`` or repeats a task.
    """
    refs: list[PredecessorRef] = []
    seen: set[tuple[str | None, str]] = set()
    for raw in re.split(r"[,;、]", text):
        if not raw.strip():
            continue
        match = _ITEM.match(raw)
        if match is None:
            raise PredecessorError(
                f"“{raw.strip()}” is not a predecessor; write a WBS code with an optional type and lag, "
                "e.g. 1.2, 1.3SS+2d or PRJ-7:4.1FF.",
                item=raw.strip(),
                kind="syntax",
            )
        lag_text = (match["lag"] or "").replace(" ", "")
        try:
            lag = parse_span(lag_text, units, allow_negative=True) if lag_text else Span(0)
        except DurationError as exc:
            raise PredecessorError(f"“{raw.strip()}”: {exc}", item=raw.strip(), kind="lag") from exc
        project = match["project"].upper() if match["project"] else None
        key = (project, match["code"])
        if key in seen:
            raise PredecessorError(f"“{raw.strip()}” is listed twice.", item=raw.strip(), kind="duplicate")
        seen.add(key)
        refs.append(
            PredecessorRef(
                project,
                match["code"],
                (match["type"] or "FS").upper(),
                lag.minutes,
                lag.elapsed and bool(lag.minutes),
            )
        )
    return refs


def format_predecessor(
    ref: PredecessorRef, units: DurationUnits | None = None, *, current_project: str | None = None
) -> str:
    """The text of one predecessor; FS with no lag is written as the bare code, as MS Project does."""
    prefix = f"{ref.project}:" if ref.project and ref.project != current_project else ""
    text = prefix + ref.code
    if ref.type != "FS" or ref.lag_minutes:
        text += ref.type
    if ref.lag_minutes:
        lag = format_span(ref.lag_minutes, ref.lag_elapsed, units)
        text += lag if lag.startswith("-") else f"+{lag}"
    return text
