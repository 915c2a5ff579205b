"""REST endpoints of the portfolio summary, report exports, schedules and the report archive."""

from ninja import Router

router = Router(tags=["report exports"])
