"""Writes of the tracking app, one module per capability; the names are re-exported here."""

from kuroko.tracking.services.costs import budget_set, expense_add, expense_remove

__all__ = ["budget_set", "expense_add", "expense_remove"]
