"""Reporting selectors: one module per part."""
