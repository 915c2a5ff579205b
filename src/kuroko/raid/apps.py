from datetime import time

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RaidConfig(AppConfig):
    name = "kuroko.raid"
    label = "raid"
    verbose_name = _("Risks, issues and decisions")

    def ready(self) -> None:
        from kuroko.core.scheduler import register_periodic
        from kuroko.raid.tasks import escalations_in_background, overdue_actions_in_background

        register_periodic("raid.escalations", escalations_in_background, at=time(1, 0))
        register_periodic("raid.overdue", overdue_actions_in_background, at=time(6, 0))
