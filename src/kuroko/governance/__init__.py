"""Standards and governance: methodology templates, phase gates, health and compliance audits, quality."""
