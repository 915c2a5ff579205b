from datetime import time

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kuroko.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from kuroko.core.scheduler import register_periodic
        from kuroko.core.tasks_notifications import digest_in_background, housekeeping_in_background

        # After the overdue checks (06:00), so the morning's digest lists what became overdue.
        register_periodic("core.digest", digest_in_background, at=time(7, 0))
        register_periodic("core.housekeeping", housekeeping_in_background, at=time(3, 30))
