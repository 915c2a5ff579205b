"""Kuroko's engine: pure Python computation, free of Django (enforced by import-linter)."""
