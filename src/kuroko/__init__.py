"""Kuroko — the open-source PMO platform."""

__version__ = "0.1.0"
