"""Reads of governance data, one module per capability (templates, gates, dcma, audits, quality)."""
