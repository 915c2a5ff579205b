"""The audit rule engine: rule registry, built-in rule packs (DCMA 14, PMO hygiene, quality thresholds); the
runner is `kuroko.governance.services.audits.audit_run` (see docs/guide/audits.md)."""

from kuroko.governance.audit import dcma, hygiene, quality  # noqa: F401  (the packs register their rules)
from kuroko.governance.audit.registry import PACKS, RULES, Effective, Param, ProjectData, Rule

__all__ = ["PACKS", "RULES", "Effective", "Param", "ProjectData", "Rule"]
