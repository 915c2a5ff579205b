"""REST endpoints of weekly status reports and their RAG rules and report levels."""

from ninja import Router

router = Router(tags=["status reports"])
