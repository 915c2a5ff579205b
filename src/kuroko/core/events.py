"""Events one app announces and apps above it react to, so that lower apps never import higher ones.

`calendar_changed` is sent by the people services after a working calendar (or one of its exceptions)
changes, with `calendar_ids`: that calendar and the calendars based on it. The projects app reschedules
the projects that use them.
"""

from django.dispatch import Signal

calendar_changed = Signal()
