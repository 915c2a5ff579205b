"""Reads of the RAID app, one module per capability; the names are re-exported here."""

__all__: list[str] = []
