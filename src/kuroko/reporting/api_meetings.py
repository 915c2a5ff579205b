"""REST endpoints of meetings: series, meetings, agenda, minutes and attendance."""

from ninja import Router

router = Router(tags=["meetings"])
