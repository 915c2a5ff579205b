"""Reporting services: one module per part."""
