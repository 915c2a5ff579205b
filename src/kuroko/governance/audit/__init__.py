"""The audit rule engine: rule registry, built-in rule packs and the runner (see docs/guide/audits.md)."""
