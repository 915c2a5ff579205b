"""Dashboards: what each role's home page shows. (The dashboards part fills this module; the signature
below is a contract the exports part calls.)"""

from __future__ import annotations

from datetime import date
from typing import Any

from kuroko.formats.report_doc import Chart


def portfolio_charts(user: Any, *, week: date, program: Any = None) -> list[Chart]:
    """The portfolio trend charts (SPI/CPI, RAG counts, …) of the projects `user` reads, as of the end of
    the ISO week starting `week`, as report-document charts (the same specs the dashboards draw)."""
    return []
