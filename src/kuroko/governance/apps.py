from datetime import time

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "kuroko.governance"
    label = "governance"
    verbose_name = _("Standards and governance")

    def ready(self) -> None:
        # Metrics and the built-in audit rules register themselves when their modules load.
        from kuroko.core.scheduler import register_periodic
        from kuroko.governance import audit, metrics  # noqa: F401
        from kuroko.governance.tasks import audit_all_in_background

        register_periodic("governance.audit", audit_all_in_background, at=time(2, 0))
