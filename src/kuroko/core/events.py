"""Events one app announces and apps above it react to, so that lower apps never import higher ones.

`calendar_changed` is sent by the people services after a working calendar (or one of its exceptions)
changes, with `calendar_ids`: that calendar and the calendars based on it. The projects app reschedules
the projects that use them.
"""

from django.dispatch import Signal

calendar_changed = Signal()

rate_cards_changed = Signal()
"""Sent by the people services after a cost rate card is added or removed, with `person_ids` (the people
whose rate in force may have changed, including everyone on a changed grade) and `since` (the first day
affected). The tracking app recomputes the labour cost of their time entries from that day."""
