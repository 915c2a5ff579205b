"""Reporting views: one module per part."""
